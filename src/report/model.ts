// One report row: a migration's stored marks plus the figures derived from them by the core downtime model.
// Durations come only from stored instants; "now" decides only whether a waiting ticket is past its SLA.
import { computeDowntime, overrideLabel, type Downtime, type Measure } from '../core/downtime.js';
import { DEFAULT_SLA_BUSINESS_DAYS } from '../core/stall.js';
import { isTicketPastSla } from '../core/time.js';
import type { Mark, MarkName } from '../core/types.js';
import type { MigrationMarks, ReportQuery } from './source.js';

/** The marks in the order they happen, with the labels every renderer uses. */
export const MARKS: readonly { name: MarkName; label: string }[] = [
  { name: 'ticket_filed', label: 'ticket filed' },
  { name: 'legacy_stopped', label: 'legacy stopped' },
  { name: 'resolution_detected', label: 'resolution detected' },
  { name: 'connection_established', label: 'connection established' },
  { name: 'first_data', label: 'first data' },
  { name: 'rollback_requested', label: 'rollback requested' },
  { name: 'new_flow_disabled', label: 'new flow disabled' },
  { name: 'legacy_restored', label: 'legacy restored' },
  { name: 'legacy_data_seen', label: 'legacy data seen' },
];

/** The cut-over's own marks (the terminal table shows only these; the rollback's have their figures there). */
export const CUTOVER_MARKS = MARKS.slice(0, 5);

/** The column headers of a row of the report, in the order the renderers print its cells. */
export const ROW_HEADERS = [
  'migration',
  'org',
  'ticket',
  'status',
  ...MARKS.map((m) => m.label),
  'downtime',
  'detection lag',
  'execution',
  'data gap',
  'turnaround',
  'rollback window',
  'total outage',
  'business days',
];

/** "legacy stopped" for legacy_stopped. */
export function markTitle(name: MarkName): string {
  return MARKS.find((m) => m.name === name)?.label ?? name;
}

/** The derived figures, in report order, with their labels and the Downtime field each one reads. */
export const MEASURES = [
  { key: 'downtime', label: 'downtime window', field: 'window' },
  { key: 'detectionLag', label: 'detection lag', field: 'detectionLag' },
  { key: 'executionTime', label: 'execution time', field: 'executionTime' },
  { key: 'dataGap', label: 'data gap', field: 'dataGap' },
  { key: 'turnaroundMs', label: 'ticket turnaround', field: 'turnaroundCalendar' },
  { key: 'rollbackWindow', label: 'rollback window', field: 'rollbackWindow' },
  { key: 'totalOutage', label: 'total outage', field: 'totalOutage' },
] as const satisfies readonly { key: string; label: string; field: keyof Downtime }[];

export interface ReportRow extends MigrationMarks {
  downtime: Downtime;
  stalled: boolean;
  /** Why the migration counts as stalled, for people; null when it does not. */
  stalledReason: string | null;
  /** Marks an operator overrode (each carries who and why). */
  overridden: MarkName[];
}

export function toReportRow(m: MigrationMarks, query: Pick<ReportQuery, 'now' | 'holidays'>): ReportRow {
  const downtime = computeDowntime(m.marks, { holidays: query.holidays, timeZone: m.slaTimeZone });
  const stalledReason = stalledBecause(m, query);
  const overridden: MarkName[] = [];
  for (const { name } of MARKS) if (m.marks[name]?.override !== undefined) overridden.push(name);
  // Field by field rather than `{ ...m }`: this runs once per migration of a 100,000-row report.
  const row: ReportRow = {
    id: m.id,
    orgId: m.orgId,
    status: m.status,
    state: m.state,
    ticketKey: m.ticketKey,
    createdAt: m.createdAt,
    slaBusinessDays: m.slaBusinessDays,
    marks: m.marks,
    downtime,
    stalled: stalledReason !== null,
    stalledReason,
    overridden,
  };
  if (m.slaTimeZone !== undefined) row.slaTimeZone = m.slaTimeZone;
  return row;
}

function stalledBecause(m: MigrationMarks, query: Pick<ReportQuery, 'now' | 'holidays'>): string | null {
  if (m.status === 'needs_attention') return 'needs attention';
  const filed = m.marks.ticket_filed?.at;
  if (m.status !== 'waiting' || !filed) return null;
  const sla = m.slaBusinessDays ?? DEFAULT_SLA_BUSINESS_DAYS;
  const past = isTicketPastSla(filed, query.now, sla, query.holidays, m.slaTimeZone);
  return past ? `ticket open longer than its ${sla} business-day SLA` : null;
}

/** A measure's milliseconds, or null when a mark is missing. */
export function msOf(measure: Measure | null | undefined): number | null {
  return measure ? measure.ms : null;
}

/** The Downtime field each report key reads (MEASURES as a lookup table). */
const FIELD_OF = Object.fromEntries(MEASURES.map((m) => [m.key, m.field])) as Record<
  (typeof MEASURES)[number]['key'],
  (typeof MEASURES)[number]['field']
>;

/** The ms value of a row's figure by its report key (null when it cannot be computed). */
export function figureMs(row: ReportRow, key: (typeof MEASURES)[number]['key']): number | null {
  const field = FIELD_OF[key];
  return field ? msOf(row.downtime[field]) : null;
}

export function businessDaysOf(row: ReportRow): number | null {
  return row.downtime.turnaroundBusinessDays?.days ?? null;
}

/** "override by ana: Jira resolution was set a day late" — the label of an operator-overridden mark. */
export function overrideText(mark: Mark | undefined): string | null {
  return mark?.override ? overrideLabel({ ...mark, override: mark.override }) : null;
}
