// The report's rows from the team store: the SQLite report's SQL (marks packed as one JSON object per migration,
// the plan read only where it decides something), read through a server-side cursor in batches, so a report
// over 100,000 migrations holds one batch at a time. A report runs in one REPEATABLE READ, READ ONLY
// transaction (`snapshot`): every statement it runs sees the same data.
import type { Pool, PoolClient } from 'pg';
import type { MigrationMarks, ReportQuery, ReportSource } from '../../report/source.js';
import { type RowTuple, toMigrationMarks } from '../sqlite/report-rows.js';
import { type ConnectOptions, createPool } from './connect.js';
import { pgError } from './errors.js';
import { schemaState } from './migrator.js';
import { maskUrl } from './url.js';

const WHERE = `($1::text IS NULL OR m.created_at >= $1) AND ($2::text IS NULL OR m.created_at < $2)
    AND ($3::text IS NULL OR m.org_id = $3) AND ($4::text IS NULL OR m.status = $4)
    AND ($5::text IS NULL OR m.id = $5)`;

// Columns in RowTuple's order. sla: a JSON number as a number (json_extract's answer in SQLite); zone: text.
export const ROWS_SQL = `SELECT m.id, m.org_id, m.status, m.state, m.ticket_key, m.created_at,
  CASE WHEN m.status = 'waiting' AND json_typeof(m.plan->'ticketSlaBusinessDays') = 'number'
    THEN (m.plan->>'ticketSlaBusinessDays')::float8 END AS sla,
  CASE WHEN strpos(m.plan::text, '"timeZone"') > 0 THEN m.plan->'sla'->>'timeZone' END AS zone,
  (SELECT json_object_agg(k.name, json_build_array(k.at, k.source, k.override_by, k.override_reason))
     FROM cutover.marks k WHERE k.migration_id = m.id) AS marks
  FROM cutover.migrations m
  WHERE ${WHERE}
  ORDER BY m.created_at, m.id`;

/** Rows fetched per round trip: large enough that latency does not dominate, small enough to hold. */
const BATCH = 5_000;
const BEGIN_SNAPSHOT = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

let cursors = 0;

/** Opens the report over the store at `url`; a store without the cutover schema yet reports over nothing. */
export async function openPostgresReportSource(url: string, options: ConnectOptions = {}): Promise<ReportSource> {
  const label = maskUrl(url);
  const pool = await createPool(url, { max: 2, ...options });
  try {
    const client = await pool.connect();
    try {
      const state = await schemaState(client, undefined, label);
      return new PostgresReportSource(pool, label, state.applied.length === 0);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => {});
    throw pgError(err, label);
  }
}

export class PostgresReportSource implements ReportSource {
  private client: PoolClient | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly label: string,
    /** No schema yet: an empty fleet. */
    private readonly empty = false,
  ) {}

  async *rows(query: ReportQuery): AsyncIterable<MigrationMarks> {
    if (this.empty) return;
    if (this.client) return yield* this.cursor(this.client, query);
    const client = await this.connect();
    try {
      await client.query(BEGIN_SNAPSHOT);
      yield* this.cursor(client, query);
    } finally {
      await client.query('COMMIT').catch(() => {});
      client.release();
    }
  }

  private async *cursor(client: PoolClient, q: ReportQuery): AsyncIterable<MigrationMarks> {
    const name = `cutover_report_${++cursors}`;
    const params = [q.since ?? null, q.until ?? null, q.orgId ?? null, q.status ?? null, q.id ?? null];
    try {
      await client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${ROWS_SQL}`, params);
      for (;;) {
        const { rows } = await client.query<RowTuple>({ text: `FETCH ${BATCH} FROM ${name}`, rowMode: 'array' });
        for (const row of rows) yield toMigrationMarks(row);
        if (rows.length < BATCH) break;
      }
    } catch (err) {
      throw pgError(err, this.label);
    } finally {
      await client.query(`CLOSE ${name}`).catch(() => {});
    }
  }

  async snapshot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.client || this.empty) return fn();
    const client = await this.connect();
    this.client = client;
    try {
      await client.query(BEGIN_SNAPSHOT);
      return await fn();
    } finally {
      this.client = null;
      await client.query('COMMIT').catch(() => {});
      client.release();
    }
  }

  private async connect(): Promise<PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw pgError(err, this.label);
    }
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
  }
}
