// The operator inbox: events posted for the runner that holds a migration's lease. Every write is one immediate
// transaction whose WHERE clause is the whole rule (claim only a pending unexpired row, withdraw only an
// unclaimed one, settle only once), so a poster and a runner racing on the same row serialise on SQLite's lock.
import type { InboxEvent, InboxOutcome, InboxSettlement, NewInboxEvent } from '../../ports.js';
import { type InboxRowData, toInboxEvent } from '../sql-rows.js';
import { utc } from './canonical.js';
import type { SqliteDatabase } from './open.js';
import { lazily } from './statements.js';

export class InboxTable {
  private readonly sql;

  constructor(private readonly db: SqliteDatabase) {
    this.sql = lazily({
      insert: () =>
        db.prepare<[Record<string, string>]>(
          `INSERT INTO operator_inbox (migration_id, event, posted_at, posted_by, expires_at)
         VALUES (@migration_id, @event, @posted_at, @posted_by, @expires_at)`,
        ),
      pending: () =>
        db.prepare<[string, string], InboxRowData>(
          `SELECT * FROM operator_inbox WHERE migration_id = ? AND settled_at IS NULL AND claimed_at IS NULL
           AND expires_at > ? ORDER BY seq`,
        ),
      one: () =>
        db.prepare<[string, number], InboxRowData>('SELECT * FROM operator_inbox WHERE migration_id = ? AND seq = ?'),
      claim: () =>
        db.prepare<[string, string, string, number, string]>(
          `UPDATE operator_inbox SET claimed_at = ?, claimed_by = ?
         WHERE migration_id = ? AND seq = ? AND claimed_at IS NULL AND settled_at IS NULL AND expires_at > ?`,
        ),
      settle: () =>
        db.prepare<[string, string, string, number]>(
          `UPDATE operator_inbox SET settled_at = ?, outcome = ?
         WHERE migration_id = ? AND seq = ? AND settled_at IS NULL`,
        ),
      withdraw: () =>
        db.prepare<[string, string, string, number]>(
          `UPDATE operator_inbox SET settled_at = ?, outcome = ?
         WHERE migration_id = ? AND seq = ? AND claimed_at IS NULL AND settled_at IS NULL`,
        ),
    });
  }

  post(e: NewInboxEvent): number {
    const params = {
      migration_id: e.migrationId,
      event: JSON.stringify(e.event),
      posted_at: utc(e.postedAt),
      posted_by: e.postedBy,
      expires_at: utc(e.expiresAt),
    };
    return Number(this.sql.insert.run(params).lastInsertRowid);
  }

  pending(migrationId: string, now: string): InboxEvent[] {
    return this.sql.pending.all(migrationId, utc(now)).map(toInboxEvent);
  }

  get(migrationId: string, seq: number): InboxEvent | null {
    const row = this.sql.one.get(migrationId, seq);
    return row ? toInboxEvent(row) : null;
  }

  /** Inside the caller's transaction (which checks the runner's lease first). */
  claimWithin(migrationId: string, seq: number, by: string, now: string): boolean {
    const at = utc(now);
    return this.sql.claim.run(at, by, migrationId, seq, at).changes === 1;
  }

  /** Inside the caller's transaction (a transition's): settles once, ignores a row settled already. */
  settleWithin(migrationId: string, s: InboxSettlement): boolean {
    return this.sql.settle.run(utc(s.at), JSON.stringify(s.outcome), migrationId, s.seq).changes === 1;
  }

  withdraw(migrationId: string, seq: number, why: string, now: string): boolean {
    const outcome = JSON.stringify({ status: 'withdrawn', why } satisfies InboxOutcome);
    const withdraw = () => this.sql.withdraw.run(utc(now), outcome, migrationId, seq).changes === 1;
    return this.db.transaction(withdraw).immediate();
  }
}
