// Renderers for machines and terminals: JSON, CSV and the plain table. JSON and the table print the aggregate
// first: their rows are rendered in the same pass that folds it, spooled, and copied after it (summary.ts
// withSpooledRows). CSV has no aggregate and streams its rows straight to the writer.
import { FORCED_OVERRIDE_SOURCE } from '../core/types.js';
import { formatDuration } from '../core/downtime.js';
import { CUTOVER_MARKS, MARKS, businessDaysOf, figureMs, type ReportRow } from './model.js';
import { compactInstant, describeFilter, rowData, rowFlags, type RenderContext } from './format.js';
import type { ReportSource } from './source.js';
import { countsLine, reportRows, SUMMARY_HEADERS, summaryRows, withSpooledRows } from './summary.js';
import type { ReportWriter } from './writer.js';

/** One JSON document: header fields, the aggregate, then "migrations" with one row per line. */
export async function renderJson(source: ReportSource, ctx: RenderContext, w: ReportWriter): Promise<void> {
  const { now, holidays, ...filter } = ctx.query;
  let first = true;
  const line = (row: ReportRow): string => {
    const text = `${first ? '\n' : ',\n'}    ${JSON.stringify(rowData(row))}`;
    first = false;
    return text;
  };
  await withSpooledRows(source, ctx.query, line, async (aggregate, rows) => {
    const head = { report: 'cutover downtime report', generatedAt: now, filter, holidays, aggregate };
    await w.write(`${JSON.stringify(head, null, 2).slice(0, -2)},\n  "migrations": [`);
    await rows.copyTo(w);
    await w.line(first ? ']\n}' : '\n  ]\n}');
  });
}

export const CSV_HEADERS = [
  'id',
  'org_id',
  'ticket_key',
  'status',
  'state',
  'created_at',
  ...MARKS.flatMap((m) => [`${m.name}_at`, `${m.name}_source`]),
  'downtime_ms',
  'detection_lag_ms',
  'execution_time_ms',
  'data_gap_ms',
  'turnaround_ms',
  'turnaround_business_days',
  'rollback_window_ms',
  'total_outage_ms',
  'stalled',
  'overridden',
  'override_reasons',
  'notes',
];

/**
 * RFC 4180 quoting, and a leading apostrophe on text that a spreadsheet would run as a formula (=, +, -, @):
 * an override reason is free text typed by an operator. Numeric columns are written as numbers.
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvRow(row: ReportRow): (string | number | boolean | null)[] {
  const reasons = row.overridden.map((n) => {
    const m = row.marks[n];
    return `${n}${m?.source === FORCED_OVERRIDE_SOURCE ? ' FORCED' : ''} by ${m?.override?.by}: ${m?.override?.reason}`;
  });
  return [
    row.id,
    row.orgId,
    row.ticketKey,
    row.status,
    row.state,
    row.createdAt,
    ...MARKS.flatMap((m) => [row.marks[m.name]?.at ?? null, row.marks[m.name]?.source ?? null]),
    figureMs(row, 'downtime'),
    figureMs(row, 'detectionLag'),
    figureMs(row, 'executionTime'),
    figureMs(row, 'dataGap'),
    figureMs(row, 'turnaroundMs'),
    businessDaysOf(row),
    figureMs(row, 'rollbackWindow'),
    figureMs(row, 'totalOutage'),
    row.stalled,
    row.overridden.join(';') || null,
    reasons.join('; ') || null,
    row.downtime.notes.join('; ') || null,
  ];
}

/** Per-migration rows only (a CSV file is one table); missing figures are empty fields. */
export async function renderCsv(source: ReportSource, ctx: RenderContext, w: ReportWriter): Promise<void> {
  await w.write(`${CSV_HEADERS.join(',')}\r\n`);
  for await (const row of reportRows(source, ctx.query)) await w.write(`${csvRow(row).map(csvCell).join(',')}\r\n`);
}

// Fixed widths so the table can be streamed (an aligned table would need every row first); longer values push.
const TABLE_COLUMNS: { header: string; width: number; cell: (r: ReportRow) => string }[] = [
  { header: 'ID', width: 14, cell: (r) => r.id },
  { header: 'ORG', width: 22, cell: (r) => r.orgId },
  { header: 'TICKET', width: 10, cell: (r) => r.ticketKey ?? 'n/a' },
  { header: 'STATUS', width: 15, cell: (r) => r.status },
  ...CUTOVER_MARKS.map((m) => ({
    header: m.label.toUpperCase(),
    width: 21,
    cell: (r: ReportRow) => compactInstant(r.marks[m.name]) + (r.marks[m.name]?.override ? '*' : ''),
  })),
  { header: 'DOWNTIME', width: 12, cell: (r) => formatDuration(figureMs(r, 'downtime')) },
  { header: 'DETECT LAG', width: 12, cell: (r) => formatDuration(figureMs(r, 'detectionLag')) },
  { header: 'EXECUTION', width: 12, cell: (r) => formatDuration(figureMs(r, 'executionTime')) },
  { header: 'DATA GAP', width: 12, cell: (r) => formatDuration(figureMs(r, 'dataGap')) },
  { header: 'TURNAROUND', width: 12, cell: (r) => formatDuration(figureMs(r, 'turnaroundMs')) },
  { header: 'BDAYS', width: 6, cell: (r) => String(businessDaysOf(r) ?? 'n/a') },
  { header: 'ROLLBACK', width: 12, cell: (r) => formatDuration(figureMs(r, 'rollbackWindow')) },
  { header: 'OUTAGE', width: 12, cell: (r) => formatDuration(figureMs(r, 'totalOutage')) },
  { header: 'FLAGS', width: 0, cell: (r) => rowFlags(r).join(' ') },
];

function tableLine(cells: string[], widths: number[]): string {
  return cells
    .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
    .join('  ')
    .trimEnd();
}

export async function renderTable(source: ReportSource, ctx: RenderContext, w: ReportWriter): Promise<void> {
  const columnWidths = TABLE_COLUMNS.map((c) => c.width);
  const line = (row: ReportRow): string =>
    `${tableLine(
      TABLE_COLUMNS.map((c) => c.cell(row)),
      columnWidths,
    )}\n`;
  await withSpooledRows(source, ctx.query, line, async (agg, rows) => {
    await w.line(
      `Downtime report. Scope: ${describeFilter(ctx.query)}. ${countsLine(agg)}. Generated ${ctx.query.now}.`,
    );
    const summary = summaryRows(agg);
    const widths = SUMMARY_HEADERS.map((h, i) => Math.max(h.length, ...summary.map((r) => (r[i] ?? '').length)));
    await w.line();
    for (const cells of [SUMMARY_HEADERS.map((h) => h.toUpperCase()), ...summary])
      await w.line(tableLine(cells, widths));
    await w.line();
    await w.line(
      tableLine(
        TABLE_COLUMNS.map((c) => c.header),
        columnWidths,
      ),
    );
    await rows.copyTo(w);
    if (agg.overridden > 0) await w.line('\n* operator override (see --format md or html for who and why)');
  });
}
