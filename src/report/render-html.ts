// One self-contained HTML file: inline CSS and SVG, no scripts, no fonts, no network. One pass over the rows
// folds the aggregate, keeps the timeline's first rows (capped, see RenderContext.timelineCap) and spools the
// per-migration table; then the file is written top to bottom: aggregate, timeline on the aggregate's scales, table.
import { formatDuration } from '../core/downtime.js';
import { MARKS, MEASURES, ROW_HEADERS, businessDaysOf, figureMs, overrideText, type ReportRow } from './model.js';
import { describeFilter, NOT_AVAILABLE, type RenderContext } from './format.js';
import { HTML_STYLE } from './html-style.js';
import { escapeHtml, histogramSvg, timelineAxis, timelineRow, timelineScale } from './html-svg.js';
import type { Aggregate, ReportSource } from './source.js';
import { countsLine, SUMMARY_HEADERS, summaryRows, withSpooledRows } from './summary.js';
import type { ReportWriter } from './writer.js';

const td = (text: string, cls = ''): string => {
  const classes = [cls, text === NOT_AVAILABLE ? 'na' : ''].filter(Boolean).join(' ');
  return `<td${classes ? ` class="${classes}"` : ''}>${escapeHtml(text)}</td>`;
};
const thead = (headers: string[]): string =>
  `<thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`;

function head(ctx: RenderContext, agg: Aggregate): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No network at all, even if someone edits the file later: the policy forbids every fetch.
    '<meta http-equiv="Content-Security-Policy" ' +
      `content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<title>cutover downtime report</title>',
    `<style>${HTML_STYLE}</style></head><body>`,
    '<h1>Downtime report</h1>',
    `<p class="meta">Scope: ${escapeHtml(describeFilter(ctx.query))}. ${escapeHtml(countsLine(agg))}.</p>`,
    generatedLine(ctx),
  ].join('\n');
}

function generatedLine(ctx: RenderContext): string {
  const holidays = ctx.query.holidays.length > 0 ? ` and ${ctx.query.holidays.length} listed holidays` : '';
  return (
    `<p class="meta">Generated ${escapeHtml(ctx.query.now)}. All instants UTC; ` +
    `durations computed from stored marks only. Business days exclude weekends${holidays}.</p>`
  );
}

function summarySection(agg: Aggregate): string {
  const rows = summaryRows(agg).map(
    ([label = '', ...nums]) => `<tr>${td(label)}${nums.map((n) => td(n, 'num')).join('')}</tr>`,
  );
  return [
    '<h2>Aggregate</h2>',
    `<table class="summary">${thead(SUMMARY_HEADERS)}<tbody>${rows.join('')}</tbody></table>`,
    '<p class="note">Median and p95 are nearest-rank over the migrations that have the figure (count); ' +
      "stalled = needs attention, or waiting past the ticket's SLA.</p>",
    '<h2>Downtime windows</h2>',
    histogramSvg(agg.histogram),
  ].join('\n');
}

const LEGEND =
  '<p class="legend">' +
  '<span><i style="background:var(--wait)"></i>waiting on the ticket (filed → legacy stopped)</span>' +
  '<span><i style="background:var(--down)"></i>downtime window (legacy stopped → connection established)</span>' +
  '<span><i style="background:var(--gap)"></i>data gap (legacy stopped → first data)</span></p>';
const ROLLBACK_LEGEND =
  '<p class="legend"><span><i style="background:#6c3483"></i>rolled back: total outage ' +
  "(legacy stopped → legacy data seen), dashed ticks at the rollback's marks</span></p>";

/** The timeline of `shown`, the first rows (at most ctx.timelineCap), on scales from the aggregate. */
async function timelineSection(
  shown: readonly ReportRow[],
  ctx: RenderContext,
  agg: Aggregate,
  w: ReportWriter,
): Promise<void> {
  const scale = timelineScale(agg);
  await w.line('<h2>Timeline</h2>');
  await w.line(LEGEND);
  if (agg.rolledBack > 0) await w.line(ROLLBACK_LEGEND);
  if (agg.count > ctx.timelineCap) {
    await w.line(
      `<p class="note">The timeline shows the first ${ctx.timelineCap.toLocaleString('en')} ` +
        `of ${agg.count.toLocaleString('en')} migrations (oldest first); the table below lists every one.</p>`,
    );
  }
  await w.line(`<div class="timeline" id="timeline">${timelineAxis(scale)}`);
  for (const row of shown) await w.line(timelineRow(row, scale));
  await w.line('</div>');
}

function markCell(row: ReportRow, name: (typeof MARKS)[number]['name']): string {
  const mark = row.marks[name];
  if (!mark) return td(NOT_AVAILABLE);
  const override = overrideText(mark);
  const title = `source: ${mark.source}`;
  const note = override ? `<br><span class="override">${escapeHtml(override)}</span>` : '';
  return `<td title="${escapeHtml(title)}">${escapeHtml(mark.at)}${note}</td>`;
}

function tableRow(r: ReportRow): string {
  const status = r.stalled ? `${r.status} (stalled)` : r.status;
  const figures = MEASURES.map((m) => td(formatDuration(figureMs(r, m.key)), 'num'));
  const cells = [
    td(r.id),
    td(r.orgId),
    td(r.ticketKey ?? NOT_AVAILABLE),
    td(status, r.stalled ? 'stalled' : ''),
    ...MARKS.map((m) => markCell(r, m.name)),
    ...figures,
    td(String(businessDaysOf(r) ?? NOT_AVAILABLE), 'num'),
  ];
  return `<tr>${cells.join('')}</tr>`;
}

export async function renderHtml(source: ReportSource, ctx: RenderContext, w: ReportWriter): Promise<void> {
  // The timeline comes before the table and needs the aggregate's scales: its rows (a bounded number) are kept
  // while the table's rows are spooled.
  const timeline: ReportRow[] = [];
  const keep = (row: ReportRow) => void (timeline.length < ctx.timelineCap && timeline.push(row));
  await withSpooledRows(
    source,
    ctx.query,
    (row) => `${tableRow(row)}\n`,
    async (agg, rows) => {
      await w.line(head(ctx, agg));
      await w.line(summarySection(agg));
      await timelineSection(timeline, ctx, agg, w);
      await w.line('<h2>Migrations</h2>');
      await w.line(`<table class="rows">${thead(ROW_HEADERS)}<tbody>`);
      await rows.copyTo(w);
      await w.line('</tbody></table>\n</body></html>');
    },
    keep,
  );
}
