// The report's aggregate as SQLite computed it until the report folded it from its rows (one statement: the marks
// pivoted by five LEFT JOINs, figures from julianday differences, the core's business-day and SLA rules as SQL
// functions, one sort per figure for its nearest-rank median and p95). Kept as an independent oracle: the folded
// aggregate must give exactly these figures (crosscheck.test.ts).
import Database from 'better-sqlite3';
import { businessDaysBetween } from '../../src/core/business-days.js';
import { isTicketPastSla, tryParseInstant } from '../../src/core/time.js';
import type { MarkName } from '../../src/core/types.js';
import {
  FIGURES,
  histogramBuckets,
  type Aggregate,
  type Figure,
  type ReportQuery,
  type Stats,
} from '../../src/report/source.js';

const ALIAS: Record<MarkName, string> = {
  ticket_filed: 'f',
  legacy_stopped: 's',
  resolution_detected: 'd',
  connection_established: 'c',
  first_data: 'x',
  rollback_requested: 'q',
  new_flow_disabled: 'n',
  reenable_filed: 'e',
  legacy_restored: 'r',
  legacy_data_seen: 'l',
};
const MARK_NAMES = Object.keys(ALIAS) as MarkName[];
const BUCKETS = histogramBuckets();

const WHERE = `(@since IS NULL OR m.created_at >= @since) AND (@until IS NULL OR m.created_at < @until)
    AND (@org_id IS NULL OR m.org_id = @org_id) AND (@status IS NULL OR m.status = @status)
    AND (@id IS NULL OR m.id = @id)`;
const FROM = `FROM migrations m
  ${MARK_NAMES.map((n) => `LEFT JOIN marks ${ALIAS[n]} ON ${ALIAS[n]}.migration_id = m.id AND ${ALIAS[n]}.name = '${n}'`).join('\n  ')}
  WHERE ${WHERE}`;
const SLA = `cutover_sla(json_extract(m.plan, '$.ticketSlaBusinessDays'))`;
const ms = (from: string, to: string) =>
  `CAST(ROUND((julianday(${to}.at) - julianday(${from}.at)) * 86400000.0) AS INTEGER)`;

function bucketTest(fromMs: number | null, toMs: number | null): string {
  const parts = [fromMs === null ? null : `downtime >= ${fromMs}`, toMs === null ? null : `downtime < ${toMs}`];
  return `(downtime IS NOT NULL AND ${parts.filter(Boolean).join(' AND ')})`;
}

const quantiles = (f: Figure) => {
  const rank = (percent: number) => `max(1, (${percent} * stats.${f}_count + 99) / 100)`;
  return `(SELECT json_array(max(CASE WHEN rn = ${rank(50)} THEN v END), max(CASE WHEN rn = ${rank(95)} THEN v END))
     FROM (SELECT ${f} AS v, row_number() OVER (ORDER BY ${f}) AS rn FROM measures WHERE ${f} IS NOT NULL)) AS ${f}_quantiles`;
};

const AGGREGATE_SQL = `WITH measures AS MATERIALIZED (SELECT
    (${MARK_NAMES.map((n) => `${ALIAS[n]}.override_by IS NOT NULL`).join(' OR ')}) AS overridden,
    CASE WHEN m.status = 'needs_attention' THEN 1
         WHEN m.status = 'waiting' AND f.at IS NOT NULL THEN cutover_past_sla(f.at, @now, ${SLA}, @holidays)
         ELSE 0 END AS stalled,
    ${ms('s', 'c')} AS downtime, ${ms('s', 'd')} AS detectionLag, ${ms('d', 'c')} AS executionTime,
    ${ms('s', 'x')} AS dataGap, ${ms('f', 's')} AS turnaroundMs,
    cutover_business_days(f.at, s.at, @holidays) AS turnaroundBusinessDays,
    CASE WHEN q.at IS NOT NULL THEN ${ms('n', 'r')} END AS rollbackWindow,
    CASE WHEN q.at IS NOT NULL THEN ${ms('s', 'l')} END AS totalOutage,
    m.status = 'rolled_back' AS rolledBack
  ${FROM}),
  stats AS MATERIALIZED (SELECT count(*) AS count, coalesce(sum(stalled), 0) AS stalled, coalesce(sum(overridden), 0) AS overridden,
  coalesce(sum(rolledBack), 0) AS rolledBack,
  ${FIGURES.map((f) => `count(${f}) AS ${f}_count, max(${f}) AS ${f}_max, sum(${f}) AS ${f}_total`).join(',\n  ')},
  ${BUCKETS.map((b, i) => `coalesce(sum(${bucketTest(b.fromMs, b.toMs)}), 0) AS bucket_${i}`).join(',\n  ')}
  FROM measures)
SELECT stats.*, ${FIGURES.map((f) => quantiles(f)).join(',\n  ')} FROM stats`;

type SqlRow = Record<string, string | number | null>;

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' ? v : null);

function figureStats(f: Figure, row: SqlRow): Stats {
  const count = num(row[`${f}_count`]);
  const [median, p95] = JSON.parse(String(row[`${f}_quantiles`] ?? '[null,null]')) as [unknown, unknown];
  return {
    count,
    median: numOrNull(median),
    p95: numOrNull(p95),
    max: numOrNull(row[`${f}_max`]),
    total: count === 0 ? null : numOrNull(row[`${f}_total`]),
  };
}

function slaBusinessDays(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 6;
}

/** The aggregate of the migrations in `file` matching `q`, computed by SQLite as the report used to. */
export function sqlAggregate(file: string, q: ReportQuery): Aggregate {
  const db = new Database(file, { readonly: true });
  try {
    const holidays = (json: unknown) => JSON.parse(String(json)) as string[];
    db.function('cutover_sla', { deterministic: true }, (v: unknown) => slaBusinessDays(v));
    db.function('cutover_business_days', { deterministic: true }, (from: unknown, to: unknown, json: unknown) => {
      const start = typeof from === 'string' ? tryParseInstant(from) : null;
      const end = typeof to === 'string' ? tryParseInstant(to) : null;
      return start === null || end === null ? null : businessDaysBetween(start, end, holidays(json));
    });
    db.function(
      'cutover_past_sla',
      { deterministic: true },
      (filed: unknown, now: unknown, sla: unknown, json: unknown) =>
        isTicketPastSla(String(filed), String(now), Number(sla), holidays(json)) ? 1 : 0,
    );
    const params = {
      since: q.since ?? null,
      until: q.until ?? null,
      org_id: q.orgId ?? null,
      status: q.status ?? null,
      id: q.id ?? null,
      now: q.now,
      holidays: JSON.stringify(q.holidays),
    };
    const row = db.prepare<[SqlRow], SqlRow>(AGGREGATE_SQL).get(params) ?? {};
    const figures = Object.fromEntries(FIGURES.map((f) => [f, figureStats(f, row)])) as Record<Figure, Stats>;
    const histogram = BUCKETS.map((b, i) => ({ ...b, count: num(row[`bucket_${i}`]) }));
    const [count, stalled, overridden, rolledBack] = [row.count, row.stalled, row.overridden, row.rolledBack].map(num);
    return { count: count!, stalled: stalled!, overridden: overridden!, rolledBack: rolledBack!, figures, histogram };
  } finally {
    db.close();
  }
}
