// The runner's side of the operator inbox: while a drive holds the lease, operator events posted by other
// processes (cutover confirm, skip, retry, set-resolution, cancel) are claimed, sent to the actor when its
// current state takes them, and settled with the outcome in the transaction of the transition they caused.
import type { AnyActorRef, SnapshotFrom } from 'xstate';
import { isoNow } from '../core/time.js';
import type { MigrationMachine } from '../core/machine.js';
import type { MigrationEvent } from '../core/machine-types.js';
import type { Clock, InboxEvent, Logger, MigrationStore } from '../ports.js';
import { OPERATOR_EVENTS, type Persister, statusOf } from './persist.js';
import { stateName } from '../core/machine-logic.js';

type Snapshot = SnapshotFrom<MigrationMachine>;

/** Short enough that an operator's command is answered within a second or two; the timer never keeps a process up. */
export const INBOX_INTERVAL_MS = 250;

export interface InboxDeps {
  store: MigrationStore;
  clock: Clock;
  logger: Logger;
  holder: string;
}

interface Driven {
  migrationId: string;
  actor: Pick<AnyActorRef, 'send'> & { getSnapshot(): Snapshot };
  persister: Persister;
  /** True once a heartbeat found the lease taken over: events are then the new holder's to take. */
  leaseLost: () => boolean;
}

/** An operator event with who, why and when, or null: the inbox is written by other processes. */
function asOperatorEvent(data: unknown): MigrationEvent | null {
  const e = data as Record<string, unknown> | null;
  if (!e || typeof e !== 'object' || !OPERATOR_EVENTS.has(String(e.type))) return null;
  return [e.by, e.reason, e.at].every((v) => typeof v === 'string') ? (e as unknown as MigrationEvent) : null;
}

/** Polls the inbox until stopped; `stop` resolves once a check in progress has settled what it claimed. */
export function watchInbox(deps: InboxDeps, driven: Driven, intervalMs = INBOX_INTERVAL_MS): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const check = async () => {
    const now = isoNow(deps.clock);
    if (driven.leaseLost()) return;
    for (const row of await deps.store.pendingOperatorEvents(driven.migrationId, now)) {
      if (stopped || driven.leaseLost()) return;
      const claimed = await deps.store.claimOperatorEvent(driven.migrationId, row.seq, deps.holder, isoNow(deps.clock));
      if (claimed) deliver(deps, driven, row);
    }
  };
  let busy = false;
  const tick = () => {
    if (stopped || busy) return;
    busy = true;
    running = check()
      .catch((err: unknown) => deps.logger.warn('could not read the operator inbox; trying again', { error: `${err}` }))
      .finally(() => (busy = false));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/** Sends a claimed event when the current state takes it, else settles it as refused; either way, once. */
function deliver(deps: InboxDeps, driven: Driven, row: InboxEvent): void {
  const { actor, persister } = driven;
  const before = actor.getSnapshot();
  const event = asOperatorEvent(row.event);
  if (!event || before.status !== 'active' || !before.can(event)) {
    const where = { state: stateName(before), migrationStatus: statusOf(before), by: deps.holder };
    persister.settleAlone({ seq: row.seq, at: isoNow(deps.clock), outcome: { status: 'refused', ...where } });
    return;
  }
  persister.settleWithNext(row.seq, deps.holder);
  actor.send(event);
  // An event that changed nothing persisted records no transition to settle it with.
  persister.settleUnrecorded(actor.getSnapshot());
}
