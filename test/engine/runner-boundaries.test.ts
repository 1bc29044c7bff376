// The runner's boundaries with the store: the lease is taken before the record is read, and create and a
// takeover are each one transaction, so a crash between any two of their SQL statements leaves nothing or a
// migration a fresh runner can resume. Crashes are injected at statement level in a real SQLite file.
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import { FakeClock } from '../support/fakes/clock.js';
import { migrate, MIGRATIONS_DIR } from '../../src/adapters/sqlite/migrator.js';
import { openDatabase } from '../../src/adapters/sqlite/open.js';
import { openStore, SqliteStore } from '../../src/adapters/sqlite/store.js';
import type { migrationMachine } from '../../src/core/machine.js';
import { acquire } from '../../src/engine/lease.js';
import { DEFAULT_SETTINGS } from '../../src/engine/types.js';
import type { LeaseRequest, MigrationStore, Transition } from '../../src/ports.js';
import { deliverAudiences, resolveTicket, rig, samplePlan, T0, tempDb } from './helpers.js';
import { stateName } from '../../src/core/machine-logic.js';

type Snapshot = SnapshotFrom<typeof migrationMachine>;
const plan = samplePlan();
const untilDone = (world: Parameters<typeof resolveTicket>[0]) => ({
  mode: 'until-done' as const,
  onSnapshot: (s: Snapshot) => stateName(s) === 'awaiting_resolution.sleeping' && resolveTicket(world),
});

interface Gated {
  store: MigrationStore;
  /** Resolves once the gated call has been made (and is waiting). */
  reached: Promise<void>;
  open: () => void;
}

/** A store whose first call of `method` for which `when(args)` holds waits for `open()` before it runs. */
type When = (args: unknown[]) => boolean;

function gated(inner: MigrationStore, method: keyof MigrationStore, when: When = () => true): Gated {
  let open = () => {};
  let reach = () => {};
  let held = false;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const store = new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== 'function') return value;
      const call = (value as (...a: unknown[]) => unknown).bind(target);
      if (prop !== method) return call;
      return async (...args: unknown[]) => {
        if (!held && when(args)) {
          held = true;
          reach();
          await gate;
        }
        return call(...args);
      };
    },
  });
  return { store, reached, open };
}

/** A SQLite store over `file` whose `failAt`-th statement run throws, as if the process died there. */
function crashingStore(file: string, failAt: number): { store: SqliteStore; runs: () => number } {
  const db = openDatabase(file);
  migrate(db, MIGRATIONS_DIR);
  let runs = 0;
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    const run = statement.run.bind(statement);
    statement.run = ((...args: unknown[]) => {
      if (++runs === failAt) throw new Error(`injected crash at statement ${failAt}`);
      return run(...(args as []));
    }) as typeof statement.run;
    return statement;
  }) as typeof db.prepare;
  return { store: new SqliteStore(db), runs: () => runs };
}

describe('the lease is taken before the record is read', () => {
  it('a runner held at the lease while another drives to the end drives from the newest snapshot', async () => {
    const a = rig({ holder: 'ana@host-a:1' });
    const id = await a.engine.create(plan, 'admin', 'm-interleaved');
    deliverAudiences(a.services.world, plan.audiences);
    const atLease = gated(openStore(a.dbFile), 'acquireLease');
    const { dbFile, services, clock } = a;
    const b = rig({ dbFile, store: atLease.store, services, clock, holder: 'bo@host-b:2' });

    const bDrive = b.engine.drive(id, untilDone(a.services.world));
    await atLease.reached;
    expect((await a.engine.drive(id, untilDone(a.services.world))).status).toBe('completed');
    const journalAfterA = await a.store.journal(id);
    const effectsAfterA = await a.store.effects(id);
    const creates = { ...a.services.world.creates };
    atLease.open();

    expect(await bDrive).toMatchObject({ status: 'completed', state: 'completed' });
    expect(await a.store.journal(id)).toEqual(journalAfterA);
    expect(await a.store.effects(id)).toEqual(effectsAfterA);
    expect(a.services.world.creates).toEqual(creates);
    expect((await a.store.get(id))?.state).toBe('completed');
  });
});

describe('a crash between any two statements', () => {
  it('of create leaves nothing or a migration a fresh runner resumes', async () => {
    const probe = crashingStore(tempDb(), 0);
    await rig({ store: probe.store }).engine.create(plan, 'admin', 'm-probe');
    const statements = probe.runs();
    expect(statements).toBeGreaterThan(1);
    for (let failAt = 1; failAt <= statements; failAt++) {
      const dbFile = tempDb();
      const crashing = crashingStore(dbFile, failAt);
      const create = rig({ store: crashing.store }).engine.create(plan, 'admin', 'm-c');
      await expect(create).rejects.toThrow(/injected crash/);
      const fresh = rig({ dbFile });
      expect(await fresh.store.get('m-c'), `crash at statement ${failAt}`).toBeNull();
      expect(await fresh.store.journal('m-c')).toEqual([]);
    }
  });

  it("of a takeover leaves the dead holder's lease alone or the new one with its TAKEOVER row", async () => {
    const holder = `crasher@${hostname()}:999999`;
    const dead: LeaseRequest = { migrationId: 'm-t', nonce: 'dead00000001', holder, ttlMs: 3_600_000 };
    const clock = new FakeClock(T0, true);
    for (let failAt = 1; ; failAt++) {
      const dbFile = tempDb();
      const setUp = rig({ dbFile, clock });
      await setUp.engine.create(plan, 'admin', 'm-t');
      await setUp.store.acquireLease(dead);
      const crashing = crashingStore(dbFile, failAt);
      const ttlMs = DEFAULT_SETTINGS.leaseTtlMs;
      const deps = { store: crashing.store, clock, holder: 'support@host:2', ttlMs, isProcessAlive: () => false };
      const failure = await acquire(deps, 'm-t').then(
        () => null,
        (err: Error) => err,
      );
      const taken = failure === null;
      if (failure) expect(failure.message).toMatch(/injected crash/);
      const lease = await setUp.store.currentLease('m-t');
      const takeovers = (await setUp.store.journal('m-t')).filter((j) => j.name === 'TAKEOVER');
      if (taken) {
        expect(lease?.holder).toBe('support@host:2');
        expect(takeovers).toHaveLength(1);
        break;
      }
      expect(lease, `crash at statement ${failAt}`).toMatchObject({ nonce: dead.nonce, holder: dead.holder });
      expect(takeovers).toEqual([]);
      deliverAudiences(setUp.services.world, plan.audiences);
      const services = setUp.services;
      const resumed = rig({ dbFile, clock, services, holder: 'support@host:3', isProcessAlive: () => false });
      expect((await resumed.engine.drive('m-t', { mode: 'until-waiting' })).status).toBe('waiting');
    }
  });
});

describe('a runner whose lease is taken over mid-drive', () => {
  it("has its next write refused and stops naming the new holder; only the new holder's writes stay", async () => {
    const a = rig({ holder: 'ana@host-a:1' });
    const id = await a.engine.create(plan, 'admin', 'm-fenced');
    deliverAudiences(a.services.world, plan.audiences);
    const intoStaging: When = ([, t]) => /^staging/.test((t as Transition).state);
    const atStaging = gated(openStore(a.dbFile), 'commitTransition', intoStaging);
    const { dbFile, services, clock } = a;
    const runner = rig({ dbFile, store: atStaging.store, services, clock, holder: 'ana@host-a:1' });

    const drive = runner.engine.drive(id, untilDone(a.services.world));
    const refused = drive.then(
      () => null,
      (err: unknown) => err,
    );
    await atStaging.reached;
    // Another runner takes the lease over (as `unlock` and a dead-holder takeover do), and writes under it.
    const held = (await a.store.currentLease(id))!;
    const bo: LeaseRequest = { migrationId: id, nonce: 'b0b000000001', holder: 'bo@host-b:2', ttlMs: 60_000 };
    const at = new Date(a.clock.now()).toISOString();
    const row = { kind: 'operator' as const, at, name: 'TAKEOVER', actor: bo.holder };
    expect(await a.store.takeOverLease(id, held.nonce, bo, [row])).toBe(true);
    await a.store.appendJournal(id, [{ ...row, kind: 'event', name: 'BO_WAS_HERE' }], { nonce: bo.nonce });
    const creates = { ...a.services.world.creates };
    const atTakeover = { record: await a.store.get(id), effects: await a.store.effects(id), creates };
    const journalAtTakeover = await a.store.journal(id);
    atStaging.open();

    const err = await refused;
    expect(err).toMatchObject({ code: 'LEASE_LOST', exitCode: 5 });
    expect((err as Error).message).toContain('bo@host-b:2');
    expect(await a.store.get(id)).toEqual(atTakeover.record);
    expect(await a.store.effects(id)).toEqual(atTakeover.effects);
    expect(await a.store.journal(id)).toEqual(journalAtTakeover);
    expect(journalAtTakeover.slice(-2).map((j) => j.name)).toEqual(['TAKEOVER', 'BO_WAS_HERE']);
    expect(a.services.world.creates).toEqual(atTakeover.creates);
    expect(await a.store.currentLease(id)).toMatchObject({ nonce: bo.nonce, holder: 'bo@host-b:2' });
  });
});
