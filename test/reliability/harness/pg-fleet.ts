// A fleet of migrations on one PostgreSQL team store, for the tests that run several `cutover watch` workers
// over it (pg-fleet, pg-restart): a throwaway server, one database, the emulator, the migrations created
// in-process (one org each, so the emulator's world tells each migration's effects apart), and the workers as
// spawned built CLIs whose output is kept per worker.
import { type ChildProcess, spawn } from 'node:child_process';
import { openPostgresStore } from '../../../src/adapters/postgres/open.js';
import type { PostgresStore } from '../../../src/adapters/postgres/store.js';
import { emulatorPlan } from '../../integration/helpers.js';
import { type PgServer, startPostgres } from '../../support/postgres.js';
import { ROOT } from './cli.js';
import { creatorEngine, type Rig, startRig } from './rig.js';

export interface PgFleet {
  server: PgServer;
  url: string;
  /** The test's own view of the store (its own pool). */
  store: PostgresStore;
  rig: Rig;
  orgs: string[];
  /** Every worker started, in order (a re-spawned worker is a new entry). */
  workers: ChildProcess[];
  /** What each worker printed (stdout and stderr), by its index in `workers`. */
  logs: string[];
  startWorker(extraArgs?: string[]): ChildProcess;
  /** One more migration, for `org`; its id. */
  create(org: string): Promise<string>;
  /** Customer Care: every ticket of the fleet's orgs is resolved shortly after it is filed. Returns the stop. */
  customerCare(): () => void;
  close(): Promise<void>;
}

/** `migrations` migrations, the org of the i-th named by `orgOf(i)`. */
export async function startPgFleet(name: string, migrations: number, orgOf: (i: number) => string): Promise<PgFleet> {
  const server = await startPostgres();
  const url = await server.createDatabase(name);
  const rig = await startRig();
  const store = await openPostgresStore(url);
  const engine = creatorEngine(store);
  const orgs = Array.from({ length: migrations }, (_, i) => orgOf(i));
  for (const org of orgs) await engine.create(emulatorPlan(rig.emulator, org), 'reliability');
  const workers: ChildProcess[] = [];
  const logs: string[] = [];
  return {
    server,
    url,
    store,
    rig,
    orgs,
    workers,
    logs,
    startWorker: (extraArgs = []) => spawnWorker(url, rig, extraArgs, workers, logs),
    create: (org) => engine.create(emulatorPlan(rig.emulator, org), 'reliability'),
    customerCare: () => resolveTickets(rig, orgs),
    async close() {
      for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
      await store.close();
      await rig.close();
      await server.stop();
    },
  };
}

function spawnWorker(url: string, rig: Rig, extra: string[], workers: ChildProcess[], logs: string[]): ChildProcess {
  const args = [`${ROOT}bin/cutover.cjs`, 'watch', '--concurrency', '6', '--rate', '20', ...extra, '--db', url];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...rig.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const n = workers.length;
  logs[n] = '';
  child.stdout!.on('data', (d: Buffer) => (logs[n] += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (logs[n] += d.toString('utf8')));
  workers.push(child);
  return child;
}

function resolveTickets(rig: Rig, orgs: string[]): () => void {
  const seen = new Set<string>();
  const timer = setInterval(() => {
    for (const org of orgs) {
      for (const ticket of rig.emulator.world(org).tickets) {
        if (seen.has(ticket.key)) continue;
        seen.add(ticket.key);
        setTimeout(() => rig.emulator.control.resolveTicket(ticket.key), 200);
      }
    }
  }, 100);
  return () => clearInterval(timer);
}

/** Polls `done` every 250 ms for up to `ms`; its last answer. */
export async function until(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return done();
}

/** Every migration of the store has finished (completed, or stopped needing attention). */
export async function allFinished(store: PostgresStore): Promise<boolean> {
  const { summaries } = await store.summaries();
  return summaries.every((s) => s.status === 'completed' || s.status === 'needs_attention');
}
