// The HTML report's only stylesheet, inlined: system fonts (no web fonts, no network), and print rules so the
// report prints on landscape A4 with table headers repeated and no timeline row split across pages.
// Rules too long for one source line, kept whole here so the stylesheet's text stays the same.
const BODY_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const H2_RULE =
  'h2 { font-size: 15px; margin: 28px 0 8px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }';
const SVG_TEXT_NA_RULE = 'svg text.na { fill: var(--muted); font-style: italic; }';
const RECT_HIST_RULE = 'rect.hist { fill: var(--down); }';

export const HTML_STYLE = `
:root { --wait: #9aa5b1; --down: #c0392b; --gap: #e67e22; --ink: #1f2933; --muted: #616e7c; --rule: #d9dee3; }
* { box-sizing: border-box; }
body { font: 13px/1.45 ${BODY_FONT}; color: var(--ink); margin: 24px; }
h1 { font-size: 20px; margin: 0 0 4px; } ${H2_RULE}
p.meta { color: var(--muted); margin: 0 0 4px; }
table { border-collapse: collapse; margin: 4px 0 8px; }
th, td { border-bottom: 1px solid var(--rule); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f5f7fa; font-weight: 600; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.na, span.na { color: var(--muted); font-style: italic; }
.override { color: #8e44ad; font-weight: 600; }
td span.override { display: block; white-space: normal; min-width: 18em; max-width: 24em; }
.stalled { color: #b7791f; font-weight: 600; }
.legend span { display: inline-block; margin-right: 16px; }
.legend i { display: inline-block; width: 14px; height: 10px; margin-right: 4px; vertical-align: middle; }
.timeline svg { display: block; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); }
svg text.label { font-weight: 600; } svg text.sub { fill: var(--muted); } ${SVG_TEXT_NA_RULE}
svg text.override { fill: #8e44ad; } svg tspan.stalled { fill: #b7791f; }
rect.wait { fill: var(--wait); } rect.down { fill: var(--down); } rect.gap { fill: var(--gap); } ${RECT_HIST_RULE}
rect.outage { fill: #6c3483; } line.rb-mark { stroke: #6c3483; stroke-width: 2; stroke-dasharray: 3 2; }
line.zero { stroke: var(--ink); stroke-width: 1; } line.axis { stroke: var(--rule); }
table.rows { font-size: 12px; } table.rows td { white-space: nowrap; }
p.note { color: var(--muted); }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; font-size: 9pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  thead { display: table-header-group; }
  tr, .timeline svg, .histogram { break-inside: avoid; }
  h2 { break-after: avoid; }
  .timeline svg, svg.histogram { max-width: 100%; height: auto; }
  table.rows { font-size: 7pt; }
}
`;
