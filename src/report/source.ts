// The report's port: where per-migration marks come from. Both implementations (src/adapters/sqlite/report-source.ts,
// src/adapters/postgres/report-source.ts) stream rows, asynchronously (a server store fetches them in batches over
// a connection), so a report over 100,000 migrations never holds them all in memory; renderers see one row at a
// time and fold the fleet aggregate from them (aggregate-js.ts).
import type { Marks, MigrationStatus } from '../core/types.js';

/** Which migrations a report covers. Every field narrows; an absent field does not. */
export interface ReportFilter {
  /** Migrations created at or after this UTC ISO-8601 instant. */
  since?: string;
  /** Migrations created strictly before this UTC ISO-8601 instant (half-open: since <= created < until). */
  until?: string;
  orgId?: string;
  status?: MigrationStatus;
  /** One migration (the single-record Markdown report). */
  id?: string;
}

/** A filter plus what the derived figures depend on: "now" (stalled only) and extra non-business days. */
export interface ReportQuery extends ReportFilter {
  /** UTC ISO-8601, from the command's clock. Used only to decide "stalled", never for a duration. */
  now: string;
  /** Extra non-business dates (of each plan's zone, UTC by default), `yyyy-MM-dd`. */
  holidays: readonly string[];
}

/** One migration as stored: its summary columns and its marks, nothing computed. */
export interface MigrationMarks {
  id: string;
  orgId: string;
  status: MigrationStatus;
  state: string;
  ticketKey: string | null;
  createdAt: string;
  /**
   * The plan's ticket service level in business days (default 6): the only thing a report reads from the plan,
   * and only for a `waiting` migration, the one status it decides anything for ("stalled"); null otherwise.
   */
  slaBusinessDays: number | null;
  /** The plan's sla.timeZone, present only when the plan names one: business days are its dates (else UTC). */
  slaTimeZone?: string;
  marks: Marks;
}

/** count, median, p95, max and total of one figure over the migrations that have it (nulls left out). */
export interface Stats {
  count: number;
  median: number | null;
  p95: number | null;
  max: number | null;
  total: number | null;
}

export const FIGURES = [
  'downtime',
  'detectionLag',
  'executionTime',
  'dataGap',
  'turnaroundMs',
  'turnaroundBusinessDays',
  'rollbackWindow',
  'totalOutage',
] as const;
export type Figure = (typeof FIGURES)[number];

export interface HistogramBucket {
  label: string;
  /** Inclusive lower bound in ms; null = unbounded (the negative bucket). */
  fromMs: number | null;
  /** Exclusive upper bound in ms; null = unbounded. */
  toMs: number | null;
  count: number;
}

export interface Aggregate {
  /** Migrations matching the filter. */
  count: number;
  /** needs_attention, or waiting with the ticket filed longer ago than its service level. */
  stalled: number;
  /** Migrations with at least one operator-overridden mark. */
  overridden: number;
  /** Migrations rolled back to legacy sharing (status rolled_back): counted apart from the completed ones. */
  rolledBack: number;
  figures: Record<Figure, Stats>;
  /** Downtime windows (legacy stopped -> connection established). */
  histogram: HistogramBucket[];
}

export interface ReportSource {
  /** Every matching migration, streamed in a stable order (created, then id). Iterate once per call. */
  rows(query: ReportQuery): AsyncIterable<MigrationMarks>;
  /** Runs `fn` in one read snapshot: every statement a report runs sees the same data. */
  snapshot<T>(fn: () => Promise<T>): Promise<T>;
  close(): void | Promise<void>;
}

/** Histogram edges of downtime windows, in ms: human-sized buckets rather than equal widths. */
export const HISTOGRAM_EDGES: readonly { label: string; toMs: number | null }[] = [
  { label: '< 1m', toMs: 60_000 },
  { label: '1–5m', toMs: 5 * 60_000 },
  { label: '5–15m', toMs: 15 * 60_000 },
  { label: '15–60m', toMs: 60 * 60_000 },
  { label: '1–6h', toMs: 6 * 3_600_000 },
  { label: '6–24h', toMs: 24 * 3_600_000 },
  { label: '≥ 1d', toMs: null },
];

/** The histogram's buckets: a "negative" one first (clock skew or a wrong override), then HISTOGRAM_EDGES. */
export function histogramBuckets(): Omit<HistogramBucket, 'count'>[] {
  const buckets: Omit<HistogramBucket, 'count'>[] = [{ label: 'negative', fromMs: null, toMs: 0 }];
  let from = 0;
  for (const edge of HISTOGRAM_EDGES) {
    buckets.push({ label: edge.label, fromMs: from, toMs: edge.toMs });
    from = edge.toMs ?? from;
  }
  return buckets;
}

/**
 * Nearest-rank quantile position (0-based offset into the ascending values): the value at rank ceil(percent/100 * n),
 * in integer arithmetic (no floating-point rounding at the rank boundaries).
 */
export function quantileOffset(percent: number, count: number): number {
  return Math.max(0, Math.floor((percent * count + 99) / 100) - 1);
}
