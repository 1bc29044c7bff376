// Persists every transition of a running migration: snapshot, summary, marks and journal rows in one store
// transaction, queued in order so that an effect's intent row is never written ahead of the state it runs in.
import type { AnyEventObject, SnapshotFrom } from 'xstate';
import type { MigrationMachine } from '../core/machine.js';
import { migrationMachine } from '../core/machine.js';
import { MACHINE_VERSION, OPERATOR_EVENT_TYPES, XSTATE_VERSION } from '../core/machine-types.js';
import type { MigrationContext, WaitTrouble } from '../core/machine-types.js';
import type { MigrationStatus } from '../core/types.js';
import { stateName } from '../core/machine-logic.js';
import { waitedTicketKey } from '../core/rollback.js';
import type { EffectIntent, InboxSettlement, JournalEntry, MigrationStore } from '../ports.js';
import { type MigrationView, notificationsFor, type OutboxEvent } from '../core/notifications.js';

type Snapshot = SnapshotFrom<MigrationMachine>;

/** Journaled as operator rows; derived from the machine's event types (core/machine-types.ts). */
export const OPERATOR_EVENTS: ReadonlySet<string> = new Set(OPERATOR_EVENT_TYPES);

export function statusOf(snapshot: Snapshot): MigrationStatus {
  const top = stateName(snapshot).split('.')[0];
  if (top === 'completed') return 'completed';
  if (top === 'cancelled') return 'cancelled';
  if (top === 'rolled_back') return 'rolled_back';
  if (snapshot.hasTag('attention')) return 'needs_attention';
  if (snapshot.hasTag('waiting')) return 'waiting';
  return 'active';
}

function journalFor(
  before: MigrationContext | null,
  after: MigrationContext,
  event: AnyEventObject,
  from: string,
  to: string,
  at: string,
): JournalEntry[] {
  const rows: JournalEntry[] = [];
  const e = event as AnyEventObject & { by?: string; reason?: string };
  if (OPERATOR_EVENTS.has(event.type)) {
    const { type: _t, by: _b, reason: _r, ...data } = e;
    rows.push({ kind: 'operator', at, name: event.type, actor: e.by, reason: e.reason, data });
  }
  if (from.split('.')[0] !== to.split('.')[0])
    rows.push({ kind: 'transition', at, name: event.type, data: { from, to } });
  if (after.lastPoll && after.lastPoll.statusName !== before?.lastPoll?.statusName) {
    rows.push({ kind: 'observation', at, name: 'ticket_status', data: after.lastPoll });
  }
  for (const [name, mark] of Object.entries(after.marks)) {
    if (JSON.stringify(before?.marks[name as keyof typeof after.marks]) !== JSON.stringify(mark)) {
      rows.push({ kind: 'observation', at, name: `mark:${name}`, data: mark });
    }
  }
  if (after.lastError && JSON.stringify(after.lastError) !== JSON.stringify(before?.lastError ?? null)) {
    rows.push({ kind: 'event', at, name: 'error', data: after.lastError });
  }
  rows.push(...waitTroubleRows(before?.waitTrouble ?? null, after.waitTrouble ?? null, at));
  return rows;
}

/**
 * A wait's failed reads, once per kind: the first failure of each kind in a run of failures, and the end of the
 * run (a read answered again, or the wait ended). A wait retried every minute for a day writes two rows, not 1440.
 */
function waitTroubleRows(before: WaitTrouble | null, after: WaitTrouble | null, at: string): JournalEntry[] {
  const sameRun = before !== null && after !== null && before.step === after.step && before.since === after.since;
  const rows: JournalEntry[] = [];
  if (before && !sameRun) {
    const { step, since, tries, kinds } = before;
    rows.push({ kind: 'event', at, name: 'wait_error_cleared', data: { step, since, tries, kinds } });
  }
  const kind = after?.last.kind;
  if (after && kind && !(sameRun && before.kinds[kind])) {
    const { code, message, httpStatus, service, at: failedAt } = after.last;
    const data = { step: after.step, kind, code, message, httpStatus, service, failedAt };
    rows.push({ kind: 'event', at, name: 'wait_error', data });
  }
  return rows;
}

function viewOf(state: string, status: MigrationStatus, ctx: MigrationContext): MigrationView {
  return { state, status, marks: ctx.marks, lastError: ctx.lastError, ticketKey: ctx.ticket?.key ?? null };
}

/** The restored snapshot's status, for the first transition's "before" (null when it cannot be resolved). */
function restoredStatus(restored: { value: unknown; context: MigrationContext }): MigrationStatus | null {
  try {
    return statusOf(migrationMachine.resolveState(restored as Parameters<typeof migrationMachine.resolveState>[0]));
  } catch {
    return null;
  }
}

/** The notifications of a transition (core/notifications.ts), for the outbox in the transition's transaction. */
function outboxFor(id: string, before: MigrationView | null, after: MigrationView, ctx: MigrationContext, at: string) {
  const plan = ctx.plan as { orgId: string; ticketSlaBusinessDays?: unknown; sla?: { timeZone?: unknown } };
  const days = plan.ticketSlaBusinessDays;
  const zone = plan.sla?.timeZone;
  return notificationsFor({
    migrationId: id,
    orgId: plan.orgId,
    slaBusinessDays: typeof days === 'number' && Number.isInteger(days) ? days : null,
    slaTimeZone: typeof zone === 'string' ? zone : null,
    before,
    after,
    at,
  });
}

interface Rider {
  intent: EffectIntent;
  resolve: (attempts: number) => void;
  reject: (err: unknown) => void;
}

export class Persister {
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private riders: Rider[] = [];
  /** Inbox events sent to the actor whose transition is not recorded yet: the next one settles them. */
  private settling: { seq: number; by: string }[] = [];
  private lastState: string;
  private lastContext: MigrationContext | null;
  private lastJson = '';
  private lastView: MigrationView | null;

  constructor(
    private readonly store: MigrationStore,
    private readonly migrationId: string,
    private readonly now: () => string,
    restored: { value: unknown; context: MigrationContext },
  ) {
    this.lastState = stateName(restored);
    this.lastContext = restored.context;
    this.lastJson = JSON.stringify(restored);
    const status = restoredStatus(restored);
    this.lastView = status ? viewOf(this.lastState, status, restored.context) : null;
  }

  /** Queues the snapshot an event produced; a no-op when nothing persisted would change. */
  record(snapshot: Snapshot, event: AnyEventObject): void {
    // Stopping the actor at the end of a drive is not a transition of the migration.
    if (snapshot.status === 'stopped') return;
    const persisted = migrationMachine.getPersistedSnapshot(snapshot);
    const json = JSON.stringify(persisted);
    if (json === this.lastJson) return;
    const state = stateName(snapshot);
    const at = this.now();
    const journal = journalFor(this.lastContext, snapshot.context, event, this.lastState, state, at);
    const progressed =
      state.split('.')[0] !== this.lastState.split('.')[0] || journal.some((j) => j.name.startsWith('mark:'));
    const ctx = snapshot.context;
    const view = viewOf(state, statusOf(snapshot), ctx);
    const outbox: OutboxEvent[] = outboxFor(this.migrationId, this.lastView, view, ctx, at);
    const transition = {
      snapshot: JSON.parse(json) as unknown,
      machineVersion: MACHINE_VERSION,
      xstateVersion: XSTATE_VERSION,
      state,
      status: view.status,
      progressed,
      attempts: ctx.attempts,
      lastError: ctx.lastError,
      // The ticket being waited on (the re-enable ticket during a rollback): what a webhook wakes and list shows.
      ticketKey: waitedTicketKey(ctx),
      marks: ctx.marks,
      journal,
      at,
      outbox,
    };
    this.lastView = view;
    this.lastJson = json;
    this.lastState = state;
    this.lastContext = ctx;
    const riders = this.takeRiders();
    const intents = riders.map((r) => r.intent);
    const settles = this.takeSettling(snapshot, at);
    this.enqueue(() => this.store.commitTransition(this.migrationId, { ...transition, intents, settles }), riders);
  }

  /** The next transition recorded settles inbox event `seq` as accepted, in the same transaction. */
  settleWithNext(seq: number, by: string): void {
    this.settling.push({ seq, by });
  }

  /** Settles, in queue order, what `settleWithNext` left unsettled because the event recorded no transition. */
  settleUnrecorded(snapshot: Snapshot): void {
    for (const settlement of this.takeSettling(snapshot, this.now())) this.settleAlone(settlement);
  }

  /** Settles an inbox event on its own, after everything queued (a refusal, or an event that changed nothing). */
  settleAlone(settlement: InboxSettlement): void {
    this.enqueue(() => this.store.settleOperatorEvent(this.migrationId, settlement).then(() => {}), []);
  }

  private takeSettling(snapshot: Snapshot, at: string): InboxSettlement[] {
    const taken = this.settling;
    this.settling = [];
    const outcome = { status: 'accepted' as const, state: stateName(snapshot), migrationStatus: statusOf(snapshot) };
    return taken.map(({ seq, by }) => ({ seq, at, outcome: { ...outcome, by } }));
  }

  /**
   * An effect's intent, written in the transaction of the transition into the state the effect runs in when
   * that transition is recorded in the same tick (xstate starts the effect just before it reports the state),
   * else on its own after everything queued. Never ahead of its state either way. Resolves with the attempts.
   */
  persistIntent(intent: EffectIntent): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.riders.push({ intent, resolve, reject });
      queueMicrotask(() => {
        const alone = this.takeRiders();
        if (alone.length > 0)
          this.enqueue(() => Promise.all(alone.map((r) => this.store.recordIntent(r.intent))).then(() => {}), alone);
      });
    });
  }

  private takeRiders(): Rider[] {
    const taken = this.riders;
    this.riders = [];
    return taken;
  }

  private enqueue(write: () => Promise<void>, riders: Rider[]): void {
    const written = this.chain.then(async () => {
      if (this.failure) throw this.failure;
      await write();
    });
    this.chain = written
      .then(() => this.settleRiders(riders))
      .catch((err) => {
        this.failure ??= err;
        for (const r of riders) r.reject(err);
      });
  }

  private async settleRiders(riders: Rider[]): Promise<void> {
    if (riders.length === 0) return;
    const effects = await this.store.effects(this.migrationId);
    for (const r of riders) r.resolve(effects.find((e) => e.key === r.intent.key)?.attempts ?? 1);
  }

  /** Resolves once everything queued is written; rejects with the first write failure. */
  async flushed(): Promise<void> {
    await this.chain;
    if (this.failure) throw this.failure;
  }

  get failed(): unknown {
    return this.failure;
  }
}
