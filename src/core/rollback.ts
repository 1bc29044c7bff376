// The way back to legacy sharing (issue 15), as pure rules: when a rollback may be asked for, and what each of
// its steps writes into the context. The machine (machine.ts, `rolling_back`) and `cutover rollback` use the same
// `rollbackProblem`, so the command's refusal and the machine's guard can never disagree.
import type {
  DisableOutput,
  LastPoll,
  LegacyDataOutput,
  MigrationContext,
  MigrationEvent,
  RollbackState,
  TicketInfo,
  TicketPollOutput,
} from './machine-types.js';
import { addMarks } from './machine-logic.js';
import { readStopInstant } from './resolution.js';
import type { Mark, Marks, StoredError } from './types.js';

type Update = Partial<MigrationContext>;
type RollbackEvent = Extract<MigrationEvent, { type: 'ROLLBACK' }>;

/** The states a rollback may start from: parked, backing off, verifying, or (with --force) completed. */
const ROLLBACK_FROM = ['needs_attention', 'retrying', 'verifying', 'completed'] as const;

export interface RollbackFacts {
  id: string;
  /** The dotted state name (`verifying.sleeping`). */
  state: string;
  marks: Marks;
  lastPoll: LastPoll | null;
  rollback?: RollbackState | null;
  force: boolean;
  reason: string;
}

export interface Refusal {
  why: string;
  instead: string;
}

/** When the legacy pipe is known to be off: a stop mark, or a poll that saw the ticket done (time unknown). */
export function legacyOffSince(marks: Marks, lastPoll: LastPoll | null): string | null {
  const stopped = marks.legacy_stopped;
  if (stopped) return `since ${stopped.at}, ${stopped.source}`;
  return lastPoll?.statusCategory === 'done' ? `the ticket was seen ${lastPoll.statusName} at ${lastPoll.at}` : null;
}

/** Why a rollback is refused now, with what to do instead; null when it may go ahead. */
export function rollbackProblem(f: RollbackFacts): Refusal | null {
  const top = f.state.split('.')[0] ?? '';
  if (f.rollback || top === 'rolling_back' || top === 'rolled_back') {
    const since = f.rollback ? ` (asked by ${f.rollback.by} at ${f.rollback.at})` : '';
    return { why: `it is already being rolled back${since}`, instead: `cutover resume ${f.id} --follow` };
  }
  if (top === 'cancelled' || top === 'cancelling') {
    return { why: 'it was cancelled: the legacy pipe was never turned off', instead: `cutover show ${f.id}` };
  }
  if (!legacyOffSince(f.marks, f.lastPoll)) {
    return {
      why: 'the legacy pipe is still on (the deprovisioning ticket is not resolved): there is nothing to roll back',
      instead: `use cancel: cutover cancel ${f.id} --reason "..."`,
    };
  }
  if (top === 'completed' && !(f.force && f.reason.trim() !== '')) {
    return {
      why: 'it completed: the new connection carries the audiences, and rolling back undoes a finished migration',
      instead: `if you mean it: cutover rollback ${f.id} --force --reason "..."`,
    };
  }
  if (!(ROLLBACK_FROM as readonly string[]).includes(top)) {
    return {
      why: `it is in ${f.state}, a step that is talking to a service right now`,
      instead: `wait until it waits or parks (cutover show ${f.id}), then roll back`,
    };
  }
  return null;
}

export function rollbackFacts(ctx: MigrationContext, state: string, e: RollbackEvent): RollbackFacts {
  const { migrationId: id, marks, lastPoll, rollback } = ctx;
  return { id, state, marks, lastPoll, rollback, force: e.force === true, reason: e.reason };
}

/** A step that went well: no error, no retry count, no deadline or wait trouble left from before. */
const cleared = { lastError: null, attempts: 0, resumeTarget: null, waitUntil: null, waitTrouble: null };

export function rollbackRecorded(ctx: MigrationContext, e: RollbackEvent, from: string): Update {
  const rollback: RollbackState = {
    by: e.by,
    reason: e.reason,
    at: e.at,
    force: e.force === true,
    deleteConnection: e.deleteConnection === true,
    from,
    flowId: ctx.remote.flowId ?? null,
    ticket: null,
    lastPoll: null,
    legacyDeadline: null,
    seenLegacy: {},
  };
  const requested: Mark = { at: e.at, source: 'cutover.operator' };
  return {
    rollback,
    marks: addMarks(ctx.marks, { rollback_requested: requested }),
    ...cleared,
  };
}

function withRollback(ctx: MigrationContext, change: Partial<RollbackState>): RollbackState {
  return { ...(ctx.rollback as RollbackState), ...change };
}

/** The flow's own update time after the disable; with no flow, the read that proved there is none. */
export function flowDisabledRecorded(ctx: MigrationContext, out: DisableOutput): Update {
  const mark: Mark = out.disabledAt
    ? { at: out.disabledAt, source: 'flowservice.updatedAt' }
    : { at: out.observedAt, source: 'flowservice.no_flow', note: 'no flow of this migration existed' };
  return {
    rollback: withRollback(ctx, { flowId: out.flowId }),
    marks: addMarks(ctx.marks, { new_flow_disabled: mark }),
    lastObservedAt: out.observedAt,
  };
}

export function reenableFiledRecorded(ctx: MigrationContext, ticket: TicketInfo): Update {
  return {
    rollback: withRollback(ctx, { ticket }),
    marks: addMarks(ctx.marks, { reenable_filed: { at: ticket.createdAt, source: 'jira.created' } }),
  };
}

export function reenablePollRecorded(ctx: MigrationContext, out: TicketPollOutput): Update {
  const lastPoll = {
    at: out.observedAt,
    startedAt: out.startedAt,
    statusName: out.statusName,
    statusCategory: out.statusCategory,
  };
  return { rollback: withRollback(ctx, { lastPoll }), lastObservedAt: out.observedAt, waitTrouble: null };
}

/** Legacy sharing is back on at the re-enable ticket's resolutiondate (or its changelog move to done). */
export function legacyRestoredMark(ctx: MigrationContext, out: TicketPollOutput): Mark | null {
  const reading = readStopInstant(out, ctx.marks.reenable_filed?.at ?? ctx.rollback?.ticket?.createdAt ?? null);
  return 'mark' in reading ? reading.mark : null;
}

export function legacyRestoredRecorded(ctx: MigrationContext, out: TicketPollOutput): Update {
  const restored = legacyRestoredMark(ctx, out);
  const legacyDeadline = Date.parse(out.observedAt) + ctx.plan.polling.verifyTimeoutMs;
  return {
    rollback: withRollback(ctx, { legacyDeadline }),
    marks: restored ? addMarks(ctx.marks, { legacy_restored: restored }) : ctx.marks,
    ...cleared,
  };
}

function parked(code: string, message: string, at: string): Update {
  const lastError: StoredError = { code, message, at, retryable: false, step: 'rolling_back' };
  return { resumeTarget: 'rolling_back', lastError };
}

export function reenableTimeUnknown(ctx: MigrationContext, out: TicketPollOutput): Update {
  const key = ctx.rollback?.ticket?.key ?? 'the re-enable ticket';
  const message = `${key} is done but neither its resolutiondate nor its changelog says when legacy sharing came back`;
  return parked(
    'REENABLE_TIME_UNKNOWN',
    `${message}; ask Customer Care, then cutover retry ${ctx.migrationId}`,
    out.observedAt,
  );
}

/** The next read of the re-enable ticket: one ticket interval after the last, as for the deprovisioning ticket. */
export function reenablePollScheduled(ctx: MigrationContext): Update {
  const last = ctx.rollback?.lastPoll;
  const sent = Date.parse(last?.startedAt ?? last?.at ?? ctx.lastObservedAt ?? '');
  return { waitUntil: sent + ctx.plan.polling.ticketIntervalMs };
}

export function legacyDataRecorded(ctx: MigrationContext, out: LegacyDataOutput): Update {
  const seenLegacy = { ...ctx.rollback?.seenLegacy };
  for (const [id, at] of Object.entries(out.seen)) {
    if (ctx.plan.audiences.includes(id) && !seenLegacy[id]) seenLegacy[id] = at;
  }
  const earliest = Object.values(seenLegacy).sort((a, b) => Date.parse(a) - Date.parse(b))[0];
  const seen = ctx.marks.legacy_data_seen ?? (earliest ? { at: earliest, source: 'aam.segment.updateTime' } : null);
  return {
    rollback: withRollback(ctx, { seenLegacy }),
    marks: seen ? addMarks(ctx.marks, { legacy_data_seen: seen }) : ctx.marks,
    lastObservedAt: out.observedAt,
    waitTrouble: null,
  };
}

export function unseenLegacy(ctx: MigrationContext): string[] {
  return ctx.plan.audiences.filter((id) => !ctx.rollback?.seenLegacy[id]);
}

export function legacyOverdue(ctx: MigrationContext): boolean {
  const deadline = ctx.rollback?.legacyDeadline ?? null;
  return deadline !== null && Date.parse(ctx.lastObservedAt ?? '') >= deadline;
}

export function legacyCheckScheduled(ctx: MigrationContext): Update {
  if (ctx.waitTrouble?.step === 'rolling_back') return {};
  return { waitUntil: Date.parse(ctx.lastObservedAt ?? '') + ctx.plan.polling.verifyIntervalMs };
}

export function legacyTimedOut(ctx: MigrationContext): Update {
  const message =
    `legacy sharing was restored but the legacy data source did not update [${unseenLegacy(ctx).join(', ')}] ` +
    `before the deadline; check with Customer Care, then cutover retry ${ctx.migrationId}`;
  return parked('LEGACY_NOT_SEEN', message, ctx.lastObservedAt ?? '');
}

/** The ticket a migration waits on now: the re-enable ticket during a rollback, else the deprovisioning one. */
export function waitedTicketKey(ctx: Pick<MigrationContext, 'ticket' | 'rollback'>): string | null {
  return ctx.rollback?.ticket?.key ?? ctx.ticket?.key ?? null;
}
