// The notification outbox on the team store (the SQLite outbox's rules, src/adapters/sqlite/outbox.ts): events
// come in with their transition (commit_transition → insert_outbox); a sender claims due deliveries with
// FOR UPDATE SKIP LOCKED, so several workers never claim one row and a busy one never blocks the others; every
// write is one statement judged by the server's clock.
import type { OutboxEvent } from '../../core/notifications.js';
import type { Delivery, DeliveryClaim, DeliveryFailure } from '../../ports.js';
import { type DeliveryRowData, toDelivery } from '../sql-rows.js';
import { utc } from '../sqlite/canonical.js';

/** What the outbox needs of its store: statements and the store's clock. */
export interface OutboxHost {
  q<R extends object>(text: string, values: unknown[], id?: string): Promise<R[]>;
  clock(): string | null;
}

const COLUMNS = `o.id, o.migration_id, o.org_id, o.type, o.at, o.data, d.receiver_id, d.attempts, d.next_attempt_at,
  d.claimed_by, d.claimed_until, d.sent_at, d.last_error`;

// For each receiver, its oldest due deliveries whose migration has no older unsent one (a receiver sees a
// migration's events in order), not under a live claim; rows another claim holds are skipped, not waited for.
const CLAIM = `WITH c AS (SELECT COALESCE($4::timestamptz, now()) AS t),
  due AS (
    SELECT x.event_seq, x.receiver_id FROM unnest($1::text[]) AS rcv(id), c CROSS JOIN LATERAL (
      SELECT d.event_seq, d.receiver_id FROM cutover.outbox_deliveries d
      WHERE d.receiver_id = rcv.id AND d.sent_at IS NULL AND d.next_attempt_at <= cutover.iso(c.t)
        AND (d.claimed_until IS NULL OR d.claimed_until <= cutover.iso(c.t))
        AND NOT EXISTS (SELECT 1 FROM cutover.outbox_deliveries e WHERE e.receiver_id = d.receiver_id
          AND e.migration_id = d.migration_id AND e.sent_at IS NULL AND e.event_seq < d.event_seq)
      ORDER BY d.event_seq LIMIT $3 FOR UPDATE OF d SKIP LOCKED) x
  )
  UPDATE cutover.outbox_deliveries d SET claimed_by = $2,
    claimed_until = cutover.iso(c.t + $5::float8 * interval '1 millisecond')
  FROM due, c, cutover.outbox o
  WHERE d.event_seq = due.event_seq AND d.receiver_id = due.receiver_id AND o.seq = d.event_seq
  RETURNING ${COLUMNS}, o.seq`;

const NOW = 'COALESCE($4::text, cutover.iso(now()))';

const DELIVERED = `UPDATE cutover.outbox_deliveries d SET sent_at = ${NOW}, attempts = attempts + 1,
    claimed_by = NULL, claimed_until = NULL
  WHERE event_seq = (SELECT seq FROM cutover.outbox WHERE id = $1) AND receiver_id = $2 AND sent_at IS NULL
    AND claimed_by = $3 AND claimed_until > ${NOW}`;

const FAILED = `WITH c AS (SELECT COALESCE($4::timestamptz, now()) AS t)
  UPDATE cutover.outbox_deliveries d SET attempts = attempts + 1, last_error = $5,
    next_attempt_at = cutover.iso(c.t + $6::float8 * interval '1 millisecond'), claimed_by = NULL, claimed_until = NULL
  FROM c WHERE event_seq = (SELECT seq FROM cutover.outbox WHERE id = $1) AND receiver_id = $2 AND sent_at IS NULL
    AND claimed_by = $3 AND claimed_until > cutover.iso(c.t)`;

const LIST = `SELECT ${COLUMNS} FROM cutover.outbox_deliveries d JOIN cutover.outbox o ON o.seq = d.event_seq
  WHERE NOT $1::boolean OR (d.sent_at IS NULL AND d.attempts > 0)
  ORDER BY o.seq DESC, d.receiver_id LIMIT $2`;

/** A transition's outbox events as insert_outbox's JSON array. */
export function outboxRows(events: OutboxEvent[]): string {
  return JSON.stringify(
    events.map((e) => ({
      id: e.id,
      migration_id: e.migrationId,
      org_id: e.orgId,
      type: e.type,
      at: utc(e.at),
      data: e.data,
    })),
  );
}

export class OutboxTable {
  constructor(private readonly host: OutboxHost) {}

  async register(receiverIds: string[]): Promise<void> {
    const sql = `INSERT INTO cutover.notify_receivers (id, registered_at)
      SELECT id, COALESCE($2::text, cutover.iso(now())) FROM unnest($1::text[]) AS r(id) ON CONFLICT DO NOTHING`;
    await this.host.q(sql, [receiverIds, this.host.clock()]);
  }

  async claim(c: DeliveryClaim): Promise<Delivery[]> {
    const rows = await this.host.q<DeliveryRowData & { seq: number }>(CLAIM, [
      ...[c.receiverIds, c.worker, c.limit, this.host.clock(), c.claimMs],
    ]);
    rows.sort((a, b) => a.receiver_id.localeCompare(b.receiver_id) || a.seq - b.seq);
    return rows.map(toDelivery);
  }

  async delivered(eventId: string, receiverId: string, worker: string): Promise<boolean> {
    const rows = await this.host.q(`${DELIVERED} RETURNING 1`, [eventId, receiverId, worker, this.host.clock()]);
    return rows.length === 1;
  }

  async failed(f: DeliveryFailure): Promise<boolean> {
    const params = [f.eventId, f.receiverId, f.worker, this.host.clock(), f.error, f.retryInMs];
    return (await this.host.q(`${FAILED} RETURNING 1`, params)).length === 1;
  }

  async list(filter: { failed?: boolean; limit?: number }): Promise<Delivery[]> {
    const rows = await this.host.q<DeliveryRowData>(LIST, [filter.failed ?? false, filter.limit ?? null]);
    return rows.map(toDelivery);
  }
}
