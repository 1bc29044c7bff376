// The listing read: every summary column, marks and lease of the filtered migrations in three statements,
// whatever their number (a statement per migration cost more than the rest of `cutover list` at 1,000).
// The first statement is answered from the migrations_listing index alone (migrations/0002), so no plan or
// snapshot is read.
import type { Lease, MigrationFilter, MigrationSummary } from '../../ports.js';
import type { SqliteDatabase } from './open.js';
import { summaryFields, toLease, toMarks, type LeaseRowData, type MarkRowData, type SummaryColumns } from './rows.js';

type FilterParams = { status: string | null; org_id: string | null };
type PageParams = FilterParams & { limit: number };
const FILTER = '(@status IS NULL OR status = @status) AND (@org_id IS NULL OR org_id = @org_id)';
// LIMIT -1 is SQLite's "no limit".
const PAGE = `FROM migrations INDEXED BY migrations_listing WHERE ${FILTER} ORDER BY updated_at DESC, id LIMIT @limit`;
// Must stay the indexed expressions of migrations/0004 word for word, or SQLite reads the table instead.
const PLAN_SLA =
  "(CASE json_type(plan, '$.ticketSlaBusinessDays') WHEN 'integer' " +
  "THEN json_extract(plan, '$.ticketSlaBusinessDays') END)";
const PLAN_ZONE = `(CASE json_type(plan, '$.sla.timeZone') WHEN 'text' THEN json_extract(plan, '$.sla.timeZone') END)`;

type SummaryRowData = SummaryColumns & { plan_sla: number | null; plan_zone: string | null };

export class SummaryReader {
  private readonly rows;
  private readonly marks;
  private readonly leases;
  private readonly count;

  constructor(db: SqliteDatabase) {
    this.rows = db.prepare<[PageParams], SummaryRowData>(
      `SELECT id, org_id, machine_version, xstate_version, state, status, created_at, updated_at, progress_at,
         attempts, last_error, ticket_key, ${PLAN_SLA} AS plan_sla, ${PLAN_ZONE} AS plan_zone ${PAGE}`,
    );
    this.marks = db.prepare<[PageParams], MarkRowData & { migration_id: string }>(
      `SELECT migration_id, name, at, source, override_by, override_reason FROM marks
       WHERE migration_id IN (SELECT id ${PAGE}) ORDER BY migration_id, name`,
    );
    this.leases = db.prepare<[], LeaseRowData>('SELECT * FROM leases');
    this.count = db
      .prepare<[FilterParams], number>(`SELECT count(*) FROM migrations INDEXED BY migrations_listing WHERE ${FILTER}`)
      .pluck();
  }

  read(filter: MigrationFilter, limit?: number): { summaries: MigrationSummary[]; total: number } {
    const params = { status: filter.status ?? null, org_id: filter.orgId ?? null };
    const page = { ...params, limit: limit ?? -1 };
    const marks = groupBy(this.marks.all(page), (m) => m.migration_id);
    const leases = new Map<string, Lease>(this.leases.all().map((row) => [row.migration_id, toLease(row)]));
    const summaries = this.rows
      .all(page)
      .map((row) => toSummary(row, marks.get(row.id) ?? [], leases.get(row.id) ?? null));
    const total = limit !== undefined && summaries.length === limit ? this.count.get(params)! : summaries.length;
    return { summaries, total };
  }
}

function toSummary(row: SummaryRowData, marks: MarkRowData[], lease: Lease | null): MigrationSummary {
  const planSlaTimeZone = row.plan_zone;
  return { ...summaryFields(row), marks: toMarks(marks), planSlaBusinessDays: row.plan_sla, planSlaTimeZone, lease };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
