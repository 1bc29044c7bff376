// Which migrations are stalled, and why. Pure: the record, its lease and "now" come in as arguments, so
// `cutover list --stalled`, `watch` and a test all reach the same verdict for the same stored facts.
//
// A stall is a flag for a human, not a failure: the migration keeps its state. The reasons:
// - ticket_past_sla: waiting on the deprovisioning ticket longer than its service level (business days, on the
//   calendar of the plan's sla.timeZone, UTC by default);
// - needs_attention: parked after exhausted retries or a failed check, with the error that parked it;
// - no_progress: no state change or new mark for more than `stallHours`. Not applied while the ticket is
//   waited on within its service level: days of silence are normal there, and the SLA rule owns that wait;
// - dead_runner: a lease whose expiry passed on an unfinished migration: the runner died without releasing it.
import { businessDaysBetween, DEFAULT_TIME_ZONE, isTimeZone } from './business-days.js';
import { isPastBusinessDays, parseInstant } from './time.js';
import type { Marks, MigrationStatus, StoredError } from './types.js';

export const DEFAULT_SLA_BUSINESS_DAYS = 6;
export const DEFAULT_STALL_HOURS = 24;

export type StallCode = 'ticket_past_sla' | 'needs_attention' | 'no_progress' | 'dead_runner';

export interface StallReason {
  code: StallCode;
  message: string;
}

/** The stored facts the verdict needs; a MigrationRecord satisfies it. */
export interface StallRecord {
  id: string;
  state: string;
  status: MigrationStatus;
  progressAt: string;
  lastError: StoredError | null;
  ticketKey: string | null;
  marks: Marks;
  /** The plan's own ticketSlaBusinessDays, null when it has none. */
  planSlaBusinessDays: number | null;
  /** The plan's sla.timeZone, null or absent when it has none (UTC applies). */
  planSlaTimeZone?: string | null;
}

/** The lease fields the verdict needs; a Lease satisfies it. */
export interface StallLease {
  nonce: string;
  holder: string;
  expiresAt: string;
}

export interface StallOptions {
  /** Default: the plan's ticketSlaBusinessDays, else 6. */
  slaBusinessDays?: number;
  /** Default 24. */
  stallHours?: number;
  holidays?: readonly string[];
  /** Default: the plan's sla.timeZone, else UTC. */
  timeZone?: string;
}

const FINAL: ReadonlySet<MigrationStatus> = new Set(['completed', 'cancelled', 'rolled_back']);

/**
 * The plan's own service level when it states a usable one (a whole number of days); the documented default
 * otherwise.
 */
export function slaBusinessDays(planDays: unknown): number {
  return typeof planDays === 'number' && Number.isInteger(planDays) && planDays >= 0
    ? planDays
    : DEFAULT_SLA_BUSINESS_DAYS;
}

/** The plan's sla.timeZone when it names a zone this runtime knows; UTC otherwise (as for an absent one). */
export function slaTimeZone(planZone: unknown): string {
  return isTimeZone(planZone) ? planZone : DEFAULT_TIME_ZONE;
}

/** Waiting on Customer Care: the deprovisioning ticket, or during a rollback the re-enable ticket. */
function waitingOnTicket(m: StallRecord): boolean {
  if (m.state === 'rolling_back.reenable.sleeping') return Boolean(m.marks.reenable_filed) && !m.marks.legacy_restored;
  return m.state.startsWith('awaiting_resolution') && Boolean(m.marks.ticket_filed) && !m.marks.legacy_stopped;
}

interface SlaCalendar {
  days: number;
  holidays: readonly string[];
  timeZone: string;
}

function ticketReason(m: StallRecord, nowMs: number, sla: SlaCalendar): StallReason | null {
  const filed = m.state.startsWith('rolling_back') ? m.marks.reenable_filed : m.marks.ticket_filed;
  if (!waitingOnTicket(m) || !filed) return null;
  const filedMs = parseInstant(filed.at);
  const slaDays = sla.days;
  if (!isPastBusinessDays(filedMs, nowMs, slaDays, sla.holidays, sla.timeZone)) return null;
  const waited = businessDaysBetween(filedMs, nowMs, sla.holidays, sla.timeZone);
  const ticket = m.ticketKey ?? 'the ticket';
  return {
    code: 'ticket_past_sla',
    message: `${ticket} filed ${filed.at} has waited ${waited} business days (service level ${slaDays})`,
  };
}

function attentionReason(m: StallRecord): StallReason | null {
  if (m.status !== 'needs_attention') return null;
  const e = m.lastError;
  return {
    code: 'needs_attention',
    message: e ? `needs attention: ${e.code}: ${e.message}` : 'needs attention (no error recorded)',
  };
}

function progressReason(m: StallRecord, nowMs: number, stallHours: number): StallReason | null {
  if (FINAL.has(m.status) || waitingOnTicket(m)) return null;
  const idleMs = nowMs - Date.parse(m.progressAt);
  if (!(idleMs > stallHours * 3_600_000)) return null;
  const hours = Math.floor(idleMs / 3_600_000);
  return {
    code: 'no_progress',
    message: `no progress for ${hours}h (since ${m.progressAt}; threshold ${stallHours}h)`,
  };
}

function runnerReason(m: StallRecord, lease: StallLease | null, nowMs: number): StallReason | null {
  if (!lease || FINAL.has(m.status) || Date.parse(lease.expiresAt) >= nowMs) return null;
  return {
    code: 'dead_runner',
    message:
      `runner ${lease.holder} (lock id ${lease.nonce}) stopped heartbeating; its lease expired ` + `${lease.expiresAt}`,
  };
}

/** Every reason the migration counts as stalled at `now` (an empty list: it is not stalled). */
export function stallReasons(
  record: StallRecord,
  lease: StallLease | null,
  now: string,
  options: StallOptions = {},
): StallReason[] {
  const nowMs = parseInstant(now);
  const slaDays = options.slaBusinessDays ?? slaBusinessDays(record.planSlaBusinessDays);
  const stallHours = options.stallHours ?? DEFAULT_STALL_HOURS;
  const reasons = [
    ticketReason(record, nowMs, {
      days: slaDays,
      holidays: options.holidays ?? [],
      timeZone: options.timeZone ?? slaTimeZone(record.planSlaTimeZone),
    }),
    attentionReason(record),
    progressReason(record, nowMs, stallHours),
    runnerReason(record, lease, nowMs),
  ];
  return reasons.filter((r): r is StallReason => r !== null);
}
