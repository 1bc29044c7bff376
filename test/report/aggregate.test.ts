// The figures of the report over seeded migrations: offsets normalised to UTC, DST, business days, missing
// marks, overrides, stalled, filters, and the nearest-rank quantiles and histogram folded from the rows.
import { collect } from '../support/collect.js';
import { afterEach, describe, expect, it } from 'vitest';
import { openReportSource, type SqliteReportSource } from '../../src/adapters/sqlite/report-source.js';
import { toReportRow, type ReportRow } from '../../src/report/model.js';
import type { ReportQuery } from '../../src/report/source.js';
import { aggregateOf } from '../../src/report/summary.js';
import { marksAt, query, seededDb, type SeedMigration } from './helpers.js';

let source: SqliteReportSource | null = null;
afterEach(() => source?.close());

async function open(migrations: SeedMigration[]): Promise<SqliteReportSource> {
  source = openReportSource(await seededDb(migrations));
  return source;
}

async function rowsOf(s: SqliteReportSource, q: ReportQuery = query()): Promise<ReportRow[]> {
  return (await collect(s.rows(q))).map((m) => toReportRow(m, q));
}

describe('report figures', () => {
  it('reads marks written with +0100 and -0500 offsets as UTC instants', async () => {
    const s = await open([
      {
        id: 'offsets',
        marks: {
          ticket_filed: { at: '2026-03-02T10:00:00.000+0100', source: 'jira.created' },
          legacy_stopped: { at: '2026-03-03T04:00:00-0500', source: 'jira.resolutiondate' },
          resolution_detected: { at: '2026-03-03T09:01:30Z', source: 'cutover.clock' },
          connection_established: { at: '2026-03-03T10:03:00+01:00', source: 'flowservice.createdAt' },
          first_data: { at: '2026-03-03T04:45:00.000-05:00', source: 'aam.segment' },
        },
      },
    ]);
    const [row] = await rowsOf(s);
    expect(row?.marks.ticket_filed?.at).toBe('2026-03-02T09:00:00.000Z');
    expect(row?.marks.legacy_stopped?.at).toBe('2026-03-03T09:00:00.000Z');
    expect(row?.downtime.window?.ms).toBe(3 * 60_000);
    expect(row?.downtime.detectionLag?.ms).toBe(90_000);
    expect(row?.downtime.executionTime?.ms).toBe(90_000);
    expect(row?.downtime.dataGap?.ms).toBe(45 * 60_000);
    expect(row?.downtime.turnaroundCalendar?.ms).toBe(24 * 3_600_000);
    const agg = await aggregateOf(s, query());
    expect(agg.figures.downtime).toEqual({ count: 1, median: 180_000, p95: 180_000, max: 180_000, total: 180_000 });
    expect(agg.figures.turnaroundMs.max).toBe(24 * 3_600_000);
  });

  it('measures a window across a DST change in elapsed time, not wall-clock time', async () => {
    // Europe/Paris springs forward at 01:00Z on 2026-03-29: 01:30+01:00 -> 03:30+02:00 is one hour, not two.
    const s = await open([
      {
        id: 'dst',
        marks: {
          legacy_stopped: { at: '2026-03-29T01:30:00+01:00', source: 'jira.resolutiondate' },
          connection_established: { at: '2026-03-29T03:30:00+02:00', source: 'flowservice.createdAt' },
        },
      },
    ]);
    expect((await rowsOf(s))[0]?.downtime.window?.ms).toBe(3_600_000);
    expect((await aggregateOf(s, query())).figures.downtime.total).toBe(3_600_000);
  });

  it('counts business days across a weekend, and a holiday when given', async () => {
    const s = await open([
      {
        id: 'weekend',
        marks: {
          ticket_filed: { at: '2026-03-06T17:00:00Z', source: 'jira.created' }, // Friday
          legacy_stopped: { at: '2026-03-10T09:00:00Z', source: 'jira.resolutiondate' }, // Tuesday
        },
      },
    ]);
    expect((await rowsOf(s))[0]?.downtime.turnaroundBusinessDays?.days).toBe(2);
    expect((await aggregateOf(s, query())).figures.turnaroundBusinessDays.median).toBe(2);
    const withHoliday = query({ holidays: ['2026-03-09'] });
    expect((await rowsOf(s, withHoliday))[0]?.downtime.turnaroundBusinessDays?.days).toBe(1);
    expect((await aggregateOf(s, withHoliday)).figures.turnaroundBusinessDays.median).toBe(1);
  });

  it('leaves a figure out (null, not 0) when one of its marks is missing', async () => {
    const s = await open([
      { id: 'partial', status: 'needs_attention', marks: marksAt('2026-03-02T09:00:00Z', { filed: 0, stopped: 60 }) },
      { id: 'none', status: 'active', marks: {} },
    ]);
    const rows = await rowsOf(s);
    const partial = rows.find((r) => r.id === 'partial');
    const none = rows.find((r) => r.id === 'none');
    expect(partial?.downtime.window).toBeNull();
    expect(partial?.downtime.turnaroundCalendar?.ms).toBe(3_600_000);
    expect(none?.downtime.turnaroundBusinessDays).toBeNull();
    const agg = await aggregateOf(s, query());
    expect(agg.count).toBe(2);
    expect(agg.figures.downtime).toEqual({ count: 0, median: null, p95: null, max: null, total: null });
    expect(agg.figures.turnaroundMs.count).toBe(1);
    expect(agg.histogram.reduce((n, b) => n + b.count, 0)).toBe(0);
  });

  it('flags operator-overridden marks', async () => {
    const marks = marksAt('2026-03-02T09:00:00Z', { filed: 0, stopped: 60, connected: 65 });
    marks.legacy_stopped = { ...marks.legacy_stopped!, override: { by: 'ana', reason: 'resolutiondate set late' } };
    const s = await open([
      { id: 'o', marks },
      { id: 'p', marks: marksAt('2026-03-02T09:00:00Z', { filed: 0 }) },
    ]);
    expect((await rowsOf(s))[0]?.overridden).toEqual(['legacy_stopped']);
    expect((await rowsOf(s))[0]?.marks.legacy_stopped?.override).toEqual({
      by: 'ana',
      reason: 'resolutiondate set late',
    });
    expect((await aggregateOf(s, query())).overridden).toBe(1);
  });

  it('counts as stalled: needs_attention, and waiting past the plan SLA measured from the injected now', async () => {
    const filed = (at: string) => ({ ticket_filed: { at, source: 'jira.created' } });
    const s = await open([
      { id: 'attention', status: 'needs_attention' },
      { id: 'late', status: 'waiting', marks: filed('2026-03-20T12:00:00Z') }, // 8 business days before NOW
      { id: 'on-time', status: 'waiting', marks: filed('2026-03-27T12:00:00Z') },
      { id: 'tight-sla', status: 'waiting', marks: filed('2026-03-27T12:00:00Z'), plan: { ticketSlaBusinessDays: 2 } },
      { id: 'no-ticket', status: 'waiting' },
      { id: 'done', status: 'completed', marks: filed('2026-01-01T12:00:00Z') },
    ]);
    const stalled = (await rowsOf(s)).filter((r) => r.stalled).map((r) => r.id);
    expect(stalled.sort()).toEqual(['attention', 'late', 'tight-sla']);
    expect((await aggregateOf(s, query())).stalled).toBe(3);
    // "now" only decides stalled: earlier, the late ticket was still within its SLA; no figure changes.
    expect((await aggregateOf(s, query({ now: '2026-03-23T12:00:00Z' }))).stalled).toBe(1);
  });

  it('filters by --since/--until (created, half-open), --org, --status and --id', async () => {
    const s = await open([
      { id: 'a', orgId: 'A@AdobeOrg', createdAt: '2026-01-31T23:59:59Z', status: 'completed' },
      { id: 'b', orgId: 'A@AdobeOrg', createdAt: '2026-02-01T00:00:00Z', status: 'waiting' },
      { id: 'c', orgId: 'B@AdobeOrg', createdAt: '2026-02-15T00:00:00+0100', status: 'completed' },
      { id: 'd', orgId: 'B@AdobeOrg', createdAt: '2026-03-01T00:00:00Z', status: 'completed' },
    ]);
    const ids = async (q: Partial<ReportQuery>) => (await collect(s.rows(query(q)))).map((r) => r.id);
    expect(await ids({})).toEqual(['a', 'b', 'c', 'd']);
    expect(await ids({ since: '2026-02-01T00:00:00.000Z', until: '2026-03-01T00:00:00.000Z' })).toEqual(['b', 'c']);
    expect(await ids({ orgId: 'B@AdobeOrg' })).toEqual(['c', 'd']);
    expect(await ids({ status: 'completed', orgId: 'A@AdobeOrg' })).toEqual(['a']);
    expect(await ids({ id: 'c' })).toEqual(['c']);
    expect((await aggregateOf(s, query({ orgId: 'B@AdobeOrg' }))).count).toBe(2);
    expect(
      (await aggregateOf(s, query({ since: '2026-02-01T00:00:00.000Z', until: '2026-03-01T00:00:00.000Z' }))).count,
    ).toBe(2);
  });

  it('computes nearest-rank median and p95, max, total and the histogram', async () => {
    const base = '2026-03-02T09:00:00Z';
    const windows = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 120, -1]; // minutes; one negative (clock skew)
    const s = await open(
      windows.map((w, i) => ({
        id: `m${String(i).padStart(2, '0')}`,
        marks: marksAt(base, { stopped: 0, connected: w }),
      })),
    );
    const agg = await aggregateOf(s, query());
    expect(agg.figures.downtime).toEqual({
      count: 12,
      median: 5 * 60_000,
      p95: 120 * 60_000,
      max: 120 * 60_000,
      total: 174 * 60_000,
    });
    const counts = Object.fromEntries(agg.histogram.map((b) => [b.label, b.count]));
    expect(counts).toEqual({
      negative: 1,
      '< 1m': 0,
      '1–5m': 4,
      '5–15m': 6,
      '15–60m': 0,
      '1–6h': 1,
      '6–24h': 0,
      '≥ 1d': 0,
    });
  });
});
