// Several `cutover watch` workers over one PostgreSQL team store, one of them SIGKILLed mid-run: every migration
// completes, and the emulator holds exactly one ticket, one flow and one connection of each kind per org (no
// migration was driven twice at once: a second driver would have made its effects twice, or been fenced).
// The workers share the fleet through claims (engine/claims.ts): each refresh reads the due times stored with
// the migrations, and one `FOR NO KEY UPDATE SKIP LOCKED` statement a pass takes the leases of the due ones no
// live lease holds, so no worker starts a drive another worker holds (0 drives refused as locked, counted from
// each surviving worker's summary on SIGTERM; before claims, 86 + 85 over 200 migrations). The killed worker's
// migrations are claimed by the others: at once here, as its leases name a dead process on this host (on
// another host, once they expire). docs/team-store.md.
// Sample mode: 40 migrations, 3 workers; CUTOVER_RELIABILITY=full: 200.
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/clock.js';
import { openPostgresStore } from '../../src/adapters/postgres/open.js';
import type { PostgresStore } from '../../src/adapters/postgres/store.js';
import { Engine } from '../../src/engine/engine.js';
import { DEFAULT_SETTINGS, type Services } from '../../src/engine/types.js';
import { emulatorPlan, silent } from '../integration/helpers.js';
import { describeWithPostgres, type PgServer, startPostgres } from '../support/postgres.js';
import { ROOT } from './harness/cli.js';
import { FULL } from './harness/mode.js';
import { type Rig, startRig } from './harness/rig.js';

const MIGRATIONS = FULL ? 200 : 40;
const WORKERS = 3;
const orgOf = (i: number) => `PGFLEET${String(i).padStart(17, '0')}@AdobeOrg`;

describeWithPostgres('watch workers sharing one PostgreSQL fleet', () => {
  let server: PgServer;
  let rig: Rig;
  let url: string;
  let store: PostgresStore;
  const workers: ChildProcess[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase('fleet');
    rig = await startRig();
    store = await openPostgresStore(url);
    const engine = new Engine({
      store,
      services: {} as Services,
      clock: systemClock,
      logger: silent,
      holder: 'reliability@test:0',
      settings: DEFAULT_SETTINGS,
      env: {},
    });
    for (let i = 0; i < MIGRATIONS; i++) await engine.create(emulatorPlan(rig.emulator, orgOf(i)), 'reliability');
  }, 120_000);
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await store?.close();
    await rig?.close();
    await server?.stop();
  });

  function startWorker(n: number): ChildProcess {
    const args = [`${ROOT}bin/cutover.cjs`, 'watch', '--concurrency', '6', '--rate', '20', '--db', url];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...rig.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    logs[n] = '';
    child.stdout!.on('data', (d: Buffer) => (logs[n] += d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => (logs[n] += d.toString('utf8')));
    workers.push(child);
    return child;
  }

  /** Customer Care: every ticket of the fleet's orgs is resolved shortly after it is filed. */
  function customerCare(): () => void {
    const seen = new Set<string>();
    const timer = setInterval(() => {
      for (let i = 0; i < MIGRATIONS; i++) {
        for (const ticket of rig.emulator.world(orgOf(i)).tickets) {
          if (seen.has(ticket.key)) continue;
          seen.add(ticket.key);
          setTimeout(() => rig.emulator.control.resolveTicket(ticket.key), 200);
        }
      }
    }, 100);
    return () => clearInterval(timer);
  }

  async function until(done: () => Promise<boolean>, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await done()) return true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return done();
  }

  /** SIGTERMs the surviving workers and adds up the drives their summaries say were refused as locked. */
  async function lockedDrives(): Promise<number[]> {
    const alive = workers.map((w, n) => ({ w, n })).filter(({ w }) => w.exitCode === null && w.signalCode === null);
    const exited = alive.map(({ w }) => new Promise<void>((resolve) => w.once('exit', () => resolve())));
    for (const { w } of alive) w.kill('SIGTERM');
    await Promise.all(exited);
    return alive.map(({ n }) => {
      const summary = logs[n]!.split('\n').findLast((l) => /^watch: \d+ drives?, /.test(l));
      expect(summary, `worker ${n} printed no summary:\n${logs[n]!.slice(-2000)}`).toBeDefined();
      return Number(/(\d+) skipped \(locked elsewhere\)/.exec(summary!)?.[1] ?? 0);
    });
  }

  it('completes every migration with one worker SIGKILLed mid-run, each effect made once', async () => {
    const stop = customerCare();
    const began = Date.now();
    try {
      const victim = startWorker(0);
      for (let n = 1; n < WORKERS; n++) startWorker(n);
      const started = async () =>
        (await store.summaries()).summaries.filter((s) => s.state !== 'draft').length >= MIGRATIONS / 4;
      expect(await until(started, 60_000)).toBe(true);
      victim.kill('SIGKILL');
      const completed = async () =>
        (await store.summaries()).summaries.every((s) => s.status === 'completed' || s.status === 'needs_attention');
      const finished = await until(completed, FULL ? 600_000 : 200_000);
      const summaries = (await store.summaries()).summaries;
      const stuck = summaries
        .filter((s) => s.status !== 'completed')
        .map((s) => `${s.id} ${s.state} ${s.lastError?.code}`);
      expect(finished && stuck.length === 0, `${stuck.join('\n')}\n${logs.join('\n').slice(-3000)}`).toBe(true);
    } finally {
      stop();
    }
    const seconds = ((Date.now() - began) / 1000).toFixed(1);
    const locked = await lockedDrives();
    console.log(`pg-fleet: ${MIGRATIONS} migrations in ${seconds} s; locked drives by worker: ${locked.join(' + ')}`);
    expect(locked.reduce((a, b) => a + b, 0)).toBe(0);
    for (let i = 0; i < MIGRATIONS; i++) {
      const world = rig.emulator.world(orgOf(i));
      expect(world.tickets, orgOf(i)).toHaveLength(1);
      expect(world.flows, orgOf(i)).toHaveLength(1);
      expect(world.connections.source, orgOf(i)).toHaveLength(1);
      expect(world.connections.target, orgOf(i)).toHaveLength(1);
    }
  }, 700_000);
});
