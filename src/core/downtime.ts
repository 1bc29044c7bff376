// The downtime model of DESIGN §3, computed only from stored marks: never from "now". A missing mark gives
// null (renderers print "n/a", never 0 or NaN); a negative interval (clock skew) is flagged, not hidden.
import { FORCED_OVERRIDE_SOURCE, type Mark, type MarkName, type Marks } from './types.js';
import { businessDaysBetween } from './business-days.js';
import { tryParseInstant } from './time.js';

export interface Measure {
  ms: number;
  text: string;
  /** The later mark precedes the earlier one (clock skew, or a wrong override). */
  negative: boolean;
  from: MarkName;
  to: MarkName;
}

export interface BusinessDaysMeasure extends Measure {
  /** Signed business days (dates of the plan's zone, UTC by default; weekends and holidays excluded). */
  days: number;
}

export interface Downtime {
  /** legacy_stopped -> connection_established: no audience flows to the solutions. */
  window: Measure | null;
  /** legacy_stopped -> resolution_detected. */
  detectionLag: Measure | null;
  /** resolution_detected -> connection_established. */
  executionTime: Measure | null;
  /** legacy_stopped -> first_data. */
  dataGap: Measure | null;
  /** ticket_filed -> legacy_stopped, calendar time. */
  turnaroundCalendar: Measure | null;
  /** ticket_filed -> legacy_stopped, business days. */
  turnaroundBusinessDays: BusinessDaysMeasure | null;
  /** Why a measure is null: a mark missing or unreadable. */
  notes: string[];
  /** Rolled back only: new_flow_disabled -> legacy_restored, the time with neither pipe on after the way back began. */
  rollbackWindow?: Measure | null;
  /** Rolled back only: legacy_stopped -> legacy_data_seen, the whole time no audience reached Audience Manager. */
  totalOutage?: Measure | null;
}

export const NOT_AVAILABLE = 'n/a';

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * "850 ms", "12.3s", "4m 12.3s" (seconds padded: "4m 05.0s"), "3h 05m", "2d 3h 05m"; "-" prefix when negative;
 * "n/a" for null/NaN.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NOT_AVAILABLE;
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 36_000) {
    const minutes = Math.floor(tenths / 600);
    const secondTenths = tenths % 600; // whole tenths: digits written directly, as toFixed(1) would
    const seconds = `${Math.floor(secondTenths / 10)}.${secondTenths % 10}`;
    return minutes > 0 ? `${minutes}m ${secondTenths < 100 ? '0' : ''}${seconds}s` : `${seconds}s`;
  }
  const totalMinutes = Math.round(ms / 60_000);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = pad2(totalMinutes % 60);
  return days > 0 ? `${days}d ${hours}h ${minutes}m` : `${hours}h ${minutes}m`;
}

/** "operator override by X: reason", or "FORCED operator override by X: reason" (the ticket was not done). */
export function overrideLabel(mark: Mark & { override: NonNullable<Mark['override']> }): string {
  const forced = mark.source === FORCED_OVERRIDE_SOURCE ? 'FORCED ' : '';
  return `${forced}operator override by ${mark.override.by}: ${mark.override.reason}`;
}

/** "2026-03-29T01:30:00.000Z (jira.resolutiondate)", plus "(operator override by X: reason)" when overridden. */
export function markLabel(mark: Mark | null | undefined): string {
  if (!mark) return NOT_AVAILABLE;
  const base = `${mark.at} (${mark.source}${mark.note ? `; ${mark.note}` : ''})`;
  return mark.override ? `${base} (${overrideLabel({ ...mark, override: mark.override })})` : base;
}

/** Slot of each mark in Instants (an array indexed by a constant lookup: cheaper than a Map per call). */
const SLOT: Record<MarkName, number> = {
  ticket_filed: 0,
  legacy_stopped: 1,
  resolution_detected: 2,
  connection_established: 3,
  first_data: 4,
  rollback_requested: 5,
  new_flow_disabled: 6,
  reenable_filed: 7,
  legacy_restored: 8,
  legacy_data_seen: 9,
};
const SLOTS = 10;

/**
 * Each mark's instant, parsed once per computeDowntime call (a mark takes part in up to four figures). The note
 * explaining a null is written the first time the mark is asked for, so notes keep the order of the figures.
 */
class Instants {
  readonly notes: string[] = [];
  /** undefined: not read yet; null: missing or unreadable. */
  private readonly parsed: (number | null | undefined)[] = new Array(SLOTS).fill(undefined);

  constructor(private readonly marks: Marks) {}

  of(name: MarkName): number | null {
    const slot = SLOT[name];
    const known = this.parsed[slot];
    if (known !== undefined) return known;
    const mark = this.marks[name];
    let ms: number | null = null;
    if (!mark) {
      this.notes.push(`${name} missing`);
    } else {
      ms = tryParseInstant(mark.at);
      if (ms === null) this.notes.push(`${name} unreadable: ${JSON.stringify(mark.at)} is not an ISO-8601 instant`);
    }
    this.parsed[slot] = ms;
    return ms;
  }
}

function measure(instants: Instants, from: MarkName, to: MarkName): Measure | null {
  const start = instants.of(from);
  const end = instants.of(to);
  if (start === null || end === null) return null;
  const ms = end - start;
  const negative = ms < 0;
  return {
    ms,
    negative,
    from,
    to,
    text: negative ? `${formatDuration(ms)} (negative: ${to} before ${from})` : formatDuration(ms),
  };
}

interface DayRules {
  holidays: readonly string[];
  timeZone: string | undefined;
}

function businessDays(calendar: Measure | null, instants: Instants, rules: DayRules): BusinessDaysMeasure | null {
  if (!calendar) return null;
  const start = instants.of(calendar.from);
  const end = instants.of(calendar.to);
  if (start === null || end === null) return null;
  const days = businessDaysBetween(start, end, rules.holidays, rules.timeZone);
  const unit = Math.abs(days) === 1 ? 'business day' : 'business days';
  const text = calendar.negative
    ? `${days} ${unit} (negative: ${calendar.to} before ${calendar.from})`
    : `${days} ${unit}`;
  // The calendar measure's fields in its order, then days (what `{ ...calendar, days, text }` gives, built directly).
  return { ms: calendar.ms, negative: calendar.negative, from: calendar.from, to: calendar.to, text, days };
}

/**
 * Every derived duration of DESIGN §3. Business days are dates of `timeZone` (the plan's sla.timeZone; UTC by
 * default); `holidays`: extra non-business dates of that zone (`yyyy-MM-dd`).
 */
export function computeDowntime(
  marks: Marks,
  opts: { holidays?: readonly string[]; timeZone?: string } = {},
): Downtime {
  const instants = new Instants(marks);
  const turnaroundCalendar = measure(instants, 'ticket_filed', 'legacy_stopped');
  return {
    window: measure(instants, 'legacy_stopped', 'connection_established'),
    detectionLag: measure(instants, 'legacy_stopped', 'resolution_detected'),
    executionTime: measure(instants, 'resolution_detected', 'connection_established'),
    dataGap: measure(instants, 'legacy_stopped', 'first_data'),
    turnaroundCalendar,
    turnaroundBusinessDays: businessDays(turnaroundCalendar, instants, {
      holidays: opts.holidays ?? [],
      timeZone: opts.timeZone,
    }),
    notes: instants.notes,
    ...rollbackMeasures(marks, instants),
  };
}

/** Present only when a rollback was requested, so a migration that never rolled back has no "missing" notes for it. */
function rollbackMeasures(marks: Marks, instants: Instants): Pick<Downtime, 'rollbackWindow' | 'totalOutage'> {
  if (!marks.rollback_requested) return {};
  return {
    rollbackWindow: measure(instants, 'new_flow_disabled', 'legacy_restored'),
    totalOutage: measure(instants, 'legacy_stopped', 'legacy_data_seen'),
  };
}

/** A measure's text, or "n/a" when it could not be computed. */
export function measureText(m: Measure | null | undefined): string {
  return m ? m.text : NOT_AVAILABLE;
}
