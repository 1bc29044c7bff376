// The operator inbox on the team store: the SQLite inbox's rules (inbox.ts there), each write one statement whose
// WHERE clause is the whole rule; a fenced claim or settle checks the runner's lease in the same transaction.
import type { PoolClient } from 'pg';
import type { Fence, InboxEvent, InboxOutcome, InboxSettlement, NewInboxEvent } from '../../ports.js';
import { type InboxRowData, toInboxEvent } from '../sql-rows.js';
import { utc } from '../sqlite/canonical.js';
import { notFound } from './errors.js';
import * as SQL from './sql.js';

/** What the inbox needs of its store: statements, short transactions and the store's clock. */
export interface InboxHost {
  q<R extends object>(text: string, values: unknown[], id?: string): Promise<R[]>;
  tx<T>(fn: (c: PoolClient) => Promise<T>, id?: string): Promise<T>;
  clock(): string | null;
}

export class InboxTable {
  constructor(private readonly host: InboxHost) {}

  async post(e: NewInboxEvent): Promise<number> {
    const params = [e.migrationId, JSON.stringify(e.event), utc(e.postedAt), e.postedBy, utc(e.expiresAt)];
    const [row] = await this.host.q<{ seq: number }>(SQL.POST_EVENT, params);
    if (!row) throw notFound(e.migrationId);
    return row.seq;
  }

  async pending(migrationId: string, now: string): Promise<InboxEvent[]> {
    return (await this.host.q<InboxRowData>(SQL.PENDING_EVENTS, [migrationId, utc(now)])).map(toInboxEvent);
  }

  async get(migrationId: string, seq: number): Promise<InboxEvent | null> {
    const sql = 'SELECT * FROM cutover.operator_inbox WHERE migration_id = $1 AND seq = $2';
    const [row] = await this.host.q<InboxRowData>(sql, [migrationId, seq]);
    return row ? toInboxEvent(row) : null;
  }

  claim(migrationId: string, seq: number, by: string, now: string, fence?: Fence): Promise<boolean> {
    return this.fenced(migrationId, fence, SQL.CLAIM_EVENT, [migrationId, seq, utc(now), by]);
  }

  settle(migrationId: string, s: InboxSettlement, fence?: Fence): Promise<boolean> {
    const params = [migrationId, s.seq, utc(s.at), JSON.stringify(s.outcome)];
    return this.fenced(migrationId, fence, SQL.SETTLE_EVENT, params);
  }

  async withdraw(migrationId: string, seq: number, why: string, now: string): Promise<boolean> {
    const outcome = JSON.stringify({ status: 'withdrawn', why } satisfies InboxOutcome);
    const rows = await this.host.q(`${SQL.WITHDRAW_EVENT} RETURNING seq`, [migrationId, seq, utc(now), outcome]);
    return rows.length === 1;
  }

  /** One transaction that first checks the runner's lease, then makes the write; true when it changed a row. */
  private fenced(migrationId: string, fence: Fence | undefined, sql: string, params: unknown[]): Promise<boolean> {
    return this.host.tx(async (c) => {
      if (fence) await c.query(SQL.REQUIRE_HOLDER, [migrationId, fence.nonce, this.host.clock()]);
      return (await c.query(sql, params)).rowCount === 1;
    }, migrationId);
  }
}
