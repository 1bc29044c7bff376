// The fleet aggregate (docs/reports.md, "Aggregates"), folded in JavaScript from report rows one at a time, in the
// same pass that renders them: each figure is the downtime model's own, so the aggregate and the rows cannot
// disagree. Counts, totals, maxima and the histogram are running values. Exact nearest-rank median and p95 need
// every value of a figure, so each figure keeps its values in a Float64Array (8 bytes per migration that has the
// figure, at most 48 per migration), sorted once at the end: the only per-migration memory a report holds.
import { businessDaysOf, figureMs, type ReportRow } from './model.js';
import { FIGURES, histogramBuckets, quantileOffset, type Aggregate, type Figure, type Stats } from './source.js';

const BUCKETS = histogramBuckets();

/** One figure's values, growing by doubling: amortised O(1) per value, at most twice the values' size. */
class FigureValues {
  private data = new Float64Array(1024);
  private length = 0;
  private max = Number.NEGATIVE_INFINITY;
  private total = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
    if (v > this.max) this.max = v;
    this.total += v;
  }

  /** count, nearest-rank median and p95 (quantileOffset's ranks), max and total; nulls when no value. */
  stats(): Stats {
    const n = this.length;
    if (n === 0) return { count: 0, median: null, p95: null, max: null, total: null };
    const sorted = this.data.subarray(0, n).sort(); // a typed array sorts numerically
    return {
      count: n,
      median: sorted[quantileOffset(50, n)] ?? null,
      p95: sorted[quantileOffset(95, n)] ?? null,
      max: this.max,
      total: this.total,
    };
  }
}

function figureOf(row: ReportRow, f: Figure): number | null {
  return f === 'turnaroundBusinessDays' ? businessDaysOf(row) : figureMs(row, f);
}

/** The histogram bucket of a downtime window: each bucket includes its lower bound and excludes its upper one. */
function bucketOf(ms: number): number {
  const i = BUCKETS.findIndex((b) => (b.fromMs === null || ms >= b.fromMs) && (b.toMs === null || ms < b.toMs));
  return i === -1 ? BUCKETS.length - 1 : i; // -1 only for NaN, which no figure is
}

/** Folds report rows into the aggregate; `result()` once they are all in. */
export class AggregateBuilder {
  private count = 0;
  private stalled = 0;
  private overridden = 0;
  private rolledBack = 0;
  private readonly values = FIGURES.map(() => new FigureValues());
  private readonly buckets = BUCKETS.map(() => 0);

  add(row: ReportRow): void {
    this.count++;
    if (row.stalled) this.stalled++;
    if (row.overridden.length > 0) this.overridden++;
    if (row.status === 'rolled_back') this.rolledBack++;
    FIGURES.forEach((f, i) => {
      const v = figureOf(row, f);
      if (v !== null) this.values[i]?.push(v);
    });
    const downtime = figureMs(row, 'downtime');
    if (downtime === null) return;
    const bucket = bucketOf(downtime);
    this.buckets[bucket] = (this.buckets[bucket] ?? 0) + 1;
  }

  result(): Aggregate {
    const figures = {} as Record<Figure, Stats>;
    FIGURES.forEach((f, i) => {
      figures[f] = (this.values[i] as FigureValues).stats();
    });
    const histogram = BUCKETS.map((b, i) => ({ ...b, count: this.buckets[i] ?? 0 }));
    const { count, stalled, overridden, rolledBack } = this;
    return { count, stalled, overridden, rolledBack, figures, histogram };
  }
}

export function aggregateRows(rows: Iterable<ReportRow>): Aggregate {
  const builder = new AggregateBuilder();
  for (const row of rows) builder.add(row);
  return builder.result();
}
