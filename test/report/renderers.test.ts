// Each format over the same seeded migrations: missing marks are "n/a" for people, empty in CSV, null in JSON;
// an operator override is labelled; free text cannot break a table or run as a spreadsheet formula.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReportSource, type SqliteReportSource } from '../../src/adapters/sqlite/report-source.js';
import { renderReport, type ReportFormat } from '../../src/report/index.js';
import { CSV_HEADERS, csvCell } from '../../src/report/render-text.js';
import { Capture, marksAt, query, seededDb } from './helpers.js';

const BASE = '2026-03-02T09:00:00Z';
let source: SqliteReportSource;

beforeAll(async () => {
  const overridden = marksAt(BASE, {
    filed: 0,
    stopped: 2 * 1440,
    detected: 2 * 1440 + 1,
    connected: 2 * 1440 + 3,
    data: 2 * 1440 + 40,
  });
  overridden.legacy_stopped = {
    ...overridden.legacy_stopped!,
    override: { by: 'ana@ops', reason: 'late | "resolutiondate"\n=see changelog' },
  };
  source = openReportSource(
    await seededDb([
      { id: 'full', marks: marksAt(BASE, { filed: 0, stopped: 1440, detected: 1441, connected: 1442, data: 1470 }) },
      { id: 'overridden', orgId: 'ORG2@AdobeOrg', marks: overridden },
      { id: 'waiting', status: 'waiting', ticketKey: null, marks: marksAt(BASE, { filed: 0 }) },
    ]),
  );
});
afterAll(() => source.close());

async function render(format: ReportFormat, over = {}, timelineCap = 2000): Promise<string> {
  const out = new Capture();
  await renderReport(format, source, { query: query(over), timelineCap }, out);
  return out.text;
}

describe('renderers', () => {
  it('json: one document; missing figures are null; overrides carry who and why', async () => {
    const doc = JSON.parse(await render('json'));
    expect(doc.aggregate.count).toBe(3);
    expect(doc.migrations.map((m: { id: string }) => m.id)).toEqual(['full', 'overridden', 'waiting']);
    const waiting = doc.migrations[2];
    expect(waiting.figures).toEqual({
      downtimeMs: null,
      detectionLagMs: null,
      executionTimeMs: null,
      dataGapMs: null,
      turnaroundMs: null,
      turnaroundBusinessDays: null,
      rollbackWindowMs: null,
      totalOutageMs: null,
    });
    expect(waiting.marks.legacy_stopped).toBeNull();
    expect(doc.migrations[1].marks.legacy_stopped.override.by).toBe('ana@ops');
    expect(doc.migrations[1].overridden).toEqual(['legacy_stopped']);
    expect(doc.migrations[0].figures.downtimeMs).toBe(120_000);
    expect(JSON.parse(await render('json', { orgId: 'NONE' })).migrations).toEqual([]);
  });

  it('csv: a header and one row per migration; missing values are empty fields; text is quoted and defused', async () => {
    const lines = (await render('csv')).trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_HEADERS.join(','));
    expect(lines).toHaveLength(1 + 3); // rows end in CRLF; the override reason's bare LF stays inside its quotes
    expect(lines[2]).toContain('"legacy_stopped by ana@ops: late | ""resolutiondate""\n=see changelog"');
    const waiting = lines[lines.length - 1]!.split(',');
    expect(waiting[0]).toBe('waiting');
    expect(waiting[CSV_HEADERS.indexOf('downtime_ms')]).toBe('');
    expect(waiting[CSV_HEADERS.indexOf('turnaround_business_days')]).toBe('');
    expect(waiting[CSV_HEADERS.indexOf('stalled')]).toBe('true'); // waiting since 2026-03-02: past its 6-day SLA
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
  });

  it('table: n/a for missing values, * for an overridden mark, aggregate first', async () => {
    const text = await render('table');
    expect(text).toMatch(
      /^Downtime report\. Scope: all migrations\. 3 migrations, 1 stalled, 1 with operator-overridden marks/,
    );
    const waiting = text.split('\n').find((l) => l.startsWith('waiting '))!;
    expect(waiting).toContain('n/a');
    expect(waiting).not.toMatch(/\b0 ms\b|NaN/);
    expect(text.split('\n').find((l) => l.startsWith('overridden '))).toContain('2026-03-04 09:00:00Z*');
    expect(text).toContain('* operator override');
  });

  it('markdown: fleet table with escaped pipes; n/a for missing values', async () => {
    const md = await render('md');
    expect(md).toContain('## Downtime report');
    const row = md.split('\n').find((l) => l.startsWith('| waiting |'))!;
    expect(row).toContain('| n/a |');
    expect(md).not.toContain('NaN');
    expect(md).toContain('(operator override)');
  });

  it('markdown --id: the single record, with the override and its reason labelled', async () => {
    const md = await render('md', { id: 'overridden' });
    expect(md).toMatch(/^### Downtime record: migration overridden/);
    expect(md).toContain('(operator override by ana@ops: late \\| "resolutiondate" =see changelog)');
    expect(md).toContain('| downtime window | 3m 00.0s | legacy stopped → connection established |');
    expect(md).toContain('| ticket turnaround, business days | 2 business days |');
    const waiting = await render('md', { id: 'waiting' });
    expect(waiting).toContain('| downtime window | n/a | n/a |');
    expect(waiting).toContain('Not available: legacy_stopped missing');
  });

  it('html: self-contained, escaped, one timeline row per migration, n/a and override labels', async () => {
    const html = await render('html');
    expect(html).not.toMatch(/<script|<link|@import|url\(|https?:\/\//i);
    expect(html.match(/data-migration-id="/g)).toHaveLength(3);
    expect(html).toContain('operator override by ana@ops: late | &quot;resolutiondate&quot;');
    expect(html).toContain('legacy stopped not recorded');
    expect(html).toContain('<td class="num na">n/a</td>');
    expect(html).not.toContain('NaN');
    expect(html).toContain('@media print');
  });

  it('html: caps the timeline with a note, and still lists every migration in the table', async () => {
    const html = await render('html', {}, 2);
    expect(html.match(/data-migration-id="/g)).toHaveLength(2);
    expect(html).toContain('The timeline shows the first 2 of 3 migrations');
    expect(html.match(/<tr><td>/g)?.length).toBeGreaterThanOrEqual(3 + 6);
  });
});
