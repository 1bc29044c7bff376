// The HTML report's inline SVG: a timeline (one small <svg> per migration, so rows can be streamed and never
// split across printed pages) and a histogram of downtime windows. Timeline rows are aligned on "legacy
// stopped" (x = 0): the ticket wait grows to the left on a days-sized scale, the downtime window and the data
// gap grow to the right on an hours-sized scale. One shared scale would make a 4-minute window invisible next
// to a 5-day wait; the two scales are labelled on the axis.
import { FORCED_OVERRIDE_SOURCE } from '../core/types.js';
import { formatDuration } from '../core/downtime.js';
import { MARKS, figureMs, type ReportRow } from './model.js';
import type { Aggregate, HistogramBucket } from './source.js';

export const TIMELINE = {
  width: 1000,
  rowHeight: 34,
  labelWidth: 300,
  plotLeft: 310,
  plotRight: 840,
  zeroShare: 0.4,
} as const;
const ZERO_X = TIMELINE.plotLeft + (TIMELINE.plotRight - TIMELINE.plotLeft) * TIMELINE.zeroShare;
const LEFT_WIDTH = ZERO_X - TIMELINE.plotLeft;
const RIGHT_WIDTH = TIMELINE.plotRight - ZERO_X;

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface TimelineScale {
  /** Longest ticket wait: the left half's full width. */
  waitMs: number;
  /** Longest downtime window or data gap: the right half's full width. */
  afterMs: number;
}

export function timelineScale(agg: Aggregate): TimelineScale {
  const f = agg.figures;
  return {
    waitMs: Math.max(f.turnaroundMs.max ?? 0, 1),
    afterMs: Math.max(f.downtime.max ?? 0, f.dataGap.max ?? 0, f.totalOutage.max ?? 0, 1),
  };
}

/** Bar width for a duration: proportional, at least 2px so a short window stays visible. */
function barWidth(ms: number, scaleMs: number, full: number): number {
  return Math.max(2, Math.min(full, (ms / scaleMs) * full));
}

function bar(cls: string, x: number, y: number, width: number, height: number, title: string): string {
  const box = `x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${height}"`;
  return `<rect class="${cls}" ${box}><title>${escapeHtml(title)}</title></rect>`;
}

export function timelineAxis(scale: TimelineScale): string {
  const t = TIMELINE;
  const text = (x: number, y: number, anchor: string, s: string, cls = '') =>
    `<text${cls ? ` class="${cls}"` : ''} x="${x.toFixed(1)}" y="${y}" text-anchor="${anchor}">${escapeHtml(s)}</text>`;
  return [
    `<svg class="tl-axis" width="${t.width}" height="40" viewBox="0 0 ${t.width} 40" ` +
      'role="img" aria-label="timeline axis">',
    text(ZERO_X - 6, 12, 'end', '← waiting on the ticket', 'label'),
    text(ZERO_X + 6, 12, 'start', 'downtime window, data gap →', 'label'),
    text(t.plotLeft, 27, 'start', `−${formatDuration(scale.waitMs)}`, 'sub'),
    text(ZERO_X, 27, 'middle', 'legacy stopped', 'sub'),
    text(t.plotRight, 27, 'end', `+${formatDuration(scale.afterMs)}`, 'sub'),
    `<line class="axis" x1="${t.plotLeft}" y1="34" x2="${t.plotRight}" y2="34"/>`,
    `<line class="zero" x1="${ZERO_X}" y1="30" x2="${ZERO_X}" y2="40"/>`,
    '</svg>',
  ].join('');
}

function rowBars(r: ReportRow, scale: TimelineScale): string[] {
  if (!r.marks.legacy_stopped) {
    const filed = r.marks.ticket_filed ? `ticket filed ${r.marks.ticket_filed.at}, ` : '';
    return [
      `<text class="na" x="${TIMELINE.plotLeft}" y="21">n/a: ${escapeHtml(filed)}legacy stopped not recorded</text>`,
    ];
  }
  const parts: string[] = [];
  const wait = figureMs(r, 'turnaroundMs');
  const window = figureMs(r, 'downtime');
  const gap = figureMs(r, 'dataGap');
  if (wait !== null && wait >= 0) {
    const w = barWidth(wait, scale.waitMs, LEFT_WIDTH);
    parts.push(bar('wait', ZERO_X - w, 9, w, 16, `waiting on the ticket: ${formatDuration(wait)}`));
  }
  if (window !== null && window >= 0)
    parts.push(
      bar(
        'down',
        ZERO_X,
        6,
        barWidth(window, scale.afterMs, RIGHT_WIDTH),
        12,
        `downtime window: ${formatDuration(window)}`,
      ),
    );
  if (gap !== null && gap >= 0)
    parts.push(
      bar('gap', ZERO_X, 20, barWidth(gap, scale.afterMs, RIGHT_WIDTH), 8, `data gap: ${formatDuration(gap)}`),
    );
  parts.push(...rollbackParts(r, scale));
  const rolledBack = Boolean(r.marks.rollback_requested);
  const missing = [
    window === null && !rolledBack ? 'window n/a' : '',
    gap === null && !rolledBack ? 'data gap n/a' : '',
  ].filter(Boolean);
  const negative = [wait, window, gap].some((v) => v !== null && v < 0) ? ['negative interval'] : [];
  const note = [...missing, ...negative].join(', ');
  if (note) parts.push(`<text class="na" x="${ZERO_X + 6}" y="31">${escapeHtml(note)}</text>`);
  return parts;
}

const ROLLBACK_TICKS = [
  ['rollback_requested', 'rollback requested'],
  ['new_flow_disabled', 'new flow disabled'],
  ['legacy_restored', 'legacy restored'],
  ['legacy_data_seen', 'legacy data seen'],
] as const;

/**
 * A rolled-back migration's way back: the total outage as a thin bar (legacy stopped → legacy data seen) and a
 * tick at each of the rollback's marks, on the same right-hand scale as the downtime window.
 */
function rollbackParts(r: ReportRow, scale: TimelineScale): string[] {
  const stopped = Date.parse(r.marks.legacy_stopped?.at ?? '');
  if (!r.marks.rollback_requested || !Number.isFinite(stopped)) return [];
  const parts: string[] = [];
  const outage = figureMs(r, 'totalOutage');
  if (outage !== null && outage >= 0) {
    const w = barWidth(outage, scale.afterMs, RIGHT_WIDTH);
    parts.push(bar('outage', ZERO_X, 28, w, 4, `total outage (rolled back): ${formatDuration(outage)}`));
  }
  for (const [name, label] of ROLLBACK_TICKS) {
    const mark = r.marks[name];
    const ms = mark ? Date.parse(mark.at) - stopped : Number.NaN;
    if (!mark || !Number.isFinite(ms) || ms < 0) continue;
    const x = ZERO_X + Math.min(RIGHT_WIDTH, (ms / scale.afterMs) * RIGHT_WIDTH);
    const title = `${label}: ${mark.at} (${mark.source}), +${formatDuration(ms)}`;
    const at = x.toFixed(1);
    const line = `<line class="rb-mark" data-mark="${name}" x1="${at}" y1="3" x2="${at}" y2="32">`;
    parts.push(`${line}<title>${escapeHtml(title)}</title></line>`);
  }
  return parts;
}

function forcedIn(r: ReportRow): boolean {
  return r.overridden.some((n) => r.marks[n]?.source === FORCED_OVERRIDE_SOURCE);
}

/** One migration's row, labelled with its id, org and ticket; data-migration-id lets tests and scripts find it. */
export function timelineRow(r: ReportRow, scale: TimelineScale): string {
  const t = TIMELINE;
  const overrides = r.overridden.map((n) => MARKS.find((m) => m.name === n)?.label ?? n);
  const label = `${r.id} · ${r.orgId} · ${r.ticketKey ?? 'no ticket'}`;
  return [
    `<svg class="tl-row" data-migration-id="${escapeHtml(r.id)}" width="${t.width}" height="${t.rowHeight}" ` +
      `viewBox="0 0 ${t.width} ${t.rowHeight}" role="img" aria-label="${escapeHtml(label)}">`,
    `<text class="label" x="0" y="15">${escapeHtml(r.id)}`,
    r.stalled ? '<tspan class="stalled"> · stalled</tspan>' : '',
    '</text>',
    `<text class="sub" x="0" y="29">${escapeHtml(`${r.orgId} · ${r.ticketKey ?? 'no ticket'}`)}</text>`,
    `<line class="zero" x1="${ZERO_X}" y1="2" x2="${ZERO_X}" y2="${t.rowHeight - 2}"/>`,
    ...rowBars(r, scale),
    overrides.length > 0 ? overrideNote(overrides, forcedIn(r)) : '',
    '</svg>',
  ].join('');
}

/** The note right of a row's bars naming the marks an operator overrode (FORCED when a mark was forced). */
function overrideNote(overrides: readonly string[], forced: boolean): string {
  const x = TIMELINE.plotRight + 8;
  return (
    `<text class="override" x="${x}" y="15">${forced ? 'FORCED ' : ''}operator override</text>` +
    `<text class="override sub" x="${x}" y="29">${escapeHtml(overrides.join(', '))}</text>`
  );
}

/** Vertical bars, one per bucket, each with its count above and its range below. */
export function histogramSvg(buckets: readonly HistogramBucket[]): string {
  const shown = buckets.filter((b) => b.label !== 'negative' || b.count > 0);
  const width = 640;
  const height = 200;
  const slot = width / Math.max(shown.length, 1);
  const top = Math.max(1, ...shown.map((b) => b.count));
  const bars = shown.map((b, i) => {
    const h = (b.count / top) * (height - 60);
    const x = i * slot + 8;
    const y = height - 30 - h;
    const histWidth = (slot - 16).toFixed(1);
    const mid = (x + (slot - 16) / 2).toFixed(1);
    return [
      `<rect class="hist" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${histWidth}" height="${h.toFixed(1)}">`,
      `<title>${escapeHtml(`${b.label}: ${b.count}`)}</title></rect>`,
      `<text x="${mid}" y="${(y - 5).toFixed(1)}" text-anchor="middle">${b.count}</text>`,
      `<text class="sub" x="${mid}" y="${height - 12}" text-anchor="middle">${escapeHtml(b.label)}</text>`,
    ].join('');
  });
  const open =
    `<svg class="histogram" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    'role="img" aria-label="histogram of downtime windows">';
  const axis = `<line class="axis" x1="0" y1="${height - 30}" x2="${width}" y2="${height - 30}"/>`;
  return `${open}${bars.join('')}${axis}</svg>`;
}
