// The aggregate as rows of text, shared by the table, Markdown and HTML renderers, and the one pass over the rows
// that folds the aggregate while rendering them.
import { formatDuration } from '../core/downtime.js';
import { AggregateBuilder } from './aggregate-js.js';
import { toReportRow, type ReportRow } from './model.js';
import { RowSpool } from './spool.js';
import type { Aggregate, Figure, ReportQuery, ReportSource, Stats } from './source.js';
import { count } from '../core/words.js';

export const FIGURE_LABELS: Record<Figure, string> = {
  downtime: 'downtime window (legacy stopped → connection established)',
  detectionLag: 'detection lag (legacy stopped → resolution detected)',
  executionTime: 'execution time (resolution detected → connection established)',
  dataGap: 'data gap (legacy stopped → first data)',
  turnaroundMs: 'ticket turnaround, calendar (ticket filed → legacy stopped)',
  turnaroundBusinessDays: 'ticket turnaround, business days',
  rollbackWindow: 'rollback window (new flow disabled → legacy restored)',
  totalOutage: 'total outage, rolled back (legacy stopped → legacy data seen)',
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

/** "12 migrations, 2 stalled, 1 with operator-overridden marks, 1 rolled back". */
export function countsLine(agg: Aggregate): string {
  const rolledBack = agg.rolledBack > 0 ? `, ${agg.rolledBack} rolled back` : '';
  const migrations = count(agg.count, 'migration').replace(/^./, (c) => c.toUpperCase());
  return `${migrations}, ${agg.stalled} stalled, ${agg.overridden} with operator-overridden marks${rolledBack}`;
}

/** The source's rows with their derived figures, one at a time. */
export async function* reportRows(source: ReportSource, query: ReportQuery): AsyncIterable<ReportRow> {
  for await (const m of source.rows(query)) yield toReportRow(m, query);
}

/** The aggregate alone: one pass over the rows, rendering nothing. */
export async function aggregateOf(source: ReportSource, query: ReportQuery): Promise<Aggregate> {
  const builder = new AggregateBuilder();
  for await (const row of reportRows(source, query)) builder.add(row);
  return builder.result();
}

/**
 * One pass over the rows for a report that prints its aggregate first: each row is folded into the aggregate,
 * shown to `each` (the HTML timeline keeps its first rows) and rendered into a spool; then `write` gets the
 * aggregate and the spooled rows, to copy after what it writes first (spool.ts says why).
 */
export async function withSpooledRows(
  source: ReportSource,
  query: ReportQuery,
  render: (row: ReportRow) => string,
  write: (agg: Aggregate, rows: RowSpool) => Promise<void>,
  each?: (row: ReportRow) => void,
): Promise<void> {
  const spool = new RowSpool();
  try {
    const builder = new AggregateBuilder();
    for await (const row of reportRows(source, query)) {
      builder.add(row);
      each?.(row);
      spool.write(render(row));
    }
    await write(builder.result(), spool);
  } finally {
    spool.close();
  }
}
