// The team store's server restarted under several `cutover watch` workers (issue 16): mid-run the PostgreSQL
// server is stopped (fast shutdown: every connection is cut, in-flight statements fail), left down a few
// seconds, and started again. Each worker either carries on (a statement the server never ran is sent again
// while it is away) or stops with exit 1 and a message naming the store with its password masked; a worker that
// stopped is started again once the server is back, as an operator (or systemd) would. Then every migration
// completes; the emulator holds one ticket, flow and connection of each kind per org; no lease passed from a
// live holder to another (a trigger on cutover.leases logs every change by the server's clock); the journal's
// transitions follow on one from another; and every journal row written before the restart is still there.
// And a `cutover resume --follow` runner whose server stays away longer than the store's 30 s wait: it stops with
// exit 1 and the masked store in its message, nothing lost; run again once the server is back, it completes.
// Sample mode: 30 migrations, 3 workers; CUTOVER_RELIABILITY=full: 200.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres, PG_PASSWORD } from '../support/postgres.js';
import { describeRun } from './harness/cli.js';
import { recordFigure } from './harness/figures.js';
import { FULL } from './harness/mode.js';
import { allFinished, type PgFleet, startPgFleet, until } from './harness/pg-fleet.js';
import { installLeaseLog, journalSeqs, leaseOverlaps, lostRows, transitionBreaks } from './harness/pg-history.js';

const MIGRATIONS = FULL ? 200 : 30;
const WORKERS = 3;
/** How long the server stays down: longer than a heartbeat, shorter than the store's 30 s wait. */
const DOWN_MS = 4_000;
/** The exit codes a worker may stop with while the server is away: 1, the store unreachable (docs/team-store.md). */
const DOCUMENTED_EXITS = [1];
const orgOf = (i: number) => `PGRESTART${String(i).padStart(15, '0')}@AdobeOrg`;

describeWithPostgres('watch workers over a PostgreSQL server that restarts mid-run', () => {
  let fleet: PgFleet;

  beforeAll(async () => {
    fleet = await startPgFleet('restart', MIGRATIONS, orgOf);
    await installLeaseLog(fleet.store);
  }, 120_000);
  afterAll(async () => {
    await fleet?.close();
  });

  const ended = (w: ChildProcess) => w.exitCode !== null || w.signalCode !== null;
  const exited = new Map<number, { code: number | null; log: string }>();

  /** Re-spawns each worker that stopped, once the server is back; records how it stopped. */
  function respawnStopped(): void {
    for (const [n, w] of fleet.workers.entries()) {
      if (!ended(w) || exited.has(n)) continue;
      exited.set(n, { code: w.exitCode, log: fleet.logs[n] ?? '' });
      fleet.startWorker();
    }
  }

  it('completes every migration across a server restart, nothing lost, nothing done twice', async () => {
    const { store } = fleet;
    const stopCare = fleet.customerCare();
    try {
      for (let n = 0; n < WORKERS; n++) fleet.startWorker();
      const midRun = async () =>
        (await store.summaries()).summaries.filter((s) => s.state !== 'draft').length >= MIGRATIONS / 3;
      expect(await until(midRun, 90_000)).toBe(true);
      const before = await journalSeqs(store);
      const unfinished = (await store.summaries()).summaries.filter((s) => s.status !== 'completed').length;
      const downAt = Date.now();
      await fleet.server.restart(new Promise((resolve) => setTimeout(resolve, DOWN_MS)));
      const restartMs = Date.now() - downAt;
      const finished = await until(
        async () => {
          respawnStopped();
          return allFinished(store);
        },
        FULL ? 900_000 : 400_000,
      );
      const summaries = (await store.summaries()).summaries;
      const stuck = summaries
        .filter((s) => s.status !== 'completed')
        .map((s) => `${s.id} ${s.state} ${JSON.stringify(s.lastError)}`);
      const about = (id: string) => fleet.logs.flatMap((log) => log.split('\n').filter((l) => l.includes(id)));
      const account = stuck.flatMap((line) => [line, ...about(line.split(' ')[0]!)]).join('\n');
      expect(finished && stuck.length === 0, account.slice(-6000)).toBe(true);
      const runningMs = Date.now() - downAt;

      for (const { code, log } of exited.values()) {
        expect(DOCUMENTED_EXITS, log.slice(-2000)).toContain(code);
        expect(log).toContain(`cannot reach the store ${fleet.url.replace(PG_PASSWORD, '****')}`);
      }
      for (const log of fleet.logs) expect(log).not.toContain(PG_PASSWORD);
      expect(lostRows(before, await journalSeqs(store))).toEqual([]);
      const leases = await leaseOverlaps(store);
      expect(leases.grants).toBeGreaterThanOrEqual(MIGRATIONS);
      expect(leases.overlaps).toEqual([]);
      const chain = await transitionBreaks(store);
      expect(chain.transitions).toBeGreaterThanOrEqual(MIGRATIONS);
      expect(chain.breaks).toEqual([]);
      const all = fleet.logs.join('\n');
      const failedDrives = all.match(/failed: cannot reach the store/g)?.length ?? 0;
      const storeWarnings = (all.match(/cannot reach the store/g)?.length ?? 0) - failedDrives;
      const figure = {
        migrations: MIGRATIONS,
        workers: WORKERS,
        unfinishedAtRestart: unfinished,
        downMs: DOWN_MS,
        restartMs,
        afterRestartMs: runningMs,
        exits: [...exited.values()].map((e) => e.code),
        respawned: exited.size,
        failedDrives,
        storeWarnings,
        leaseGrants: leases.grants,
        journalRowsBefore: [...before.values()].reduce((n, s) => n + s.length, 0),
      };
      recordFigure('pg-restart', figure);
      console.log(`pg-restart: ${JSON.stringify(figure)}`);
      if (process.env.PG_RESTART_LOGS) console.log(fleet.logs.join('\n=====\n'));
    } finally {
      stopCare();
    }
    for (const org of fleet.orgs) {
      const world = fleet.rig.emulator.world(org);
      expect(world.tickets, org).toHaveLength(1);
      expect(world.flows, org).toHaveLength(1);
      expect(world.connections.source, org).toHaveLength(1);
      expect(world.connections.target, org).toHaveLength(1);
    }
  }, 1_000_000);

  it('stops a runner with exit 1 when the server stays away past its wait; run again, it completes', async () => {
    const { store, rig } = fleet;
    const org = orgOf(MIGRATIONS);
    const id = await fleet.create(org);
    const first = rig.cli(['resume', id, '--follow'], {}, { db: fleet.url, timeoutSec: 120 });
    const waiting = async () => (await store.get(id))?.state.startsWith('awaiting_resolution') ?? false;
    expect(await until(waiting, 60_000)).toBe(true);
    const before = await journalSeqs(store);
    await fleet.server.restart(new Promise((resolve) => setTimeout(resolve, 40_000)));
    const run = await first;
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stderr).toContain(`cannot reach the store ${fleet.url.replace(PG_PASSWORD, '****')}`);
    expect(run.stdout + run.stderr).not.toContain(PG_PASSWORD);
    expect(lostRows(before, await journalSeqs(store))).toEqual([]);

    rig.emulator.control.resolveTicket(rig.emulator.world(org).tickets[0]!.key);
    // The stopped runner's lease outlives it (60 s from its last renewal): the operator takes it over, as the
    // locked message says, or waits for it to expire.
    const lease = await store.currentLease(id);
    if (lease) {
      const unlock = await rig.cli(
        ['unlock', id, '--lock-id', lease.nonce, '--reason', 'runner stopped'],
        {},
        { db: fleet.url },
      );
      expect(unlock.code, describeRun(unlock)).toBe(0);
    }
    const again = await rig.cli(['resume', id, '--follow'], {}, { db: fleet.url, timeoutSec: 120 });
    expect(again.code, describeRun(again)).toBe(0);
    expect((await store.get(id))?.status).toBe('completed');
    const world = rig.emulator.world(org);
    expect([world.tickets.length, world.flows.length, world.connections.source.length]).toEqual([1, 1, 1]);
    recordFigure('pg-restart-away', {
      downMs: 40_000,
      stoppedAfterMs: run.ms,
      exit: run.code,
      leaseLeft: Boolean(lease),
    });
  }, 300_000);
});
