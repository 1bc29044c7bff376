// The report's SQL (DESIGN §3 marks of each migration). Rows are streamed with stmt.iterate(), one at a time in
// raw mode; the aggregate is folded in JavaScript from the same rows (report/aggregate-js.ts), in the pass that
// renders them, so the report reads the database once.
import type { MigrationMarks, ReportQuery, ReportSource } from '../../report/source.js';
import { checkDatabaseFile, migrate } from './migrator.js';
import { type RowTuple, toMigrationMarks } from './report-rows.js';
import { openDatabase, type SqliteDatabase } from './open.js';
import { storageError } from './storage-errors.js';

const WHERE = `(@since IS NULL OR m.created_at >= @since) AND (@until IS NULL OR m.created_at < @until)
    AND (@org_id IS NULL OR m.org_id = @org_id) AND (@status IS NULL OR m.status = @status)
    AND (@id IS NULL OR m.id = @id)`;

// Marks come packed as one JSON object per migration ({name: [at, source, by, reason]}): one correlated index
// range scan, and far fewer values to marshal into JavaScript than 20 pivoted columns.
// Columns come back as arrays (raw mode: no object per row), in this order. The plan's SLA is read only where it
// decides something (a waiting migration's "stalled"): parsing every plan is a third of the statement's time.
// The plan's zone decides every row's business days, so it is read from every plan that names one: the instr
// test is a plain substring search, and a plan without "timeZone" (every UTC plan) is never parsed for it.
const ROWS_SQL = `SELECT m.id, m.org_id, m.status, m.state, m.ticket_key, m.created_at,
  CASE WHEN m.status = 'waiting' THEN json_extract(m.plan, '$.ticketSlaBusinessDays') END AS sla,
  CASE WHEN instr(m.plan, '"timeZone"') > 0 THEN json_extract(m.plan, '$.sla.timeZone') END AS zone,
  (SELECT json_group_object(k.name, json_array(k.at, k.source, k.override_by, k.override_reason))
     FROM marks k WHERE k.migration_id = m.id) AS marks
  FROM migrations m
  WHERE ${WHERE}
  ORDER BY m.created_at, m.id`;

type SqlRow = Record<string, string | number | null>;

/** Opens the database as every command does (created and migrated when needed), then forbids writes. */
export function openReportSource(file: string): SqliteReportSource {
  try {
    checkDatabaseFile(file);
    const db = openDatabase(file);
    try {
      migrate(db);
      db.pragma('query_only = ON');
      // 8 MB of page cache instead of the default 16: SQLite also sizes a sort's in-memory runs by it, so this
      // caps what the rows' sort holds before spilling, keeping peak memory flat as the fleet grows (no slower).
      db.pragma('cache_size = -8000');
    } catch (err) {
      db.close();
      throw err;
    }
    return new SqliteReportSource(db);
  } catch (err) {
    throw storageError(err, file);
  }
}

export class SqliteReportSource implements ReportSource {
  private readonly rowsStmt;

  constructor(private readonly db: SqliteDatabase) {
    this.rowsStmt = db.prepare<[SqlRow], RowTuple>(ROWS_SQL).raw(true);
  }

  async *rows(query: ReportQuery): AsyncIterable<MigrationMarks> {
    for (const row of this.rowsStmt.iterate(filterParams(query))) yield toMigrationMarks(row);
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
  return {
    since: q.since ?? null,
    until: q.until ?? null,
    org_id: q.orgId ?? null,
    status: q.status ?? null,
    id: q.id ?? null,
  };
}
