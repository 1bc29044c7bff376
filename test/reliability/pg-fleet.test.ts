// Several `cutover watch` workers over one PostgreSQL team store, one of them SIGKILLed mid-run: every migration
// completes, and the emulator holds exactly one ticket, one flow and one connection of each kind per org (no
// migration was driven twice at once: a second driver would have made its effects twice, or been fenced).
// The workers share the fleet through the leases alone (each drive takes the migration's lease on the
// server's clock; a killed worker's leases expire and the others take its migrations over); claims with
// FOR UPDATE SKIP LOCKED and LISTEN/NOTIFY wakes are not built yet (docs/team-store.md).
// Sample mode: 40 migrations, 3 workers; CUTOVER_RELIABILITY=full: 200.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PostgresStore } from '../../src/adapters/postgres/store.js';
import { describeWithPostgres } from '../support/postgres.js';
import { FULL } from './harness/mode.js';
import { type PgFleet, startPgFleet, until } from './harness/pg-fleet.js';
import type { Rig } from './harness/rig.js';

const MIGRATIONS = FULL ? 200 : 40;
const WORKERS = 3;
const orgOf = (i: number) => `PGFLEET${String(i).padStart(17, '0')}@AdobeOrg`;

describeWithPostgres('watch workers sharing one PostgreSQL fleet', () => {
  let fleet: PgFleet;
  let rig: Rig;
  let store: PostgresStore;
  let logs: string[];

  beforeAll(async () => {
    fleet = await startPgFleet('fleet', MIGRATIONS, orgOf);
    ({ rig, store, logs } = fleet);
  }, 120_000);
  afterAll(async () => {
    await fleet?.close();
  });

  const startWorker = (_n: number): ChildProcess => fleet.startWorker();
  const customerCare = () => fleet.customerCare();

  it('completes every migration with one worker SIGKILLed mid-run, each effect made once', async () => {
    const stop = customerCare();
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
    for (let i = 0; i < MIGRATIONS; i++) {
      const world = rig.emulator.world(orgOf(i));
      expect(world.tickets, orgOf(i)).toHaveLength(1);
      expect(world.flows, orgOf(i)).toHaveLength(1);
      expect(world.connections.source, orgOf(i)).toHaveLength(1);
      expect(world.connections.target, orgOf(i)).toHaveLength(1);
    }
  }, 700_000);
});
