// Shared set-up for CLI tests: a real SQLite file, the engine over the in-memory fakes and a fake clock to
// build migrations in any state, and an in-process CLI run against the same file with a capturing context.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { FakeClock } from '../support/fakes/clock.js';
import { fakeServices } from '../support/fakes/services.js';
import { openStore } from '../../src/adapters/sqlite/store.js';
import type { CliContext } from '../../src/cli/wiring/context.js';
import { main } from '../../src/cli/main.js';
import { samplePlan as engineSamplePlan } from '../engine/helpers.js';
import type { Plan } from '../../src/core/types.js';
import { Engine } from '../../src/engine/engine.js';
import { DEFAULT_SETTINGS } from '../../src/engine/types.js';
import type { Logger, MigrationStore } from '../../src/ports.js';
import { current } from './fake-services.js';

/** Monday 2026-01-05 09:00 UTC. */
export const T0 = Date.parse('2026-01-05T09:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export const SECRETS = {
  jiraToken: 'jira-tok-5f1e9c2b7a',
  clientSecret: 'p8e-client-secret-0d3f',
  destinationToken: 'eca-bearer-77aa1c9e',
};

export function testEnv(dir: string): NodeJS.ProcessEnv {
  return {
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    CUTOVER_JIRA_URL: 'https://jira.example.test',
    CUTOVER_JIRA_EMAIL: 'ops@example.test',
    CUTOVER_JIRA_TOKEN: SECRETS.jiraToken,
    CUTOVER_CLIENT_ID: 'client-id-1',
    CUTOVER_CLIENT_SECRET: SECRETS.clientSecret,
    CUTOVER_ORG_ID: 'ABC123@AdobeOrg',
    ECA_TOKEN: SECRETS.destinationToken,
  };
}

/** The engine tests' plan, with a destination token to keep out of every output and a long verification. */
export function samplePlan(overrides: Record<string, unknown> = {}): Plan {
  return engineSamplePlan({
    destination: { name: 'Experience Cloud Audiences', description: 'Migrated by cutover', tokenEnv: 'ECA_TOKEN' },
    polling: {
      ticketIntervalMs: 60_000,
      verifyIntervalMs: 30_000,
      verifyTimeoutMs: 10 * DAY,
      maxAttempts: 3,
      retryBaseMs: 1000,
    },
    ...overrides,
  });
}

export interface Rig {
  dir: string;
  dbFile: string;
  store: MigrationStore;
  clock: FakeClock;
  services: ReturnType<typeof fakeServices>;
  env: NodeJS.ProcessEnv;
  engine(opts?: { store?: MigrationStore; services?: object; holder?: string }): Engine;
  /** A new fake world (the fakes allow one destination connection per org, like AEP), shared with the CLI. */
  freshWorld(): void;
}

/** A database file, fakes shared with the mocked CLI services, and an auto-advancing fake clock. */
export function rig(start = T0): Rig {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-cli-'));
  const dbFile = join(dir, 'state.db');
  const store = openStore(dbFile);
  const clock = new FakeClock(start, true);
  const env = testEnv(dir);
  const r: Rig = { dir, dbFile, store, clock, services: fakeServices(), env, engine: () => engine(), freshWorld };
  function freshWorld(): void {
    r.services = fakeServices();
    r.services.world.now = () => clock.now();
    current.services = r.services;
  }
  function engine(opts: { store?: MigrationStore; services?: object; holder?: string } = {}): Engine {
    return new Engine({
      store: opts.store ?? store,
      services: (opts.services ?? r.services) as ReturnType<typeof fakeServices>,
      clock,
      logger: quietLogger,
      holder: opts.holder ?? 'admin@laptop:4242',
      settings: DEFAULT_SETTINGS,
      env,
      isProcessAlive: () => true,
    });
  }
  r.engine = engine;
  freshWorld();
  return r;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cutover ...args --db <rig db>` in-process with a capturing context on the rig's clock. */
export async function cli(
  r: Pick<Rig, 'dbFile' | 'clock' | 'env' | 'dir'>,
  args: string[],
  actor = 'support@desk',
): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const context = (signal: AbortSignal): CliContext => ({
    io: { stdout, stderr, stdin: Readable.from([]) },
    env: r.env,
    cwd: r.dir,
    clock: r.clock,
    signal,
    actor,
  });
  const code = await main(['node', 'cutover', '--db', r.dbFile, ...args], context);
  return { code, stdout: out, stderr: err };
}

/** sha256 of the database and its WAL: equal before and after means nothing was written. */
export function dbFingerprint(dbFile: string): string {
  return [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]
    .map((f) => (existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : '-'))
    .join(':');
}

/** Delivers every flow's audiences to Audience Manager as soon as it exists; returns the stopper. */
export function deliverFlows(r: Rig): () => void {
  const delivered = new Set<string>();
  const timer = setInterval(() => {
    for (const flow of r.services.world.flows.filter((f) => !delivered.has(f.id))) {
      delivered.add(flow.id);
      r.services.world.deliver(flow.id);
    }
  }, 1);
  return () => clearInterval(timer);
}

/** Customer Care resolves the migration's ticket at `at` (default: now). */
export async function resolveTicket(r: Rig, id: string, at = new Date(r.clock.now()).toISOString()): Promise<void> {
  const key = (await r.store.get(id))?.ticketKey;
  if (!key) throw new Error(`migration ${id} has no ticket yet`);
  r.services.world.resolve(key, at);
}
