// The same aggregate as the SQL one, computed in JavaScript from report rows. It holds every value in memory,
// so it is for small sets only: the cross-check test, and sources without SQL. Nearest-rank quantiles, as in SQL.
import { businessDaysOf, figureMs, type ReportRow } from './model.js';
import { FIGURES, histogramBuckets, quantileOffset, type Aggregate, type Figure, type Stats } from './source.js';

export function statsOf(values: readonly number[]): Stats {
  if (values.length === 0) return { count: 0, median: null, p95: null, max: null, total: null };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    median: sorted[quantileOffset(50, sorted.length)] ?? null,
    p95: sorted[quantileOffset(95, sorted.length)] ?? null,
    max: sorted[sorted.length - 1] ?? null,
    total: sorted.reduce((sum, v) => sum + v, 0),
  };
}

function valueOf(row: ReportRow, f: Figure): number | null {
  return f === 'turnaroundBusinessDays' ? businessDaysOf(row) : figureMs(row, f);
}

export function aggregateRows(rows: Iterable<ReportRow>): Aggregate {
  const values = Object.fromEntries(FIGURES.map((f) => [f, [] as number[]])) as Record<Figure, number[]>;
  const buckets = histogramBuckets().map((b) => ({ ...b, count: 0 }));
  let count = 0;
  let stalled = 0;
  let overridden = 0;
  for (const row of rows) {
    count++;
    if (row.stalled) stalled++;
    if (row.overridden.length > 0) overridden++;
    for (const f of FIGURES) {
      const v = valueOf(row, f);
      if (v !== null) values[f].push(v);
    }
    const w = figureMs(row, 'downtime');
    const bucket = w === null ? undefined : buckets.find((b) => (b.fromMs === null || w >= b.fromMs) && (b.toMs === null || w < b.toMs));
    if (bucket) bucket.count++;
  }
  const figures = Object.fromEntries(FIGURES.map((f) => [f, statsOf(values[f])])) as Record<Figure, Stats>;
  return { count, stalled, overridden, figures, histogram: buckets };
}
