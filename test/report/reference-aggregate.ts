// The fleet aggregate computed the plainest way, sharing nothing with the report's fold (aggregate-js.ts) but the
// rows' figures: plain arrays, sorted copies, a linear search for each histogram bucket.
import { businessDaysOf, figureMs, type ReportRow } from '../../src/report/model.js';
import { FIGURES, histogramBuckets, quantileOffset, type Aggregate, type Stats } from '../../src/report/source.js';

export function referenceAggregate(rows: ReportRow[]): Aggregate {
  const statsOf = (values: number[]): Stats => {
    if (values.length === 0) return { count: 0, median: null, p95: null, max: null, total: null };
    const sorted = [...values].sort((a, b) => a - b);
    const at = (p: number) => sorted[quantileOffset(p, sorted.length)] ?? null;
    return {
      count: sorted.length,
      median: at(50),
      p95: at(95),
      max: sorted[sorted.length - 1] ?? null,
      total: sorted.reduce((a, b) => a + b, 0),
    };
  };
  const value = (r: ReportRow, f: (typeof FIGURES)[number]) =>
    f === 'turnaroundBusinessDays' ? businessDaysOf(r) : figureMs(r, f);
  const figures = Object.fromEntries(
    FIGURES.map((f) => [f, statsOf(rows.map((r) => value(r, f)).filter((v): v is number => v !== null))]),
  );
  const histogram = histogramBuckets().map((b) => ({
    ...b,
    count: rows.filter((r) => {
      const w = figureMs(r, 'downtime');
      return w !== null && (b.fromMs === null || w >= b.fromMs) && (b.toMs === null || w < b.toMs);
    }).length,
  }));
  const count = (p: (r: ReportRow) => boolean) => rows.filter(p).length;
  return {
    count: rows.length,
    stalled: count((r) => r.stalled),
    overridden: count((r) => r.overridden.length > 0),
    rolledBack: count((r) => r.status === 'rolled_back'),
    figures,
    histogram,
  } as Aggregate;
}
