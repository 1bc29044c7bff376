// The aggregate as rows of text, shared by the table, Markdown and HTML renderers.
import { formatDuration } from '../core/downtime.js';
import { toReportRow, type ReportRow } from './model.js';
import type { Aggregate, Figure, ReportQuery, ReportSource, Stats } from './source.js';

export const FIGURE_LABELS: Record<Figure, string> = {
  downtime: 'downtime window (legacy stopped → connection established)',
  detectionLag: 'detection lag (legacy stopped → resolution detected)',
  executionTime: 'execution time (resolution detected → connection established)',
  dataGap: 'data gap (legacy stopped → first data)',
  turnaroundMs: 'ticket turnaround, calendar (ticket filed → legacy stopped)',
  turnaroundBusinessDays: 'ticket turnaround, business days',
};

export const SUMMARY_HEADERS = ['figure', 'count', 'median', 'p95', 'max', 'total'];

function cell(f: Figure, v: number | null): string {
  if (f !== 'turnaroundBusinessDays') return formatDuration(v);
  return v === null ? 'n/a' : String(v);
}

/** One text row per figure: label, count, median, p95, max, total ("n/a" where no migration has the figure). */
export function summaryRows(agg: Aggregate): string[][] {
  return (Object.keys(FIGURE_LABELS) as Figure[]).map((f) => {
    const s: Stats = agg.figures[f];
    return [FIGURE_LABELS[f], String(s.count), cell(f, s.median), cell(f, s.p95), cell(f, s.max), cell(f, s.total)];
  });
}

/** "12 migrations, 2 stalled, 1 with operator-overridden marks". */
export function countsLine(agg: Aggregate): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(agg.count, 'migration').replace(/^./, (c) => c.toUpperCase())}, ${agg.stalled} stalled, ${agg.overridden} with operator-overridden marks`;
}

/** The source's rows with their derived figures, one at a time. */
export function* reportRows(source: ReportSource, query: ReportQuery): Iterable<ReportRow> {
  for (const m of source.rows(query)) yield toReportRow(m, query);
}
