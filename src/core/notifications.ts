// The notifications a transition causes, derived purely from what the migration was before and after it. The
// engine writes them to the store's outbox in the transition's own transaction (Transition.outbox), and the
// sender of `watch --notify` delivers them. An event's id is derived from its cause, never random: the same cause
// gives the same id, so a store keeps one row per cause (a stall seen on every later poll is written once) and a
// receiver can de-duplicate on the id (it is the X-Cutover-Delivery header).
import { computeDowntime } from './downtime.js';
import { stallReasons } from './stall.js';
import type { Marks, MigrationStatus, StoredError } from './types.js';

export const NOTIFICATION_TYPES = [
  'ticket_resolved',
  'cutover_completed',
  'needs_attention',
  'ticket_stalled',
  'rollback_started',
  'rollback_ended',
  /** Sent only by `cutover doctor --notify-test`: no migration is involved. */
  'test',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/**
 * The top-level states of a rollback. Rollback is being added on another branch: these are the names it uses
 * (`rolling_back` while it runs, then `rolled_back`); until a machine has them, no rollback event is derived.
 */
export const ROLLBACK_STATES = { running: 'rolling_back', done: 'rolled_back' } as const;

/** A notification as the outbox stores it. */
export interface OutboxEvent {
  id: string;
  type: NotificationType;
  migrationId: string;
  orgId: string;
  /** The transition's instant (UTC ISO-8601). */
  at: string;
  data: Record<string, unknown>;
}

/** What a transition's derivation needs to know of the migration on either side of it. */
export interface MigrationView {
  state: string;
  status: MigrationStatus;
  marks: Marks;
  lastError: StoredError | null;
  ticketKey: string | null;
}

export interface NotificationInput {
  migrationId: string;
  orgId: string;
  /** The plan's service level and its zone (as `cutover list --stalled` reads them). */
  slaBusinessDays: number | null;
  slaTimeZone: string | null;
  /** Null for a migration's first recorded transition. */
  before: MigrationView | null;
  after: MigrationView;
  at: string;
}

type Draft = Pick<OutboxEvent, 'type' | 'data'> & { cause: string };

const top = (state: string | undefined): string => (state ?? '').split('.')[0] ?? '';

function resolved(input: NotificationInput): Draft | null {
  const mark = input.after.marks.legacy_stopped;
  if (!mark || input.before?.marks.legacy_stopped) return null;
  const data = { ticketKey: input.after.ticketKey, resolvedAt: mark.at, source: mark.source };
  return { type: 'ticket_resolved', cause: input.after.ticketKey ?? 'ticket', data };
}

function completed(input: NotificationInput): Draft | null {
  if (input.after.status !== 'completed' || input.before?.status === 'completed') return null;
  const d = computeDowntime(input.after.marks);
  const window = d.window && {
    from: input.after.marks.legacy_stopped?.at,
    to: input.after.marks.connection_established?.at,
    ms: d.window.ms,
    text: d.window.text,
  };
  const data = { ticketKey: input.after.ticketKey, downtime: window ?? null, firstDataMs: d.dataGap?.ms ?? null };
  return { type: 'cutover_completed', cause: 'completed', data };
}

/** The command that helps, by the error that parked the migration (cli/terminal/next-action.ts says more). */
export function helpingCommand(migrationId: string, error: StoredError | null): string {
  switch (error?.code) {
    case 'VERIFY_TIMEOUT':
      return `cutover confirm ${migrationId} --solution S --reason "..."`;
    case 'RESOLUTION_OUT_OF_BOUNDS':
    case 'RESOLUTION_TIME_UNKNOWN':
      return `cutover set-resolution ${migrationId} --at ISO --reason "..."`;
    default:
      return `cutover retry ${migrationId} --reason "..."`;
  }
}

function attention(input: NotificationInput): Draft | null {
  if (input.after.status !== 'needs_attention' || input.before?.status === 'needs_attention') return null;
  const e = input.after.lastError;
  const data = {
    state: input.after.state,
    reason: e ? `${e.code}: ${e.message}` : 'no error recorded',
    code: e?.code ?? null,
    command: helpingCommand(input.migrationId, e),
  };
  // Parked again later is a new event: the cause is the instant it parked.
  return { type: 'needs_attention', cause: input.at, data };
}

function stalled(input: NotificationInput): Draft | null {
  const a = input.after;
  const record = {
    id: input.migrationId,
    ...a,
    progressAt: input.at,
    planSlaBusinessDays: input.slaBusinessDays,
    planSlaTimeZone: input.slaTimeZone,
  };
  const reason = stallReasons(record, null, input.at).find((r) => r.code === 'ticket_past_sla');
  if (!reason) return null;
  // One per ticket: every later poll derives it again, and the outbox keeps the first.
  return {
    type: 'ticket_stalled',
    cause: a.ticketKey ?? 'ticket',
    data: { ticketKey: a.ticketKey, reason: reason.message },
  };
}

function rollback(input: NotificationInput): Draft | null {
  const from = top(input.before?.state);
  const to = top(input.after.state);
  if (from === to) return null;
  if (to === ROLLBACK_STATES.running) return { type: 'rollback_started', cause: input.at, data: { from } };
  if (from === ROLLBACK_STATES.running) return { type: 'rollback_ended', cause: input.at, data: { to } };
  return null;
}

/** The notifications of one transition, in the order a reader expects them. */
export function notificationsFor(input: NotificationInput): OutboxEvent[] {
  const drafts = [resolved(input), rollback(input), stalled(input), attention(input), completed(input)];
  return drafts
    .filter((d): d is Draft => d !== null)
    .map((d) => ({
      id: `${input.migrationId}.${d.type}.${d.cause}`,
      type: d.type,
      migrationId: input.migrationId,
      orgId: input.orgId,
      at: input.at,
      data: d.data,
    }));
}
