// The notification outbox (migration 0005): events written with the transition that causes them, one delivery
// row per registered receiver, claimed by a sender for a while (by this store's clock) and marked sent.
// Every write here runs inside one immediate transaction, so two senders on one file serialise on SQLite's
// lock and never claim the same row. A PostgreSQL store does the claim with `FOR UPDATE SKIP LOCKED`:
//   SELECT ... FROM outbox_deliveries d WHERE <the same conditions> ORDER BY event_seq LIMIT n
//   FOR UPDATE SKIP LOCKED; UPDATE ... SET claimed_by = $worker, claimed_until = now() + $claim
import type { OutboxEvent } from '../../core/notifications.js';
import type { Delivery, DeliveryClaim, DeliveryFailure } from '../../ports.js';
import { type DeliveryRowData, toDelivery } from '../sql-rows.js';
import { utc } from './canonical.js';
import type { SqliteDatabase } from './open.js';
import { lazily } from './statements.js';

const SELECT_DELIVERY = `SELECT o.seq, o.id, o.migration_id, o.org_id, o.type, o.at, o.data, d.receiver_id,
  d.attempts, d.next_attempt_at, d.claimed_by, d.claimed_until, d.sent_at, d.last_error
  FROM outbox_deliveries d JOIN outbox o ON o.seq = d.event_seq`;

/** The oldest unsent delivery of each (receiver, migration) that is due and not under a live claim. */
const DUE = `${SELECT_DELIVERY}
  WHERE d.receiver_id = @receiver AND d.sent_at IS NULL AND d.next_attempt_at <= @now
    AND (d.claimed_until IS NULL OR d.claimed_until <= @now)
    AND NOT EXISTS (SELECT 1 FROM outbox_deliveries e WHERE e.receiver_id = d.receiver_id
      AND e.migration_id = d.migration_id AND e.sent_at IS NULL AND e.event_seq < d.event_seq)
  ORDER BY d.event_seq LIMIT @limit`;

export class OutboxTable {
  private readonly sql;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => number,
  ) {
    this.sql = lazily({
      insertEvent: () =>
        db.prepare<[Record<string, string>]>(
          `INSERT OR IGNORE INTO outbox (id, migration_id, org_id, type, at, data)
           VALUES (@id, @migration_id, @org_id, @type, @at, @data)`,
        ),
      fanOut: () =>
        db.prepare<[number, string, string]>(
          `INSERT OR IGNORE INTO outbox_deliveries (event_seq, receiver_id, migration_id, next_attempt_at)
           SELECT ?, id, ?, ? FROM notify_receivers`,
        ),
      register: () =>
        db.prepare<[string, string]>('INSERT OR IGNORE INTO notify_receivers (id, registered_at) VALUES (?, ?)'),
      due: () => db.prepare<[Record<string, string | number>], DeliveryRowData & { seq: number }>(DUE),
      claim: () =>
        db.prepare<[string, string, number, string]>(
          'UPDATE outbox_deliveries SET claimed_by = ?, claimed_until = ? WHERE event_seq = ? AND receiver_id = ?',
        ),
      sent: () =>
        db.prepare<[string, string, string, string, string]>(
          `UPDATE outbox_deliveries SET sent_at = ?, attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL
           WHERE event_seq = (SELECT seq FROM outbox WHERE id = ?) AND receiver_id = ? AND sent_at IS NULL
             AND claimed_by = ? AND claimed_until > ?`,
        ),
      failed: () =>
        db.prepare<[string, string, string, string, string, string]>(
          `UPDATE outbox_deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
             claimed_by = NULL, claimed_until = NULL
           WHERE event_seq = (SELECT seq FROM outbox WHERE id = ?) AND receiver_id = ? AND sent_at IS NULL
             AND claimed_by = ? AND claimed_until > ?`,
        ),
      all: () => db.prepare<[number], DeliveryRowData>(`${SELECT_DELIVERY} ORDER BY o.seq DESC, d.receiver_id LIMIT ?`),
      failing: () =>
        db.prepare<[number], DeliveryRowData>(
          `${SELECT_DELIVERY} WHERE d.sent_at IS NULL AND d.attempts > 0 ORDER BY o.seq DESC, d.receiver_id LIMIT ?`,
        ),
    });
  }

  private nowIso(offsetMs = 0): string {
    return new Date(this.now() + offsetMs).toISOString();
  }

  /** Inside the transition's transaction: the event once (its id is its cause), a delivery per receiver. */
  insertWithin(event: OutboxEvent): void {
    const params = {
      id: event.id,
      migration_id: event.migrationId,
      org_id: event.orgId,
      type: event.type,
      at: utc(event.at),
      data: JSON.stringify(event.data),
    };
    const inserted = this.sql.insertEvent.run(params);
    if (inserted.changes !== 1) return;
    this.sql.fanOut.run(Number(inserted.lastInsertRowid), event.migrationId, this.nowIso());
  }

  register(receiverIds: string[]): void {
    const at = this.nowIso();
    this.db.transaction(() => {
      for (const id of receiverIds) this.sql.register.run(id, at);
    })();
  }

  claim(c: DeliveryClaim): Delivery[] {
    return this.db
      .transaction(() => {
        const now = this.nowIso();
        const until = this.nowIso(c.claimMs);
        const claimed: Delivery[] = [];
        for (const receiver of c.receiverIds) {
          for (const row of this.sql.due.all({ receiver, now, limit: c.limit })) {
            this.sql.claim.run(c.worker, until, row.seq, receiver);
            claimed.push(toDelivery({ ...row, claimed_by: c.worker, claimed_until: until }));
          }
        }
        return claimed;
      })
      .immediate();
  }

  delivered(eventId: string, receiverId: string, worker: string): boolean {
    const now = this.nowIso();
    const mark = () => this.sql.sent.run(now, eventId, receiverId, worker, now).changes === 1;
    return this.db.transaction(mark).immediate();
  }

  failed(f: DeliveryFailure): boolean {
    const now = this.nowIso();
    const next = this.nowIso(f.retryInMs);
    const mark = () => this.sql.failed.run(f.error, next, f.eventId, f.receiverId, f.worker, now).changes === 1;
    return this.db.transaction(mark).immediate();
  }

  list(filter: { failed?: boolean; limit?: number }): Delivery[] {
    const limit = filter.limit ?? -1;
    return (filter.failed ? this.sql.failing : this.sql.all).all(limit).map(toDelivery);
  }
}
