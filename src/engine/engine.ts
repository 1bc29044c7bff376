// The engine: creates migrations, restores their actors from the store, provides the real effects, persists
// every transition and drives a migration until it waits, needs attention, finishes or is interrupted.
import { randomBytes } from 'node:crypto';
import type { AnyEventObject, SnapshotFrom } from 'xstate';
import { createActor, initialTransition } from 'xstate';
import { isoNow } from '../core/time.js';
import { migrationMachine } from '../core/machine.js';
import type { MigrationMachine } from '../core/machine.js';
import type { MigrationContext, MigrationEvent } from '../core/machine-types.js';
import { MACHINE_VERSION, XSTATE_VERSION } from '../core/machine-types.js';
import type { MigrationStatus, Plan } from '../core/types.js';
import { CutoverError, FencedError, UsageError } from '../errors.js';
import type { Clock, LeaseRequest, Logger, MigrationRecord, MigrationStore } from '../ports.js';
import { effectActors } from './effects.js';
import { fencedStore } from './fence.js';
import { handoffLines } from './handoff.js';
import { watchInbox } from './inbox.js';
import { acquire, keepAlive } from './lease.js';
import type { LeaseDeps } from './lease.js';
import { Persister, statusOf } from './persist.js';
import { restoreSnapshot } from './restore.js';
import type { EngineSettings, Services } from './types.js';
import { stateName } from '../core/machine-logic.js';

/** A migration's machine snapshot, as a drive's `onSnapshot` sees it. */
export type MigrationSnapshot = SnapshotFrom<MigrationMachine>;
type Snapshot = MigrationSnapshot;

export interface EngineDeps {
  store: MigrationStore;
  services: Services;
  clock: Clock;
  logger: Logger;
  holder: string;
  settings: EngineSettings;
  env?: Record<string, string | undefined>;
  isProcessAlive?: (pid: number) => boolean;
}

/** `until-waiting` returns as soon as the migration waits on the outside world; `until-done` keeps going. */
export type DriveMode = 'until-waiting' | 'until-done';

export interface DriveOptions {
  mode: DriveMode;
  signal?: AbortSignal;
  /** Sent once the actor is restored: an operator event, or START for a draft. */
  event?: MigrationEvent;
  onSnapshot?: (snapshot: Snapshot) => void;
  /**
   * A lease already taken for this drive (a claim: engine/claims.ts): the drive skips acquiring one and runs under
   * it, with the same heartbeat, fencing and release. Lost before the drive began, the first write is refused.
   */
  lease?: LeaseRequest;
}

export interface DriveResult {
  id: string;
  state: string;
  status: MigrationStatus | 'interrupted';
  context: MigrationContext;
}

export function newMigrationId(): string {
  return `m-${randomBytes(5).toString('hex')}`;
}

/** A stored migration's machine state, restored (versions checked) but never started: guards are evaluated on it. */
function restoredState(record: MigrationRecord): Snapshot {
  return createActor(migrationMachine, {
    snapshot: restoreSnapshot(record) as never,
    input: { migrationId: record.id, plan: record.plan as Plan },
  }).getSnapshot();
}

/**
 * Whether the stored migration's current state takes the operator event. The machine silently ignores an event its
 * state does not accept, so a front end asks this first and refuses the command instead of driving for nothing.
 */
export function checkOperatorEvent(record: MigrationRecord, event: MigrationEvent): boolean {
  return restoredState(record).can(event);
}

/** The machine context of a stored migration (what its operator commands explain themselves with). */
export function storedContext(record: MigrationRecord): MigrationContext {
  return restoredState(record).context;
}

export class Engine {
  constructor(private readonly deps: EngineDeps) {}

  private get leaseDeps(): LeaseDeps {
    const { store, clock, holder, settings, isProcessAlive } = this.deps;
    return { store, clock, holder, ttlMs: settings.leaseTtlMs, isProcessAlive };
  }

  /** The record, its first snapshot and the CREATE row in one store transaction: a crash leaves all or nothing. */
  async create(plan: Plan, by: string, id = newMigrationId()): Promise<string> {
    const [snapshot] = initialTransition(migrationMachine, { migrationId: id, plan });
    const at = isoNow(this.deps.clock);
    await this.deps.store.create({
      snapshot: JSON.parse(JSON.stringify(migrationMachine.getPersistedSnapshot(snapshot))) as unknown,
      id,
      orgId: plan.orgId,
      plan,
      machineVersion: MACHINE_VERSION,
      xstateVersion: XSTATE_VERSION,
      state: stateName(snapshot),
      status: 'active',
      at,
      journal: [{ kind: 'operator', at, name: 'CREATE', actor: by, data: { audiences: plan.audiences.length } }],
    });
    return id;
  }

  async load(id: string): Promise<MigrationRecord> {
    const record = await this.deps.store.get(id);
    if (!record)
      throw new UsageError(
        `no migration with id ${id}`,
        'cutover list shows the migrations in this database (--db selects another)',
      );
    return record;
  }

  /**
   * Drives the migration under a lease; the lease is released and every transition flushed on return. The record
   * is read only once the lease is ours: one read before it would be stale if another runner drove meanwhile.
   */
  async drive(id: string, options: DriveOptions): Promise<DriveResult> {
    if (options.lease && options.lease.migrationId !== id) throw new RangeError(`a lease for ${id} is needed`);
    const lease = options.lease ?? (await this.acquireLease(id));
    let record: MigrationRecord;
    try {
      record = await this.load(id);
    } catch (err) {
      await this.deps.store.releaseLease(id, lease.nonce);
      throw err;
    }
    const halt = new LeaseLoss();
    // Every write of this drive goes through a view fenced by the lease: refused once the lease is another's.
    const fenced = fencedStore(this.deps.store, lease.nonce, () => halt.lost());
    const stopHeartbeat = keepAlive(this.leaseDeps, lease, () => halt.lost());
    try {
      return await this.run({ ...this.deps, store: fenced.store }, record, options, halt);
    } finally {
      stopHeartbeat();
      await this.deps.store.releaseLease(id, lease.nonce);
    }
  }

  private async acquireLease(id: string): Promise<LeaseRequest> {
    await this.load(id); // an unknown id is a usage error, not a store error from the lease table
    return (await acquire(this.leaseDeps, id)).lease;
  }

  private async run(
    deps: EngineDeps,
    record: MigrationRecord,
    options: DriveOptions,
    halt: LeaseLoss,
  ): Promise<DriveResult> {
    const restored = restoreSnapshot(record);
    const leaseLost = () => halt.isLost;
    const persister = new Persister(deps.store, record.id, () => isoNow(deps.clock), restored);
    const inFlight = new Set<Promise<unknown>>();
    const machine = migrationMachine.provide({
      actors: effectActors(
        {
          ...deps,
          env: deps.env ?? process.env,
          flushed: () => persister.flushed(),
          persistIntent: (i) => persister.persistIntent(i),
          inFlight,
        },
        handoffLines,
      ) as never,
    });
    let root: unknown = null;
    const actor = createActor(machine, {
      input: { migrationId: record.id, plan: restored.context.plan },
      snapshot: restored as never,
      inspect: (ev) => {
        if (ev.type === '@xstate.snapshot' && ev.actorRef === root)
          persister.record(ev.snapshot as Snapshot, ev.event as AnyEventObject);
      },
    });
    root = actor;
    const stop = watchForStop(actor, options, leaseLost, () => persister.failed);
    halt.onLost(stop.halt);
    actor.start();
    const first = options.event ?? kickOff(actor.getSnapshot());
    if (first) actor.send(first);
    stop.arm();
    const inbox = watchInbox(deps, { migrationId: record.id, actor, persister, leaseLost });
    const outcome = await stop.settled.finally(() => inbox.stop()).finally(() => actor.stop());
    await Promise.allSettled([...inFlight]);
    await persister.flushed();
    if (outcome === 'lease-lost') throw new FencedError(record.id, await deps.store.currentLease(record.id));
    const snapshot = actor.getSnapshot();
    return {
      id: record.id,
      state: stateName(snapshot),
      status: outcome === 'interrupted' ? 'interrupted' : statusOf(snapshot),
      context: snapshot.context,
    };
  }
}

/** What a drive sends first when no operator event is given: start a draft, re-check a wait now. */
function kickOff(snapshot: Snapshot): MigrationEvent | null {
  if (snapshot.status === 'done' || snapshot.hasTag('finished')) return null;
  return stateName(snapshot) === 'draft' ? { type: 'START' } : { type: 'WAKE' };
}

type Outcome = 'stopped' | 'interrupted' | 'lease-lost';

/** Set once by a lost heartbeat or a fenced write; the drive halts at once, without waiting for a snapshot. */
class LeaseLoss {
  isLost = false;
  private listener: () => void = () => {};
  lost(): void {
    this.isLost = true;
    this.listener();
  }
  onLost(listener: () => void): void {
    this.listener = listener;
    if (this.isLost) listener();
  }
}

/**
 * Settles when the migration reaches a point where this drive should stop. Disarmed until the first event
 * was sent, so that a restored waiting or needs_attention state does not end the drive before it began.
 */
function watchForStop(
  actor: ReturnType<typeof createActor<MigrationMachine>>,
  options: DriveOptions,
  leaseLost: () => boolean,
  storeFailure: () => unknown,
): { settled: Promise<Outcome>; arm: () => void; halt: () => void } {
  let armed = false;
  let halt = () => {};
  let check: (snapshot: Snapshot) => void = () => {};
  let cleanup = () => {};
  const settled = new Promise<Outcome>((resolve, reject) => {
    check = (snapshot: Snapshot) => {
      options.onSnapshot?.(snapshot);
      if (!armed) return;
      if (storeFailure()) return reject(storeFailure());
      if (leaseLost()) return resolve('lease-lost');
      if (snapshot.status === 'error')
        return reject(new CutoverError(`the migration machine failed: ${String(snapshot.error)}`, 'MACHINE_ERROR'));
      if (snapshot.status === 'done' || snapshot.hasTag('finished') || snapshot.hasTag('attention'))
        return resolve('stopped');
      if (snapshot.hasTag('waiting') && options.mode === 'until-waiting') return resolve('stopped');
    };
    actor.subscribe({ next: (snapshot) => check(snapshot), error: reject });
    // Stop at once, not a microtask later: an effect that settles in between would move the migration on
    // after the operator asked it to stop.
    const onAbort = () => {
      actor.stop();
      resolve('interrupted');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    halt = () => {
      actor.stop();
      resolve('lease-lost');
    };
    if (options.signal?.aborted) resolve('interrupted');
    // A long-lived signal (watch) is shared by many drives: each must take its listener away when done.
    cleanup = () => options.signal?.removeEventListener('abort', onAbort);
  });
  return {
    settled: settled.finally(() => cleanup()),
    halt: () => halt(),
    arm: () => {
      armed = true;
      check(actor.getSnapshot());
    },
  };
}
