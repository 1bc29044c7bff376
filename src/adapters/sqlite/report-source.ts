// The report's SQL (DESIGN §3 figures over the marks table). Rows are streamed with stmt.iterate(); every
// aggregate (count, nearest-rank median and p95, max, total, histogram, stalled) is computed by SQLite, so a
// report over 100,000 migrations holds one row at a time in JavaScript. The two non-arithmetic rules (business
// days, the ticket SLA) are the core's own functions, registered as SQL functions rather than rewritten.
import { businessDaysBetween } from '../../core/business-days.js';
import { isTicketPastSla, tryParseInstant } from '../../core/time.js';
import type { Mark, MarkName, Marks, MigrationStatus } from '../../core/types.js';
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
// Columns come back as arrays (raw mode: no object per row), in this order. The plan's SLA is read only where it
// decides something (a waiting migration's "stalled"): parsing every plan is a third of the statement's time.
const ROWS_SQL = `SELECT m.id, m.org_id, m.status, m.state, m.ticket_key, m.created_at,
  CASE WHEN m.status = 'waiting' THEN json_extract(m.plan, '$.ticketSlaBusinessDays') END AS sla,
  (SELECT json_group_object(k.name, json_array(k.at, k.source, k.override_by, k.override_reason))
     FROM marks k WHERE k.migration_id = m.id) AS marks
  FROM migrations m
  WHERE ${WHERE}
  ORDER BY m.created_at, m.id`;

/** Exact milliseconds between two stored instants (julianday is a double: round off its last-bit noise). */
const ms = (from: string, to: string) => `CAST(ROUND((julianday(${to}.at) - julianday(${from}.at)) * 86400000.0) AS INTEGER)`;

// MATERIALIZED: the joins and every figure are computed once per statement (one row per migration); the
// counts, totals and histogram read that set once more, and each quantile sorts it.
const MEASURES_CTE = `WITH measures AS MATERIALIZED (SELECT
    (${MARK_NAMES.map((n) => `${ALIAS[n]}.override_by IS NOT NULL`).join(' OR ')}) AS overridden,
    CASE WHEN m.status = 'needs_attention' THEN 1
         WHEN m.status = 'waiting' AND f.at IS NOT NULL THEN cutover_past_sla(f.at, @now, ${SLA}, @holidays)
         ELSE 0 END AS stalled,
    ${ms('s', 'c')} AS downtime, ${ms('s', 'd')} AS detectionLag, ${ms('d', 'c')} AS executionTime,
    ${ms('s', 'x')} AS dataGap, ${ms('f', 's')} AS turnaroundMs,
    cutover_business_days(f.at, s.at, @holidays) AS turnaroundBusinessDays
  ${FROM}),
  stats AS MATERIALIZED (SELECT count(*) AS count, coalesce(sum(stalled), 0) AS stalled, coalesce(sum(overridden), 0) AS overridden,
  ${FIGURES.map((f) => `count(${f}) AS ${f}_count, max(${f}) AS ${f}_max, sum(${f}) AS ${f}_total`).join(',\n  ')},
  ${histogramBuckets().map((b, i) => `coalesce(sum(${bucketTest(b.fromMs, b.toMs)}), 0) AS bucket_${i}`).join(',\n  ')}
  FROM measures)`;

const BUCKETS = histogramBuckets();

/**
 * Median and p95 of one figure, nearest-rank: the values at 1-based ranks ceil(p/100 * n) (quantileOffset + 1),
 * n being the figure's count from `stats`. One sort per figure serves both ranks (row_number over the ascending
 * values); the pair comes back as a JSON array [p50, p95], nulls when no migration has the figure.
 */
const quantiles = (f: Figure) => {
  const rank = (percent: number) => `max(1, (${percent} * stats.${f}_count + 99) / 100)`;
  return `(SELECT json_array(max(CASE WHEN rn = ${rank(50)} THEN v END), max(CASE WHEN rn = ${rank(95)} THEN v END))
     FROM (SELECT ${f} AS v, row_number() OVER (ORDER BY ${f}) AS rn FROM measures WHERE ${f} IS NOT NULL)) AS ${f}_quantiles`;
};

// One statement: the measures are materialised once, counted and summed in one pass, then sorted once per figure.
const AGGREGATE_SQL = `${MEASURES_CTE}
SELECT stats.*,
  ${FIGURES.map((f) => quantiles(f)).join(',\n  ')}
FROM stats`;

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
    // 8 MB of page cache instead of the default 16: SQLite also sizes a sort's in-memory runs by it, so this caps
    // what the aggregate's sorts hold before spilling, keeping peak memory flat as the fleet grows (no slower here).
    db.pragma('cache_size = -8000');
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
    this.rowsStmt = db.prepare<[SqlRow], RowTuple>(ROWS_SQL).raw(true);
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
  const [median, p95] = JSON.parse(String(row[`${f}_quantiles`] ?? '[null,null]')) as [unknown, unknown];
  return {
    count,
    median: numOrNull(median),
    p95: numOrNull(p95),
    max: numOrNull(row[`${f}_max`]),
    total: count === 0 ? null : numOrNull(row[`${f}_total`]),
  };
}

type PackedMark = [at: string, source: string, overrideBy: string | null, overrideReason: string | null];

/** A row of ROWS_SQL in raw mode: its columns in SELECT order. */
type RowTuple = [
  id: string,
  orgId: string,
  status: string,
  state: string,
  ticketKey: string | null,
  createdAt: string,
  sla: unknown,
  marks: string | null,
];

/** The migration's summary and marks; marks are built as rows.ts toMarks builds them, without the row objects. */
function toMigrationMarks(row: RowTuple): MigrationMarks {
  const [id, orgId, status, state, ticketKey, createdAt, sla, packedMarks] = row;
  const packed = JSON.parse(packedMarks ?? '{}') as Record<string, PackedMark>;
  const marks: Marks = {};
  for (const name in packed) {
    const [at, source, by, reason] = packed[name] as PackedMark;
    const mark: Mark = { at, source };
    if (by !== null) mark.override = { by, reason: reason ?? '' };
    marks[name as MarkName] = mark;
  }
  return {
    id: String(id),
    orgId: String(orgId),
    status: status as MigrationStatus,
    state: String(state),
    ticketKey,
    createdAt: String(createdAt),
    slaBusinessDays: status === 'waiting' ? slaBusinessDays(sla) : null,
    marks,
  };
}

/** The plan's SLA when it is a sensible whole number of business days, else the plan default (6). */
export function slaBusinessDays(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : DEFAULT_SLA_BUSINESS_DAYS;
}

/**
 * The core's rules as SQL functions. Holidays arrive as JSON text, parsed once per distinct value. Business days
 * are counted in constant time (business-days.ts), so nothing is memoised: a call costs what crossing into
 * JavaScript costs.
 */
function registerFunctions(db: SqliteDatabase): void {
  let cached: { json: string; list: string[] } = { json: '[]', list: [] };
  const holidays = (json: unknown): string[] => {
    if (json !== cached.json) cached = { json: String(json), list: JSON.parse(String(json)) as string[] };
    return cached.list;
  };
  db.function('cutover_sla', { deterministic: true }, (v: unknown) => slaBusinessDays(v));
  db.function('cutover_business_days', { deterministic: true }, (from: unknown, to: unknown, json: unknown) => {
    // Read as the downtime model reads marks (tryParseInstant): an instant it cannot read gives no figure.
    const start = typeof from === 'string' ? tryParseInstant(from) : null;
    const end = typeof to === 'string' ? tryParseInstant(to) : null;
    return start === null || end === null ? null : businessDaysBetween(start, end, holidays(json));
  });
  db.function('cutover_past_sla', { deterministic: true }, (filed: unknown, now: unknown, sla: unknown, json: unknown) =>
    isTicketPastSla(String(filed), String(now), Number(sla), holidays(json)) ? 1 : 0,
  );
}
