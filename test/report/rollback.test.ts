// Rolled-back migrations in the report: counted apart, with their rollback window (new flow disabled → legacy
// restored) and total outage (legacy stopped → legacy data seen) in every format, and their marks on the timeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReportSource, type SqliteReportSource } from '../../src/adapters/sqlite/report-source.js';
import type { Marks } from '../../src/core/types.js';
import { renderReport, type ReportFormat } from '../../src/report/index.js';
import { CSV_HEADERS } from '../../src/report/render-text.js';
import { Capture, marksAt, query, seededDb } from './helpers.js';
import { sqlAggregate } from './sql-aggregate.js';

const BASE = '2026-03-02T09:00:00Z';
const at = (minutes: number) => new Date(Date.parse(BASE) + minutes * 60_000).toISOString();
let source: SqliteReportSource;
let file: string;

/** Stopped at +1d; rollback asked at +1d 2h, flow disabled 1 min later, legacy back at +1d 5h, seen 10 min after. */
function rolledBackMarks(): Marks {
  return {
    ...marksAt(BASE, { filed: 0, stopped: 1440, detected: 1441 }),
    rollback_requested: { at: at(1440 + 120), source: 'cutover.operator' },
    new_flow_disabled: { at: at(1440 + 121), source: 'flowservice.no_flow' },
    reenable_filed: { at: at(1440 + 122), source: 'jira.created' },
    legacy_restored: { at: at(1440 + 300), source: 'jira.resolutiondate' },
    legacy_data_seen: { at: at(1440 + 310), source: 'aam.segment.updateTime' },
  };
}
const WINDOW_MS = (300 - 121) * 60_000;
const OUTAGE_MS = 310 * 60_000;

beforeAll(async () => {
  file = await seededDb([
    { id: 'done', marks: marksAt(BASE, { filed: 0, stopped: 1440, detected: 1441, connected: 1442, data: 1470 }) },
    { id: 'back', status: 'rolled_back', state: 'rolled_back', marks: rolledBackMarks() },
  ]);
  source = openReportSource(file);
});
afterAll(() => source.close());

async function render(format: ReportFormat): Promise<string> {
  const out = new Capture();
  await renderReport(format, source, { query: query(), timelineCap: 2000 }, out);
  return out.text;
}

describe('report: rolled-back migrations', () => {
  it('json: counted apart, with the rollback window and total outage, equal to the SQL oracle', async () => {
    const doc = JSON.parse(await render('json'));
    expect(doc.aggregate.rolledBack).toBe(1);
    expect(doc.aggregate.figures.rollbackWindow).toMatchObject({ count: 1, max: WINDOW_MS });
    expect(doc.aggregate.figures.totalOutage).toMatchObject({ count: 1, max: OUTAGE_MS });
    const back = doc.migrations.find((m: { id: string }) => m.id === 'back');
    expect(back.figures).toMatchObject({ rollbackWindowMs: WINDOW_MS, totalOutageMs: OUTAGE_MS, downtimeMs: null });
    expect(back.marks.legacy_restored.source).toBe('jira.resolutiondate');
    const done = doc.migrations.find((m: { id: string }) => m.id === 'done');
    expect(done.figures).toMatchObject({ rollbackWindowMs: null, totalOutageMs: null });
    // A migration that never rolled back gets no "missing" notes for the rollback's figures.
    expect(done.notes).toEqual([]);
    expect(sqlAggregate(file, query())).toEqual(doc.aggregate);
  });

  it('csv, table and markdown carry both figures; the counts line names the rolled-back migrations', async () => {
    const csv = (await render('csv')).trim().split('\r\n');
    const cols = CSV_HEADERS;
    const back = csv.find((l) => l.startsWith('back,'))!.split(',');
    expect(back[cols.indexOf('rollback_window_ms')]).toBe(String(WINDOW_MS));
    expect(back[cols.indexOf('total_outage_ms')]).toBe(String(OUTAGE_MS));
    expect(back[cols.indexOf('legacy_data_seen_at')]).toBe(at(1750));
    const table = await render('table');
    expect(table).toContain('1 rolled back');
    expect(table).toMatch(/rollback window \(new flow disabled → legacy restored\)\s+1\s+2h 59m/);
    expect(table).toMatch(/back .*rolled_back .*2h 59m\s+5h 10m/);
    const md = await render('md');
    expect(md).toContain('| rollback window | total outage |');
    expect(md).toMatch(/\| back \|.*\| 2h 59m \| 5h 10m \|/);
  });

  it('html: the timeline draws the rollback marks and the total outage', async () => {
    const html = await render('html');
    const row = html.split('\n').find((l) => l.includes('data-migration-id="back"'))!;
    for (const mark of ['rollback_requested', 'new_flow_disabled', 'legacy_restored', 'legacy_data_seen'])
      expect(row).toContain(`data-mark="${mark}"`);
    expect(row).toContain('class="outage"');
    expect(row).toContain('total outage (rolled back): 5h 10m');
    const done = html.split('\n').find((l) => l.includes('data-migration-id="done"'))!;
    expect(done).not.toContain('rb-mark');
  });
});
