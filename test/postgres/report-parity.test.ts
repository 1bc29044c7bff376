// The same migrations give the same report on both stores: a seeded SQLite file is copied into the team store
// with `cutover store copy`, then every report format (and filters, and one migration's record) is rendered
// from each and compared byte for byte. Also: the copy is all or nothing, and says how many it copied.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Marks, MigrationStatus } from '../../src/core/types.js';
import { createRng } from '../../src/emulator/rng.js';
import { runCli, type SeedMigration, seededDb } from '../report/helpers.js';
import { describeWithPostgres, PG_PASSWORD, type PgServer, startPostgres } from '../support/postgres.js';

const STATUSES: MigrationStatus[] = ['active', 'waiting', 'needs_attention', 'completed', 'cancelled'];
const ZONES = [undefined, 'America/Los_Angeles', 'Europe/Berlin', 'Not/AZone'];

function randomMigration(i: number, rand: () => number): SeedMigration {
  const created = Date.parse('2026-01-05T00:00:00Z') + Math.floor(rand() * 80 * 86_400_000);
  const stopped = created + Math.floor(rand() * 9 * 86_400_000);
  const iso = (ms: number) => new Date(ms).toISOString();
  const marks: Marks = {};
  if (rand() < 0.9) marks.ticket_filed = { at: iso(created + 60_000), source: 'jira.created' };
  if (rand() < 0.8) marks.legacy_stopped = { at: iso(stopped), source: 'jira.resolutiondate' };
  if (rand() < 0.8)
    marks.resolution_detected = { at: iso(stopped + Math.floor(rand() * 600_000)), source: 'cutover.clock' };
  if (rand() < 0.7)
    marks.connection_established = {
      at: iso(stopped + Math.floor((rand() - 0.1) * 3_600_000)),
      source: 'flowservice.createdAt',
    };
  if (rand() < 0.6) marks.first_data = { at: iso(stopped + Math.floor(rand() * 7_200_000)), source: 'flowservice.run' };
  if (marks.legacy_stopped && rand() < 0.1) marks.legacy_stopped.override = { by: 'ana@host', reason: 'CC said so' };
  const status = STATUSES[Math.floor(rand() * STATUSES.length)]!;
  const zone = ZONES[Math.floor(rand() * ZONES.length)];
  const plan = {
    orgId: `ORG${i % 3}@AdobeOrg`,
    ticketSlaBusinessDays: 1 + (i % 7),
    ...(zone ? { sla: { timeZone: zone } } : {}),
  };
  const state =
    status === 'waiting' ? 'awaiting_resolution.sleeping' : status === 'completed' ? 'completed' : 'staging';
  return {
    id: `m-${String(i).padStart(4, '0')}`,
    orgId: plan.orgId,
    status,
    state,
    createdAt: iso(created),
    marks,
    plan,
  };
}

describeWithPostgres('report parity between SQLite and PostgreSQL', () => {
  let server: PgServer;
  let file: string;
  let url: string;
  beforeAll(async () => {
    server = await startPostgres();
    const rand = createRng(16);
    file = await seededDb(Array.from({ length: 150 }, (_, i) => randomMigration(i, rand)));
    url = await server.createDatabase('parity');
    const copy = await runCli(['store', 'copy', '--from', file, '--to', url]);
    expect(copy.stderr).toBe('');
    expect(copy.stdout).toBe(`copied 150 migrations from ${file} to ${url.replace(PG_PASSWORD, '****')}\n`);
    expect(copy.code).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const CASES: [string, string[]][] = [
    ['table', ['--format', 'table']],
    ['json', ['--format', 'json']],
    ['csv', ['--format', 'csv']],
    ['md', ['--format', 'md']],
    ['html', ['--format', 'html']],
    ['json, one org since a date', ['--format', 'json', '--org', 'ORG1@AdobeOrg', '--since', '2026-02-01']],
    ['json, waiting only (stalled verdicts)', ['--format', 'json', '--status', 'waiting']],
    ['md, one record', ['--format', 'md', '--id', 'm-0007']],
  ];
  it.each(CASES)('%s: byte for byte the same', async (_name, flags) => {
    const local = await runCli(['--db', file, 'report', ...flags]);
    const team = await runCli(['--db', url, 'report', ...flags]);
    expect(local.code, local.stderr).toBe(0);
    expect(team.code, team.stderr).toBe(0);
    expect(local.stdout.length).toBeGreaterThan(100);
    expect(team.stdout).toBe(local.stdout);
  });

  it('copies again as a no-op: identical ids are left as they were, and the report is unchanged', async () => {
    const again = await runCli(['store', 'copy', '--from', file, '--to', url, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const result = JSON.parse(again.stdout) as { copied: string[]; identical: string[] };
    expect(result.copied).toEqual([]);
    expect(result.identical).toHaveLength(150);
  });

  it('refuses an id already there with other content, by name, and copies nothing at all', async () => {
    const rand = createRng(99);
    const other = await seededDb([
      { ...randomMigration(900, rand), id: 'm-new-1' },
      { ...randomMigration(7, rand), id: 'm-0007', ticketKey: 'OTHER-7' },
    ]);
    const before = await runCli(['--db', url, 'list', '--json', '--limit', '0']);
    const refused = await runCli(['store', 'copy', '--from', other, '--to', url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('migration m-0007 is already in the team store with other content');
    expect(refused.stderr).not.toContain(PG_PASSWORD);
    const after = await runCli(['--db', url, 'list', '--json', '--limit', '0']);
    expect(after.stdout).toBe(before.stdout);
    expect(after.stdout).not.toContain('m-new-1');
  });
});
