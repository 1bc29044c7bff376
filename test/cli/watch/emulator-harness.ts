// Set-up for watch tests against the emulator: real HTTP, a real SQLite file, migrations created with the
// engine, and `cutover watch` run in-process through main() with captured streams and its own stop signal.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { systemClock } from '../../../src/adapters/clock.js';
import { openStore } from '../../../src/adapters/sqlite/store.js';
import { main } from '../../../src/cli/main.js';
import { signBody } from '../../../src/adapters/webhook/signature.js';
import { validatePlan } from '../../../src/core/plan.js';
import { Engine } from '../../../src/engine/engine.js';
import { DEFAULT_SETTINGS } from '../../../src/engine/types.js';
import { emulatorEnv, startEmulator, type Emulator } from '../../../src/emulator/index.js';
import type { Logger, MigrationStore } from '../../../src/ports.js';

export const WEBHOOK_SECRET = 'watch-test-webhook-secret';
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A made-up org id per index, shaped like Adobe's (24 hex characters). */
export function orgId(i: number): string {
  return `${(0xabc000 + i).toString(16).toUpperCase().padStart(24, '0')}@AdobeOrg`;
}

export interface WatchRig {
  emu: Emulator;
  store: MigrationStore;
  dbFile: string;
  env: NodeJS.ProcessEnv;
  /** Creates one migration for the org (Engine.create), with a 10-minute ticket poll. */
  create(org: string): Promise<string>;
  close(): Promise<void>;
}

export async function watchRig(orgs: string[]): Promise<WatchRig> {
  const emu = await startEmulator({ port: 0, timeScale: 0.02, orgs });
  const dir = mkdtempSync(join(tmpdir(), 'cutover-watch-'));
  const dbFile = join(dir, 'state.db');
  const store = openStore(dbFile);
  const env: NodeJS.ProcessEnv = {
    ...emulatorEnv(emu.url),
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    CUTOVER_DB: dbFile,
    CUTOVER_WEBHOOK_SECRET: WEBHOOK_SECRET,
    // The emulator is no one's shared Jira: no need to keep most of its capacity free (CUTOVER_JIRA_RATE).
    CUTOVER_JIRA_RATE: '200',
  };
  // Engine.create touches no service: any services will do.
  const engine = new Engine({
    store,
    services: {} as never,
    clock: systemClock,
    logger: quiet,
    holder: 'test@creator:1',
    settings: DEFAULT_SETTINGS,
    env,
  });
  return {
    emu,
    store,
    dbFile,
    env,
    create: (org) => engine.create(planFor(emu, org), 'admin@test'),
    async close() {
      await store.close();
      await emu.close();
    },
  };
}

function planFor(emu: Emulator, org: string) {
  const result = validatePlan({
    orgId: org,
    sandbox: 'prod',
    audiences: emu
      .world(org)
      .audiences.slice(0, 2)
      .map((a) => a.id),
    identities: [{ source: 'ECID', target: 'ECID' }],
    solutions: ['audience_manager'],
    destination: { name: 'Experience Cloud Audiences', description: 'Migrated by cutover' },
    jira: { projectKey: 'CC', issueType: 'Task' },
    polling: {
      ticketIntervalMs: 600_000,
      verifyIntervalMs: 5_000,
      verifyTimeoutMs: 600_000,
      maxAttempts: 3,
      retryBaseMs: 1000,
    },
  });
  if (!result.plan) throw new Error(JSON.stringify(result.errors));
  return result.plan;
}

export interface RunningWatch {
  stop(): void;
  exit: Promise<number>;
  stderr(): string;
  stdout(): string;
  /** The receiver's URL, once watch has printed it. */
  webhookUrl(): Promise<string>;
}

export function runWatch(rig: WatchRig, args: string[]): RunningWatch {
  const controller = new AbortController();
  let err = '';
  let out = '';
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = main(['node', 'cutover', 'watch', ...args], () => ({
    io: { stdout, stderr, stdin: Readable.from([]) },
    env: rig.env,
    cwd: process.cwd(),
    clock: systemClock,
    signal: controller.signal,
    actor: 'ops@test',
  }));
  return {
    stop: () => controller.abort('SIGTERM'),
    exit,
    stderr: () => err,
    stdout: () => out,
    webhookUrl: () => until(() => /webhook receiver listening on (\S+)/.exec(err)?.[1], 10_000),
  };
}

/** Polls until `probe` gives a value (not undefined/false). */
export async function until<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
  everyMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function deliver(url: string, key: string, id: string, secret = WEBHOOK_SECRET): Promise<number> {
  const body = JSON.stringify({
    timestamp: Date.now(),
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: 'issue_generic',
    issue: { id: '1', key },
  });
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature': signBody(secret, body),
      'x-atlassian-webhook-identifier': id,
    },
  });
  await res.arrayBuffer();
  return res.status;
}
