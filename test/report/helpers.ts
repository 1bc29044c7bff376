// Fixtures for the report tests: a temporary SQLite database seeded through the real store, a report source on
// it, and an in-process CLI context whose stdout/stderr are captured.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { openStore, type SqliteStore } from '../../src/adapters/sqlite/store.js';
import { FakeClock } from '../support/fakes/clock.js';
import type { Marks, MigrationStatus } from '../../src/core/types.js';
import type { CliContext } from '../../src/cli/wiring/context.js';
import { main } from '../../src/cli/main.js';
import type { ReportQuery } from '../../src/report/source.js';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-report-'));
}

export interface SeedMigration {
  id: string;
  orgId?: string;
  status?: MigrationStatus;
  state?: string;
  createdAt?: string;
  ticketKey?: string | null;
  marks?: Marks;
  plan?: unknown;
}

export const NOW = '2026-04-01T12:00:00.000Z';

export async function seed(store: SqliteStore, m: SeedMigration): Promise<void> {
  const at = m.createdAt ?? '2026-03-02T09:00:00Z';
  const orgId = m.orgId ?? 'ORG1@AdobeOrg';
  const plan = m.plan ?? { orgId, ticketSlaBusinessDays: 6 };
  await store.create({
    id: m.id,
    orgId,
    plan,
    machineVersion: 'm1',
    xstateVersion: '5.33.3',
    state: 'planned',
    status: 'active',
    at,
    journal: [],
  });
  await store.commitTransition(m.id, {
    snapshot: { value: m.state ?? 'done' },
    machineVersion: 'm1',
    xstateVersion: '5.33.3',
    state: m.state ?? 'done',
    status: m.status ?? 'completed',
    progressed: true,
    attempts: 0,
    lastError: null,
    ticketKey: m.ticketKey === undefined ? `MIG-${m.id}` : m.ticketKey,
    marks: m.marks ?? {},
    journal: [{ kind: 'transition', at, name: 'SEEDED' }],
    at,
  });
}

/** A database file seeded with the given migrations (store closed again). */
export async function seededDb(migrations: SeedMigration[], dir = tempDir()): Promise<string> {
  const file = path.join(dir, 'state.db');
  const store = openStore(file);
  try {
    for (const m of migrations) await seed(store, m);
  } finally {
    await store.close();
  }
  return file;
}

export function query(over: Partial<ReportQuery> = {}): ReportQuery {
  return { now: NOW, holidays: [], ...over };
}

/** A writable that keeps what it was given, as text. */
export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}, now = NOW): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const ctx = (signal: AbortSignal): CliContext => ({
    io: { stdout, stderr, stdin: process.stdin },
    env: { NO_COLOR: '1', ...env },
    cwd: process.cwd(),
    clock: new FakeClock(Date.parse(now)),
    signal,
    actor: 'test@host',
  });
  const code = await main(['node', 'cutover', ...argv], ctx);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Marks of a complete migration, as offsets in minutes from a base instant. */
export function marksAt(
  base: string,
  minutes: { filed?: number; stopped?: number; detected?: number; connected?: number; data?: number },
): Marks {
  const at = (m: number | undefined) =>
    m === undefined ? undefined : new Date(Date.parse(base) + m * 60_000).toISOString();
  const marks: Marks = {};
  if (minutes.filed !== undefined) marks.ticket_filed = { at: at(minutes.filed)!, source: 'jira.created' };
  if (minutes.stopped !== undefined) marks.legacy_stopped = { at: at(minutes.stopped)!, source: 'jira.resolutiondate' };
  if (minutes.detected !== undefined)
    marks.resolution_detected = { at: at(minutes.detected)!, source: 'cutover.clock' };
  if (minutes.connected !== undefined)
    marks.connection_established = { at: at(minutes.connected)!, source: 'flowservice.createdAt' };
  if (minutes.data !== undefined) marks.first_data = { at: at(minutes.data)!, source: 'aam.segment' };
  return marks;
}
