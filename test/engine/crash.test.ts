// Crash windows: the process dies after an effect's remote call succeeded but before its outcome row was
// written. The remote object exists, the store only knows the intent. A fresh process must find the object
// through the reconcile lookup (the row ends 'adopted') instead of creating a second one.
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import { openStore } from '../../src/adapters/sqlite/store.js';
import type { migrationMachine } from '../../src/core/machine.js';
import type {
  EffectIntent,
  EffectOutcome,
  JournalEntry,
  LeaseRequest,
  MigrationFilter,
  MigrationStore,
  NewMigration,
  Transition,
  ImportedMigration,
  InboxSettlement,
  NewInboxEvent,
  DeliveryClaim,
  DeliveryFailure,
} from '../../src/ports.js';
import { deliverAudiences, persisted, referenceRun, resolveTicket, rig, samplePlan, tempDb } from './helpers.js';
import { stateName } from '../../src/core/machine-logic.js';

type Snapshot = SnapshotFrom<typeof migrationMachine>;

/** A store whose process dies when the outcome of one effect is written: that write and every later one fail. */
class DyingStore implements MigrationStore {
  dead = false;
  /** The outcome the dead process never wrote. */
  lostOutcome: EffectOutcome | null = null;
  constructor(
    private readonly inner: MigrationStore,
    private readonly crashKey: string,
  ) {}
  private write<T>(fn: () => Promise<T>): Promise<T> {
    return this.dead ? Promise.reject(new Error('the process is dead: nothing more is written')) : fn();
  }
  create(m: NewMigration) {
    return this.write(() => this.inner.create(m));
  }
  get(id: string) {
    return this.inner.get(id);
  }
  list(filter?: MigrationFilter) {
    return this.inner.list(filter);
  }
  summaries(filter?: MigrationFilter, limit?: number) {
    return this.inner.summaries(filter, limit);
  }
  fleet(filter?: { orgId?: string }, known?: ReadonlySet<string>) {
    return this.inner.fleet(filter, known);
  }
  claimLeases(requests: LeaseRequest[], limit: number) {
    return this.write(() => this.inner.claimLeases(requests, limit));
  }
  commitTransition(id: string, t: Transition) {
    return this.write(() => this.inner.commitTransition(id, t));
  }
  appendJournal(id: string, entries: JournalEntry[]) {
    return this.write(() => this.inner.appendJournal(id, entries));
  }
  journal(id: string) {
    return this.inner.journal(id);
  }
  recordIntent(intent: EffectIntent) {
    return this.write(() => this.inner.recordIntent(intent));
  }
  recordOutcome(outcome: EffectOutcome) {
    if (!this.dead && outcome.key === this.crashKey) {
      this.dead = true;
      this.lostOutcome = outcome;
      return Promise.reject(new Error(`crash: the process died before the outcome of ${outcome.key} was written`));
    }
    return this.write(() => this.inner.recordOutcome(outcome));
  }
  effects(id: string) {
    return this.inner.effects(id);
  }
  registerReceivers(ids: string[]) {
    return this.write(() => this.inner.registerReceivers(ids));
  }
  claimDeliveries(claim: DeliveryClaim) {
    return this.write(() => this.inner.claimDeliveries(claim));
  }
  markDelivered(eventId: string, receiverId: string, worker: string) {
    return this.write(() => this.inner.markDelivered(eventId, receiverId, worker));
  }
  markDeliveryFailed(failure: DeliveryFailure) {
    return this.write(() => this.inner.markDeliveryFailed(failure));
  }
  deliveries(filter?: { failed?: boolean; limit?: number }) {
    return this.inner.deliveries(filter);
  }
  acquireLease(lease: LeaseRequest) {
    return this.write(() => this.inner.acquireLease(lease));
  }
  heartbeat(migrationId: string, nonce: string, ttlMs: number) {
    return this.write(() => this.inner.heartbeat(migrationId, nonce, ttlMs));
  }
  releaseLease(migrationId: string, nonce: string) {
    return this.write(() => this.inner.releaseLease(migrationId, nonce));
  }
  takeOverLease(migrationId: string, lockId: string, lease: LeaseRequest | null, journal: JournalEntry[]) {
    return this.write(() => this.inner.takeOverLease(migrationId, lockId, lease, journal));
  }
  importMigration(m: ImportedMigration) {
    return this.write(() => this.inner.importMigration(m));
  }
  currentLease(migrationId: string) {
    return this.inner.currentLease(migrationId);
  }
  postOperatorEvent(e: NewInboxEvent) {
    return this.write(() => this.inner.postOperatorEvent(e));
  }
  pendingOperatorEvents(migrationId: string, now: string) {
    return this.inner.pendingOperatorEvents(migrationId, now);
  }
  claimOperatorEvent(migrationId: string, seq: number, by: string, now: string) {
    return this.write(() => this.inner.claimOperatorEvent(migrationId, seq, by, now));
  }
  settleOperatorEvent(migrationId: string, settlement: InboxSettlement) {
    return this.write(() => this.inner.settleOperatorEvent(migrationId, settlement));
  }
  withdrawOperatorEvent(migrationId: string, seq: number, why: string, now: string) {
    return this.write(() => this.inner.withdrawOperatorEvent(migrationId, seq, why, now));
  }
  operatorEvent(migrationId: string, seq: number) {
    return this.inner.operatorEvent(migrationId, seq);
  }
  close() {
    return this.inner.close();
  }
}

/** Where each effect step runs, which create counter of the fake it bumps, and how a run gets there. */
const STEP_FACTS: Record<string, { kind: string; diesIn: string; afterWaiting?: 'resolve' | 'cancel' }> = {
  base_connection: { kind: 'base', diesIn: 'staging.base' },
  profile_connection: { kind: 'profile_base', diesIn: 'staging.source' },
  source_connection: { kind: 'source', diesIn: 'staging.source' },
  target_connection: { kind: 'target', diesIn: 'staging.target' },
  ticket: { kind: 'ticket', diesIn: 'filing' },
  flow: { kind: 'flow', diesIn: 'cutting_over.creating', afterWaiting: 'resolve' },
  handoff: { kind: 'comment', diesIn: 'handoff', afterWaiting: 'resolve' },
  withdraw: { kind: 'comment', diesIn: 'cancelling.withdrawing', afterWaiting: 'cancel' },
};

const plan = samplePlan();
const DEAD_HOLDER = `crasher@${hostname()}:999999`;
const ID = 'm-crash';

// Every effect step an uninterrupted run (and a cancelled one) writes an intent for: a new effect step
// gets its crash window here without anyone remembering to add it.
const completedRun = await referenceRun(plan, ID);
const cancelledRun = await referenceRun(plan, ID, { cancel: true });
const WINDOWS = [
  ...completedRun.steps.map((step) => ({ step, ends: 'completed' as const, reference: completedRun })),
  ...cancelledRun.steps
    .filter((s) => !completedRun.steps.includes(s))
    .map((step) => ({ step, ends: 'cancelled' as const, reference: cancelledRun })),
];

describe('crash between a remote call and its outcome row', () => {
  it('covers every effect step', () => {
    expect(WINDOWS.map((w) => w.step).sort()).toEqual(
      expect.arrayContaining([
        'base_connection',
        'flow',
        'handoff',
        'source_connection',
        'target_connection',
        'ticket',
        'withdraw',
      ]),
    );
    for (const w of WINDOWS) expect(STEP_FACTS[w.step], `no crash facts for effect step ${w.step}`).toBeDefined();
  });

  it.each(WINDOWS.map((w) => [w.step, w] as const))(
    '%s: the resumed run adopts what the dead one created',
    async (_step, window) => {
      const w = { ...window, ...STEP_FACTS[window.step]! };
      const dbFile = tempDb();
      const healthy = openStore(dbFile);
      const id = ID;
      const dying = new DyingStore(healthy, `${id}:${w.step}`);
      const r = rig({ dbFile, store: dying, holder: DEAD_HOLDER });
      const world = r.services.world;
      await r.engine.create(plan, 'admin@example.com', id);
      deliverAudiences(world, plan.audiences);

      // ---- the process that dies
      if (w.afterWaiting) {
        const waiting = await r.engine.drive(id, { mode: 'until-waiting' });
        expect(waiting.state).toBe('awaiting_resolution.sleeping');
        if (w.afterWaiting === 'resolve') resolveTicket(world);
      }
      const event =
        w.afterWaiting === 'cancel'
          ? ({
              type: 'CANCEL',
              by: 'admin@example.com',
              reason: 'changed our mind',
              at: new Date(r.clock.now()).toISOString(),
            } as const)
          : undefined;
      await expect(r.engine.drive(id, { mode: 'until-done', ...(event ? { event } : {}) })).rejects.toThrow();
      expect(dying.dead).toBe(true);
      expect(world.creates[w.kind]).toBe(1);
      const lostRemoteId = dying.lostOutcome?.remoteId;
      expect(lostRemoteId).toBeTruthy();

      // ---- what the dead process left on disk: the effect's state, and an intent without an outcome
      const store = openStore(dbFile);
      const record = (await store.get(id))!;
      expect(stateName(persisted(record.snapshot))).toBe(w.diesIn);
      const pending = (await store.effects(id)).find((e) => e.key === `${id}:${w.step}`);
      expect(pending).toMatchObject({ step: w.step, status: null, outcomeAt: null, remoteId: null });
      expect((await store.currentLease(id))?.holder).toBe(DEAD_HOLDER);

      // ---- a fresh process resumes: it takes the dead holder's lease over and reconciles
      const r2 = rig({
        dbFile,
        store,
        services: r.services,
        clock: r.clock,
        holder: 'support@test-host:2',
        isProcessAlive: () => false,
      });
      const result = await r2.engine.drive(id, {
        mode: 'until-done',
        onSnapshot: (s: Snapshot) => stateName(s) === 'awaiting_resolution.sleeping' && resolveTicket(world),
      });
      expect(result.status).toBe(w.ends);
      const row = (await store.effects(id)).find((e) => e.key === `${id}:${w.step}`);
      expect(row).toMatchObject({ status: 'adopted', attempts: 2, remoteId: lostRemoteId });
      expect(world.creates[w.kind]).toBe(1);
      if (w.step === 'flow') {
        expect(world.flows).toHaveLength(1);
        expect(result.context.remote.flowId).toBe(world.flows[0]!.id);
        expect(row?.remoteId).toBe(world.flows[0]!.id);
      }
      expect(world.creates).toEqual(w.reference.creates);
      expect((await store.journal(id)).some((j) => j.name === 'TAKEOVER' && j.actor === 'support@test-host:2')).toBe(
        true,
      );
      await store.close();
    },
  );

  it('flow: a first attempt skips the lookup, so only the intent row left by the crash makes the retry reconcile', async () => {
    // Same window, but the resumed run is made to fail its lookup if it ever skipped it: the fake's
    // findFlowByMarker is the only way to learn the flow exists, so exactly one flow proves it was called.
    const dbFile = tempDb();
    const id = ID;
    const dying = new DyingStore(openStore(dbFile), `${id}:flow`);
    const r = rig({ dbFile, store: dying, holder: DEAD_HOLDER });
    const world = r.services.world;
    let lookups = 0;
    const find = r.services.platform.findFlowByMarker.bind(r.services.platform);
    r.services.platform.findFlowByMarker = (spec: string, marker: string) => {
      lookups++;
      return find(spec, marker);
    };
    await r.engine.create(plan, 'admin@example.com', id);
    deliverAudiences(world, plan.audiences);
    await r.engine.drive(id, { mode: 'until-waiting' });
    resolveTicket(world);
    await expect(r.engine.drive(id, { mode: 'until-done' })).rejects.toThrow();
    expect(lookups).toBe(0);
    expect(world.flows).toHaveLength(1);

    const store = openStore(dbFile);
    const r2 = rig({
      dbFile,
      store,
      services: r.services,
      clock: r.clock,
      holder: 'support@test-host:2',
      isProcessAlive: () => false,
    });
    const result = await r2.engine.drive(id, { mode: 'until-done' });
    expect(result.status).toBe('completed');
    expect(lookups).toBe(1);
    expect(world.flows).toHaveLength(1);
    expect(world.creates.flow).toBe(1);
    await store.close();
  });
});
