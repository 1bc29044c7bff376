// The report's SQL (DESIGN §3 figures over the marks table). Rows are streamed with stmt.iterate(); every
// aggregate (count, nearest-rank median and p95, max, total, histogram, stalled) is computed by SQLite, so a
// report over 100,000 migrations holds one row at a time in JavaScript. The two non-arithmetic rules (business
// days, the ticket SLA) are the core's own functions, registered as SQL functions rather than rewritten.
import { businessDaysBetween } from '../../core/business-days.js';
import { isTicketPastSla } from '../../core/time.js';
import type { MarkName, MigrationStatus } from '../../core/types.js';
import {
  FIGURES,
  histogramBuckets,
  type Aggregate,
  type Figure,
  type MigrationMarks,
  type ReportQuery,
  type ReportSource,
  type Stats,
} from '../../report/source.js';
import { checkDatabaseFile, migrate } from './migrator.js';
import { openDatabase, type SqliteDatabase } from './open.js';
import { toMarks, type MarkRowData } from './rows.js';

const DEFAULT_SLA_BUSINESS_DAYS = 6;

/** Table alias of each mark in the pivot below (one LEFT JOIN on the marks primary key per mark). */
const ALIAS: Record<MarkName, string> = {
  ticket_filed: 'f',
  legacy_stopped: 's',
  resolution_detected: 'd',
  connection_established: 'c',
  first_data: 'x',
};
const MARK_NAMES = Object.keys(ALIAS) as MarkName[];

const WHERE = `(@since IS NULL OR m.created_at >= @since) AND (@until IS NULL OR m.created_at < @until)
    AND (@org_id IS NULL OR m.org_id = @org_id) AND (@status IS NULL OR m.status = @status)
    AND (@id IS NULL OR m.id = @id)`;

const FROM = `FROM migrations m
  ${MARK_NAMES.map((n) => `LEFT JOIN marks ${ALIAS[n]} ON ${ALIAS[n]}.migration_id = m.id AND ${ALIAS[n]}.name = '${n}'`).join('\n  ')}
  WHERE ${WHERE}`;

const SLA = `cutover_sla(json_extract(m.plan, '$.ticketSlaBusinessDays'))`;

// Marks come packed as one JSON object per migration ({name: [at, source, by, reason]}): one correlated index
// range scan, and far fewer values to marshal into JavaScript than 20 pivoted columns.
const ROWS_SQL = `SELECT m.id, m.org_id, m.status, m.state, m.ticket_key, m.created_at, ${SLA} AS sla,
  (SELECT json_group_object(k.name, json_array(k.at, k.source, k.override_by, k.override_reason))
     FROM marks k WHERE k.migration_id = m.id) AS marks
  FROM migrations m
  WHERE ${WHERE}
  ORDER BY m.created_at, m.id`;

/** Exact milliseconds between two stored instants (julianday is a double: round off its last-bit noise). */
const ms = (from: string, to: string) => `CAST(ROUND((julianday(${to}.at) - julianday(${from}.at)) * 86400000.0) AS INTEGER)`;

// MATERIALIZED: the joins run once per query, then each figure's quantile sorts the small materialised set.
const MEASURES_CTE = `WITH measures AS MATERIALIZED (SELECT
    (${MARK_NAMES.map((n) => `${ALIAS[n]}.override_by IS NOT NULL`).join(' OR ')}) AS overridden,
    CASE WHEN m.status = 'needs_attention' THEN 1
         WHEN m.status = 'waiting' AND f.at IS NOT NULL THEN cutover_past_sla(f.at, @now, ${SLA}, @holidays)
         ELSE 0 END AS stalled,
    ${ms('s', 'c')} AS downtime, ${ms('s', 'd')} AS detectionLag, ${ms('d', 'c')} AS executionTime,
    ${ms('s', 'x')} AS dataGap, ${ms('f', 's')} AS turnaroundMs,
    cutover_business_days(f.at, s.at, @holidays) AS turnaroundBusinessDays
  ${FROM})`;

const BUCKETS = histogramBuckets();

/** Nearest-rank quantile of one figure: ORDER BY + LIMIT 1 OFFSET ceil(percent/100 * n) - 1 (see quantileOffset). */
const quantile = (f: Figure, percent: number) =>
  `(SELECT ${f} FROM measures WHERE ${f} IS NOT NULL ORDER BY ${f} LIMIT 1
     OFFSET (SELECT max(0, (${percent} * count(${f}) + 99) / 100 - 1) FROM measures)) AS ${f}_p${percent}`;

// One statement: the measures are materialised once, then counted, summed and sorted per figure.
const AGGREGATE_SQL = `${MEASURES_CTE}
SELECT count(*) AS count, coalesce(sum(stalled), 0) AS stalled, coalesce(sum(overridden), 0) AS overridden,
  ${FIGURES.map((f) => `count(${f}) AS ${f}_count, max(${f}) AS ${f}_max, sum(${f}) AS ${f}_total, ${quantile(f, 50)}, ${quantile(f, 95)}`).join(',\n  ')},
  ${BUCKETS.map((b, i) => `coalesce(sum(${bucketTest(b.fromMs, b.toMs)}), 0) AS bucket_${i}`).join(',\n  ')}
FROM measures`;

function bucketTest(fromMs: number | null, toMs: number | null): string {
  const parts = [fromMs === null ? null : `downtime >= ${fromMs}`, toMs === null ? null : `downtime < ${toMs}`];
  return `(downtime IS NOT NULL AND ${parts.filter(Boolean).join(' AND ')})`;
}

type SqlRow = Record<string, string | number | null>;

/** Opens the database as every command does (created and migrated when needed), then forbids writes. */
export function openReportSource(file: string): SqliteReportSource {
  checkDatabaseFile(file);
  const db = openDatabase(file);
  try {
    migrate(db);
    db.pragma('query_only = ON');
  } catch (err) {
    db.close();
    throw err;
  }
  return new SqliteReportSource(db);
}

export class SqliteReportSource implements ReportSource {
  private readonly rowsStmt;
  private readonly aggregateStmt;

  constructor(private readonly db: SqliteDatabase) {
    registerFunctions(db);
    this.rowsStmt = db.prepare<[SqlRow], SqlRow>(ROWS_SQL);
    this.aggregateStmt = db.prepare<[SqlRow], SqlRow>(AGGREGATE_SQL);
  }

  *rows(query: ReportQuery): Iterable<MigrationMarks> {
    for (const row of this.rowsStmt.iterate(filterParams(query))) yield toMigrationMarks(row);
  }

  aggregate(query: ReportQuery): Aggregate {
    const row = this.aggregateStmt.get({ ...filterParams(query), now: query.now, holidays: JSON.stringify(query.holidays) }) ?? {};
    const figures = Object.fromEntries(FIGURES.map((f) => [f, figureStats(f, row)])) as Record<Figure, Stats>;
    const histogram = BUCKETS.map((b, i) => ({ ...b, count: num(row[`bucket_${i}`]) }));
    return { count: num(row.count), stalled: num(row.stalled), overridden: num(row.overridden), figures, histogram };
  }

  /** A deferred read transaction: in WAL mode every statement inside it sees the same snapshot. */
  async snapshot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.db.inTransaction) return fn();
    this.db.exec('BEGIN');
    try {
      return await fn();
    } finally {
      if (this.db.inTransaction) this.db.exec('COMMIT');
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function filterParams(q: ReportQuery): SqlRow {
  return { since: q.since ?? null, until: q.until ?? null, org_id: q.orgId ?? null, status: q.status ?? null, id: q.id ?? null };
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

function numOrNull(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}

function figureStats(f: Figure, row: SqlRow): Stats {
  const count = num(row[`${f}_count`]);
  return {
    count,
    median: numOrNull(row[`${f}_p50`]),
    p95: numOrNull(row[`${f}_p95`]),
    max: numOrNull(row[`${f}_max`]),
    total: count === 0 ? null : numOrNull(row[`${f}_total`]),
  };
}

type PackedMark = [at: string, source: string, overrideBy: string | null, overrideReason: string | null];

function toMigrationMarks(row: SqlRow): MigrationMarks {
  const packed = JSON.parse(String(row.marks ?? '{}')) as Record<string, PackedMark>;
  const markRows: MarkRowData[] = Object.entries(packed).map(([name, [at, source, by, reason]]) => ({
    name,
    at,
    source,
    override_by: by,
    override_reason: reason,
  }));
  return {
    id: String(row.id),
    orgId: String(row.org_id),
    status: row.status as MigrationStatus,
    state: String(row.state),
    ticketKey: row.ticket_key as string | null,
    createdAt: String(row.created_at),
    slaBusinessDays: num(row.sla),
    marks: toMarks(markRows),
  };
}

/** The plan's SLA when it is a sensible whole number of business days, else the plan default (6). */
export function slaBusinessDays(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : DEFAULT_SLA_BUSINESS_DAYS;
}

/**
 * The core's rules as SQL functions. Holidays arrive as JSON text, parsed once per distinct value. Business days
 * depend only on the two UTC dates (business-days.ts), so results are memoised per date pair: a fleet's tickets
 * share few distinct pairs, and the day-by-day count is the aggregate's hottest JavaScript.
 */
function registerFunctions(db: SqliteDatabase): void {
  let cached: { json: string; list: string[] } = { json: '[]', list: [] };
  const holidays = (json: unknown): string[] => {
    if (json !== cached.json) cached = { json: String(json), list: JSON.parse(String(json)) as string[] };
    return cached.list;
  };
  const memo = new Map<string, number>();
  const businessDays = (from: string, to: string, json: unknown): number => {
    const key = `${from.slice(0, 10)}/${to.slice(0, 10)}/${String(json)}`;
    let days = memo.get(key);
    if (days === undefined) {
      if (memo.size > 50_000) memo.clear();
      days = businessDaysBetween(Date.parse(from), Date.parse(to), holidays(json));
      memo.set(key, days);
    }
    return days;
  };
  db.function('cutover_sla', { deterministic: true }, (v: unknown) => slaBusinessDays(v));
  db.function('cutover_business_days', { deterministic: true }, (from: unknown, to: unknown, json: unknown) =>
    typeof from === 'string' && typeof to === 'string' ? businessDays(from, to, json) : null,
  );
  db.function('cutover_past_sla', { deterministic: true }, (filed: unknown, now: unknown, sla: unknown, json: unknown) =>
    isTicketPastSla(String(filed), String(now), Number(sla), holidays(json)) ? 1 : 0,
  );
}
