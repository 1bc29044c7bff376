// Markdown: the fleet report (aggregate + one table row per migration, rendered in the pass that folds the
// aggregate: summary.ts withSpooledRows), or with --id the record of one migration, to paste into its Jira ticket.
import { FORCED_OVERRIDE_SOURCE } from '../core/types.js';
import { formatDuration, markLabel } from '../core/downtime.js';
import { UsageError } from '../errors.js';
import { MARKS, MEASURES, ROW_HEADERS, businessDaysOf, figureMs, markTitle, type ReportRow } from './model.js';
import { businessDaysText, describeFilter, NOT_AVAILABLE, rowFlags, type RenderContext } from './format.js';
import type { ReportSource } from './source.js';
import { countsLine, reportRows, SUMMARY_HEADERS, summaryRows, withSpooledRows } from './summary.js';
import type { ReportWriter } from './writer.js';

/** A table cell: pipes escaped, line breaks flattened, so free text (an override reason) cannot break the table. */
export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function mdRow(cells: string[]): string {
  return `| ${cells.map(mdCell).join(' | ')} |`;
}

function mdHeader(headers: string[]): string {
  return `${mdRow(headers)}\n|${headers.map(() => '---').join('|')}|`;
}

function fleetRow(r: ReportRow): string[] {
  const marks = MARKS.map((m) => {
    const mark = r.marks[m.name];
    const forced = mark?.source === FORCED_OVERRIDE_SOURCE ? 'FORCED ' : '';
    const label = mark?.override ? ` (${forced}operator override)` : '';
    return mark ? `${mark.at}${label}` : NOT_AVAILABLE;
  });
  const figures = MEASURES.map((m) => formatDuration(figureMs(r, m.key)));
  return [
    r.id,
    r.orgId,
    r.ticketKey ?? NOT_AVAILABLE,
    r.status,
    ...marks,
    ...figures,
    String(businessDaysOf(r) ?? NOT_AVAILABLE),
    rowFlags(r).join(', '),
  ];
}

export async function renderMarkdown(source: ReportSource, ctx: RenderContext, w: ReportWriter): Promise<void> {
  if (ctx.query.id) return renderRecord(source, ctx, w);
  await withSpooledRows(
    source,
    ctx.query,
    (row) => `${mdRow(fleetRow(row))}\n`,
    async (agg, rows) => {
      await w.line('## Downtime report');
      await w.line();
      await w.line(
        `Scope: ${describeFilter(ctx.query)}. ${countsLine(agg)}. Generated ${ctx.query.now}; all instants UTC.`,
      );
      await w.line();
      await w.line(mdHeader(SUMMARY_HEADERS));
      for (const cells of summaryRows(agg)) await w.line(mdRow(cells));
      await w.line();
      await w.line(mdHeader([...ROW_HEADERS, 'flags']));
      await rows.copyTo(w);
    },
  );
}

/** The single-migration record for the Jira ticket. Unknown id: a usage error naming --id. */
async function renderRecord(source: ReportSource, ctx: RenderContext, w: ReportWriter): Promise<void> {
  let found: ReportRow | undefined;
  for await (const row of reportRows(source, ctx.query)) found = row;
  if (!found) {
    throw new UsageError(
      `--id ${ctx.query.id}: no migration with this id matches`,
      'cutover list shows the migrations; drop --org/--status/--since/--until if they exclude it',
    );
  }
  for (const line of recordLines(found, ctx.query.now)) await w.line(line);
}

export function recordLines(r: ReportRow, now: string): string[] {
  const turnaround = r.downtime.turnaroundCalendar;
  const figures = MEASURES.map((m) => {
    const measure = r.downtime[m.field];
    return mdRow([
      m.label,
      measure ? measure.text : NOT_AVAILABLE,
      measure ? `${markTitle(measure.from)} → ${markTitle(measure.to)}` : NOT_AVAILABLE,
    ]);
  });
  return [
    `### Downtime record: migration ${r.id}`,
    '',
    `Org ${r.orgId}, ticket ${r.ticketKey ?? NOT_AVAILABLE}, status ${r.status} (${r.state})` +
      `${r.stalled ? `, **stalled**: ${r.stalledReason}` : ''}.`,
    '',
    mdHeader(['mark', 'instant (UTC) and source of truth']),
    ...MARKS.map((m) => mdRow([m.label, markLabel(r.marks[m.name])])),
    '',
    mdHeader(['figure', 'value', 'from → to']),
    ...figures,
    mdRow([
      'ticket turnaround, business days',
      businessDaysText(businessDaysOf(r)),
      turnaround ? `${markTitle(turnaround.from)} → ${markTitle(turnaround.to)}` : NOT_AVAILABLE,
    ]),
    '',
    ...(r.downtime.notes.length > 0 ? [`Not available: ${r.downtime.notes.join('; ')}.`, ''] : []),
    `_Computed by cutover report at ${now} from the stored marks only; ` +
      `business days exclude weekends and listed holidays (${r.slaTimeZone ?? 'UTC'} dates)._`,
  ];
}
