// Cell formatting shared by the renderers. Missing values: "n/a" for people (table, Markdown, HTML), an empty
// field in CSV, null in JSON — never 0 or NaN, so a missing mark can never pass for a zero-length window.
import { formatDuration, NOT_AVAILABLE } from '../core/downtime.js';
import { FORCED_OVERRIDE_SOURCE, type Mark } from '../core/types.js';
import { MARKS, MEASURES, businessDaysOf, figureMs, type ReportRow } from './model.js';
import type { ReportFilter, ReportQuery } from './source.js';

export { NOT_AVAILABLE };

export function durationOrNa(ms: number | null | undefined): string {
  return formatDuration(ms);
}

/** "3 business days" / "n/a". */
export function businessDaysText(days: number | null | undefined): string {
  if (days === null || days === undefined) return NOT_AVAILABLE;
  return `${days} business ${Math.abs(days) === 1 ? 'day' : 'days'}`;
}

/** A mark's instant as stored (UTC ISO-8601), or n/a. */
export function instantOrNa(mark: Mark | undefined): string {
  return mark ? mark.at : NOT_AVAILABLE;
}

/** "2026-03-27 16:42:10Z": the full instant, narrower, for the terminal table. */
export function compactInstant(mark: Mark | undefined): string {
  if (!mark) return NOT_AVAILABLE;
  return `${mark.at.slice(0, 10)} ${mark.at.slice(11, 19)}Z`;
}

/** Names of the figures that came out negative (a later mark before an earlier one). */
export function negativeFigures(row: ReportRow): string[] {
  const keys: string[] = [];
  for (const m of MEASURES) if (row.downtime[m.field]?.negative) keys.push(m.key);
  return keys;
}

/** Short flags for one row: stalled, overridden marks, negative figures. */
export function rowFlags(row: ReportRow): string[] {
  const flags: string[] = [];
  if (row.stalled) flags.push('stalled');
  for (const name of row.overridden) {
    flags.push(`${row.marks[name]?.source === FORCED_OVERRIDE_SOURCE ? 'forced-' : ''}override:${name}`);
  }
  for (const key of negativeFigures(row)) flags.push(`negative:${key}`);
  return flags;
}

/** The filter in words, for report headers: "org ORG1, created 2026-01-01 – 2026-04-01". */
export function describeFilter(f: ReportFilter): string {
  const parts: string[] = [];
  if (f.id) parts.push(`migration ${f.id}`);
  if (f.orgId) parts.push(`org ${f.orgId}`);
  if (f.status) parts.push(`status ${f.status}`);
  if (f.since || f.until) parts.push(`created ${f.since ?? '…'} to ${f.until ?? '…'} (until excluded)`);
  return parts.length > 0 ? parts.join(', ') : 'all migrations';
}

/** Plain-data view of a row (used by JSON; the other renderers pick from it). Figures in ms, JSON null when missing. */
export function rowData(row: ReportRow) {
  const marks: Record<string, { at: string; source: string; override: Mark['override'] | null } | null> = {};
  for (const { name } of MARKS) {
    const m = row.marks[name];
    marks[name] = m ? { at: m.at, source: m.source, override: m.override ?? null } : null;
  }
  return {
    id: row.id,
    orgId: row.orgId,
    ticketKey: row.ticketKey,
    status: row.status,
    state: row.state,
    createdAt: row.createdAt,
    marks,
    figures: {
      downtimeMs: figureMs(row, 'downtime'),
      detectionLagMs: figureMs(row, 'detectionLag'),
      executionTimeMs: figureMs(row, 'executionTime'),
      dataGapMs: figureMs(row, 'dataGap'),
      turnaroundMs: figureMs(row, 'turnaroundMs'),
      turnaroundBusinessDays: businessDaysOf(row),
      rollbackWindowMs: figureMs(row, 'rollbackWindow'),
      totalOutageMs: figureMs(row, 'totalOutage'),
    },
    negative: negativeFigures(row),
    stalled: row.stalled,
    stalledReason: row.stalledReason,
    overridden: row.overridden,
    notes: row.downtime.notes,
  };
}

export interface RenderContext {
  query: ReportQuery;
  /** Rows beyond this many are left out of the HTML timeline (the tables still list every row). */
  timelineCap: number;
}
