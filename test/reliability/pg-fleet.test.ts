// Several `cutover watch` workers over one PostgreSQL team store, one of them SIGKILLed mid-run: every migration
// completes, and the emulator holds exactly one ticket, one flow and one connection of each kind per org (no
// migration was driven twice at once: a second driver would have made its effects twice, or been fenced).
// The workers share the fleet through claims (engine/claims.ts): each refresh reads the due times stored with
// the migrations, and one `FOR NO KEY UPDATE SKIP LOCKED` statement a pass takes the leases of the due ones no
// live lease holds, so no worker starts a drive another worker holds (0 drives refused as locked, counted from
// each surviving worker's summary on SIGTERM; before claims, 86 + 85 over 200 migrations), and the store's
// history shows no double drive (a trigger logs every lease change by the server's clock: none handed on while
// its holder's was live but the killed worker's TAKEOVERs; no journal step twice). The killed worker's
// migrations are claimed by the others: at once here, as its leases name a dead process on this host (on
// another host, once they expire). docs/team-store.md.
// Sample mode: 40 migrations, 3 workers; CUTOVER_RELIABILITY=full: 200.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PostgresStore } from '../../src/adapters/postgres/store.js';
import { describeWithPostgres } from '../support/postgres.js';
import { FULL } from './harness/mode.js';
import { type PgFleet, startPgFleet, until } from './harness/pg-fleet.js';
import { installLeaseLog, leaseOverlaps, transitionBreaks } from './harness/pg-history.js';
import type { Rig } from './harness/rig.js';

const MIGRATIONS = FULL ? 200 : 40;
const WORKERS = 3;
const orgOf = (i: number) => `PGFLEET${String(i).padStart(17, '0')}@AdobeOrg`;

describeWithPostgres('watch workers sharing one PostgreSQL fleet', () => {
  let fleet: PgFleet;
  let rig: Rig;
  let store: PostgresStore;
  let logs: string[];
  let workers: ChildProcess[];

  beforeAll(async () => {
    fleet = await startPgFleet('fleet', MIGRATIONS, orgOf);
    ({ rig, store, logs, workers } = fleet);
    await installLeaseLog(store);
  }, 120_000);
  afterAll(async () => {
    await fleet?.close();
  });

  const startWorker = (_n: number): ChildProcess => fleet.startWorker();
  const customerCare = () => fleet.customerCare();

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
    // No double drive, from the store's own history: no lease handed on while its holder's was live (the killed
    // worker's were taken over, each with its TAKEOVER row), and no step of the journal recorded twice.
    const leases = await leaseOverlaps(store);
    expect(leases.grants).toBeGreaterThanOrEqual(MIGRATIONS);
    expect(leases.overlaps).toEqual([]);
    expect((await transitionBreaks(store)).breaks).toEqual([]);
    for (let i = 0; i < MIGRATIONS; i++) {
      const world = rig.emulator.world(orgOf(i));
      expect(world.tickets, orgOf(i)).toHaveLength(1);
      expect(world.flows, orgOf(i)).toHaveLength(1);
      expect(world.connections.source, orgOf(i)).toHaveLength(1);
      expect(world.connections.target, orgOf(i)).toHaveLength(1);
    }
  }, 700_000);
});
