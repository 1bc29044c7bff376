// Model-based persistence test. xstate/graph enumerates every state the migration machine can reach (its
// state value, and for retrying/needs_attention the step it would resume into); for each, a real Engine on
// the fakes and a real SQLite file is driven until the migration sits in that state, the "process" is dropped,
// and a fresh store connection and a fresh Engine restore the persisted snapshot and run it to its end.
// What must hold whatever state a crash or an interruption hits: the migration finishes with the same
// outcome as an uninterrupted run, and nothing remote was created twice.
import { beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import type { FakeWorld } from '../support/fakes/services.js';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { migrationMachine } from '../../src/core/machine.js';
import type { MigrationContext, MigrationEvent } from '../../src/core/machine-types.js';
import { MACHINE_VERSION, XSTATE_VERSION } from '../../src/core/machine-types.js';
import type { DriveMode } from '../../src/engine/engine.js';
import { statusOf } from '../../src/engine/persist.js';
import {
  deliverAudiences,
  essentials,
  persisted,
  referenceRun,
  resolveTicket,
  rig,
  samplePlan,
  settle,
  tempDb,
  vendorError,
} from './helpers.js';
import type { ReferenceRun } from './helpers.js';
import { modelEvents } from './model-events.js';
import { stateName } from '../../src/core/machine-logic.js';

type Snapshot = SnapshotFrom<typeof migrationMachine>;

const MODEL_ID = 'm-model';
const plan = samplePlan();
const marker = `cutover-${MODEL_ID}`;

/** The state value, and for the two parking states the step a retry goes back to. */
function stateKey(s: { value: unknown; context: MigrationContext }): string {
  const name = stateName(s);
  return name === 'retrying' || name === 'needs_attention' ? `${name}<${s.context.resumeTarget}>` : name;
}

/** Every reachable state of the machine, with the shortest event path to it. */
function reachableStates(): Map<string, Snapshot> {
  const paths = getShortestPaths(migrationMachine, {
    input: { migrationId: MODEL_ID, plan },
    events: modelEvents() as unknown as MigrationEvent[],
    // Done/error events only for actors the state actually invokes, as in a running actor.
    filterEvents: (s, e) => {
      const m = /^xstate\.(?:done|error)\.actor\.(.+)$/.exec(e.type);
      return !m || m[1]! in s.children;
    },
    // A done actor ignores every event; the pure transition() would not.
    stopWhen: (s) => s.status === 'done',
    // An abstraction of the context that keeps the graph finite (skippedChecks, for one, grows without bound).
    serializeState: (s) => {
      const c = s.context;
      return JSON.stringify([
        s.value,
        s.status,
        c.resumeTarget,
        c.lastError?.code ?? null,
        c.attempts,
        c.ticket?.attached ?? null,
        Boolean(c.marks.legacy_stopped),
        Object.entries(c.remote)
          .filter(([, v]) => v)
          .map(([k]) => k)
          .sort(),
        Object.keys(c.seenAudiences).length,
        Object.keys(c.confirmations).sort(),
        c.skippedChecks.length > 0,
      ]);
    },
    limit: 500_000,
  });
  const states = new Map<string, Snapshot>();
  for (const p of paths) {
    const key = stateKey(p.state);
    if (!states.has(key)) states.set(key, p.state);
  }
  return states;
}

type FaultSpec = [operation: string, retryable: boolean, times?: number];
interface Leg {
  mode: DriveMode;
  event?: 'CANCEL';
}
interface Recipe {
  key: string;
  name?: string;
  /** Faults queued before the first drive. */
  faults?: FaultSpec[];
  /** Changes to the fake world the first time a snapshot is in a given state. */
  onState?: Record<string, (w: FakeWorld) => void>;
  /** Audiences already in Audience Manager (default) or only once the migration is resumed. */
  deliver?: boolean;
  /** Customer Care resolves the ticket as soon as the migration waits on it (default), or not. */
  resolve?: boolean;
  /** Cancel once the migration waits on the ticket. */
  cancel?: boolean;
  legs?: Leg[];
  /** The stored error code where the state alone does not say. */
  code?: string;
}

const CANCEL_LEGS: Leg[] = [{ mode: 'until-waiting' }, { mode: 'until-done', event: 'CANCEL' }];

function resolvedWithoutDate(w: FakeWorld): void {
  for (const t of w.tickets)
    Object.assign(t, {
      statusName: 'Done',
      statusCategory: 'done',
      resolved: true,
      resolutionName: 'Done',
      resolutionDate: null,
      doneTransitionAt: null,
    });
}

const RECIPES: Recipe[] = [
  { key: 'draft' },
  { key: 'preflight' },
  { key: 'staging.base' },
  { key: 'staging.source' },
  { key: 'staging.target' },
  { key: 'filing' },
  { key: 'awaiting_resolution.polling' },
  { key: 'awaiting_resolution.sleeping' },
  { key: 'cutting_over.creating' },
  { key: 'verifying.checking' },
  { key: 'verifying.sleeping', deliver: false },
  { key: 'handoff' },
  { key: 'completed' },
  { key: 'retrying<staging>', faults: [['create:base', true]] },
  { key: 'retrying<staging>', name: 'target connection created, answer lost', faults: [['after:create:target', true]] },
  { key: 'retrying<filing>', faults: [['createTicket', true]] },
  // A wait's failed read stays in the wait (issue 13 item 4): there is no retrying<awaiting_resolution> any more.
  {
    key: 'awaiting_resolution.sleeping',
    name: 'a failed poll, retried within the wait',
    faults: [['getTicket', true]],
  },
  { key: 'retrying<cutting_over>', name: 'flow created, answer lost', faults: [['after:create:flow', true]] },
  {
    key: 'verifying.sleeping',
    name: 'a failed check, retried within the wait',
    onState: { 'cutting_over.creating': (w) => w.faults.failNext('listDataSources', vendorError(true)) },
  },
  { key: 'retrying<handoff>', faults: [['comment', true]] },
  { key: 'needs_attention<preflight>', code: 'PREFLIGHT_FAILED', faults: [['whoAmI', false]] },
  { key: 'needs_attention<staging>', faults: [['create:source', false]] },
  {
    key: 'needs_attention<staging>',
    name: 'retries exhausted',
    code: 'SERVER_ERROR',
    faults: [['create:base', true, 3]],
  },
  {
    key: 'needs_attention<staging>',
    name: 'Profile Store base connection created, answer lost',
    faults: [['after:create:profile_base', false]],
  },
  { key: 'needs_attention<filing>', name: 'ticket filed, answer lost', faults: [['afterCreateTicket', false]] },
  { key: 'needs_attention<awaiting_resolution>', code: 'BAD_REQUEST', faults: [['getTicket', false]] },
  {
    key: 'needs_attention<awaiting_resolution>',
    code: 'RESOLUTION_TIME_UNKNOWN',
    resolve: false,
    onState: { 'awaiting_resolution.sleeping': resolvedWithoutDate },
  },
  { key: 'needs_attention<cutting_over>', name: 'flow created, answer lost', faults: [['after:create:flow', false]] },
  { key: 'needs_attention<verifying>', code: 'VERIFY_TIMEOUT', deliver: false },
  { key: 'needs_attention<handoff>', faults: [['comment', false]] },
  { key: 'cancelling.withdrawing', cancel: true },
  { key: 'retrying<cancelling>', cancel: true, faults: [['comment', true]] },
  { key: 'needs_attention<cancelling>', cancel: true, faults: [['comment', false]] },
  { key: 'cancelled', cancel: true },
  { key: 'cancelled', name: 'cancelled from draft, nothing filed', legs: [{ mode: 'until-done', event: 'CANCEL' }] },
];

/**
 * States the engine cannot be driven into with the fakes, restored from the model's own snapshot instead:
 * runPreflight gathers every read as data (a failing read becomes a failed check), so its actor never rejects.
 */
const SEEDED = new Set(['retrying<preflight>']);

function title(r: Recipe): string {
  return r.name ? `${r.key} (${r.name})` : r.key;
}

function operator(clockNow: number) {
  return { by: 'support@example.com', reason: 'model test', at: new Date(clockNow).toISOString() };
}

describe('model-based persistence: every reachable state survives a restart', () => {
  const model = reachableStates();
  let reference: ReferenceRun;
  let baseline: ReturnType<typeof essentials>;
  let cancelledCreates: Record<string, number>;

  beforeAll(async () => {
    reference = await referenceRun(plan, MODEL_ID);
    baseline = essentials(reference.context);
    // The uninterrupted run itself created every object exactly once.
    for (const [kind, n] of Object.entries(reference.creates)) expect(n, kind).toBe(1);
    expect(Object.keys(reference.creates)).toEqual(
      expect.arrayContaining(['base', 'source', 'target', 'ticket', 'flow', 'comment']),
    );
    cancelledCreates = (await referenceRun(plan, MODEL_ID, { cancel: true })).creates;
  });

  it('the recipes cover exactly the states the model can reach', () => {
    const covered = new Set([...RECIPES.map((r) => r.key), ...SEEDED]);
    expect([...covered].sort()).toEqual([...model.keys()].sort());
  });

  it.each(RECIPES.map((r) => [title(r), r] as const))('%s', async (_title, recipe) => {
    const dbFile = tempDb();
    const r = rig({ dbFile });
    const world = r.services.world;
    const id = await r.engine.create(plan, 'admin@example.com', MODEL_ID);
    if (recipe.deliver !== false) deliverAudiences(world, plan.audiences);
    for (const [op, retryable, times] of recipe.faults ?? []) world.faults.failNext(op, vendorError(retryable), times);

    // ---- phase one: drive until the migration sits in the recipe's state, then drop everything
    const fired = new Set<string>();
    const hooks: Record<string, (w: FakeWorld) => void> = {
      ...(recipe.resolve !== false && !recipe.cancel ? { 'awaiting_resolution.sleeping': resolveTicket } : {}),
      ...recipe.onState,
    };
    const ac = new AbortController();
    let reached = recipe.key === 'draft';
    const onSnapshot = (s: Snapshot) => {
      const name = stateName(s);
      if (hooks[name] && !fired.has(name)) {
        fired.add(name);
        hooks[name](world);
      }
      if (!reached && stateKey(s) === recipe.key) {
        reached = true;
        ac.abort();
      }
    };
    const legs = recipe.legs ?? (recipe.cancel ? CANCEL_LEGS : [{ mode: 'until-done' as const }]);
    for (const leg of legs) {
      if (reached) break;
      const event = leg.event === 'CANCEL' ? ({ type: 'CANCEL', ...operator(r.clock.now()) } as const) : undefined;
      await r.engine.drive(id, { mode: leg.mode, signal: ac.signal, onSnapshot, ...(event ? { event } : {}) });
    }
    expect(reached, `never reached ${recipe.key}`).toBe(true);
    await settle(5);
    await r.store.close();

    // ---- what a fresh process finds on disk
    const store = openStore(dbFile);
    const record = (await store.get(id))!;
    const snap = persisted(record.snapshot);
    expect(stateKey(snap)).toBe(recipe.key);
    expect(record.state).toBe(stateName(snap));
    expect(JSON.parse(JSON.stringify(record.snapshot))).toEqual(record.snapshot);
    if (recipe.code) expect(snap.context.lastError?.code).toBe(recipe.code);

    // ---- phase two: a fresh Engine restores and runs to the end, with an operator retrying where it parks
    const r2 = rig({ dbFile, store, services: r.services, clock: r.clock, holder: 'support@test-host:2' });
    const resume = (s: Snapshot) => stateName(s) === 'awaiting_resolution.sleeping' && resolveTicket(world);
    let event: MigrationEvent | undefined;
    const result = await (async () => {
      for (let i = 0; ; i++) {
        deliverAudiences(world, plan.audiences);
        resolveTicket(world);
        const res = await r2.engine.drive(id, { mode: 'until-done', onSnapshot: resume, ...(event ? { event } : {}) });
        if (res.status !== 'needs_attention' || i >= 4) return res;
        event = { type: 'RETRY', ...operator(r.clock.now()) };
      }
    })();

    const ticket = world.tickets[0];
    const comments = (suffix: string) =>
      (ticket?.comments ?? []).filter((c) => c.includes(`${marker}:${suffix}`)).length;
    const endsCancelled = recipe.cancel || recipe.legs?.some((l) => l.event === 'CANCEL');
    if (endsCancelled) {
      expect(result.status).toBe('cancelled');
      expect(world.flows).toHaveLength(0);
      expect(world.creates.flow).toBeUndefined();
      if (recipe.cancel) {
        expect(world.creates).toEqual(cancelledCreates);
        expect(world.creates.ticket).toBe(1);
        expect(comments('withdrawn')).toBe(1);
        expect(world.creates.comment).toBe(1);
      } else {
        expect(world.tickets).toHaveLength(0);
        expect(world.creates.comment).toBeUndefined();
      }
    } else {
      expect(result.status).toBe('completed');
      expect(essentials(result.context)).toEqual(baseline);
      expect(world.creates).toEqual(reference.creates);
      expect(world.connections).toHaveLength(
        Object.entries(reference.creates).filter(([k]) => !['ticket', 'flow', 'comment'].includes(k)).length,
      );
      expect(world.flows).toHaveLength(1);
      expect(comments('handoff')).toBe(1);
    }
    const after = (await store.get(id))!;
    expect(after.status).toBe(result.status);
    for (const e of await store.effects(id))
      expect(['created', 'adopted'], `${e.key}: ${e.status}`).toContain(e.status);
    await store.close();
  });

  it.each([...SEEDED])('%s (not reachable by driving: restored from the model snapshot)', async (key) => {
    const state = model.get(key)!;
    const dbFile = tempDb();
    const r = rig({ dbFile });
    const world = r.services.world;
    const id = await r.engine.create(plan, 'admin@example.com', MODEL_ID);
    deliverAudiences(world, plan.audiences);
    const snapshot = JSON.parse(JSON.stringify(migrationMachine.getPersistedSnapshot(state))) as unknown;
    await r.store.commitTransition(id, {
      snapshot,
      machineVersion: MACHINE_VERSION,
      xstateVersion: XSTATE_VERSION,
      state: stateName(state),
      status: statusOf(state),
      progressed: true,
      attempts: state.context.attempts,
      lastError: state.context.lastError,
      ticketKey: null,
      marks: state.context.marks,
      journal: [],
      at: new Date(r.clock.now()).toISOString(),
    });
    await r.store.close();

    const store = openStore(dbFile);
    expect(stateKey(persisted((await store.get(id))!.snapshot))).toBe(key);
    const r2 = rig({ dbFile, store, services: r.services, clock: r.clock, holder: 'support@test-host:2' });
    const result = await r2.engine.drive(id, {
      mode: 'until-done',
      onSnapshot: (s) => stateName(s) === 'awaiting_resolution.sleeping' && resolveTicket(world),
    });
    expect(result.status).toBe('completed');
    expect(essentials(result.context)).toEqual(baseline);
    expect(world.creates).toEqual(reference.creates);
    await store.close();
  });
});
