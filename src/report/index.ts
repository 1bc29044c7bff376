// The report entry point: pick a renderer by format and stream the report to a sink in one read snapshot.
import type { RenderContext } from './format.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { renderCsv, renderJson, renderTable } from './render-text.js';
import type { ReportSource } from './source.js';
import { ReportWriter, type Sink } from './writer.js';

export const FORMATS = ['table', 'json', 'csv', 'md', 'html'] as const;
export type ReportFormat = (typeof FORMATS)[number];

/** Beyond this many migrations the HTML timeline is cut (with a note); its tables still list every row. */
export const DEFAULT_TIMELINE_CAP = 2_000;

const RENDERERS: Record<ReportFormat, (s: ReportSource, c: RenderContext, w: ReportWriter) => Promise<void>> = {
  table: renderTable,
  json: renderJson,
  csv: renderCsv,
  md: renderMarkdown,
  html: renderHtml,
};

export async function renderReport(
  format: ReportFormat,
  source: ReportSource,
  ctx: RenderContext,
  sink: Sink,
): Promise<void> {
  const writer = new ReportWriter(sink);
  await source.snapshot(() => RENDERERS[format](source, ctx, writer));
  await writer.flush();
}

export type { RenderContext } from './format.js';
export type { ReportFilter, ReportQuery, ReportSource } from './source.js';
