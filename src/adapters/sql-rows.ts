// Rows of the inbox and outbox tables, and of the fleet listing, as both SQL stores (SQLite and PostgreSQL) read
// them: the same columns, instants already canonical UTC text, JSON payloads as text. One mapping, so the stores
// cannot drift apart.
import type { OutboxEvent } from '../core/notifications.js';
import type { MigrationStatus } from '../core/types.js';
import type { Delivery, FleetMigration, InboxEvent, InboxOutcome } from '../ports.js';

export interface FleetRowData {
  id: string;
  org_id: string;
  state: string;
  status: string;
  ticket_key: string | null;
  due_at: string | null;
  /** Null for the ids the caller already knows (it keeps their plans). */
  plan: string | null;
}

export function toFleetMigration(r: FleetRowData): FleetMigration {
  const m: FleetMigration = {
    id: r.id,
    orgId: r.org_id,
    state: r.state,
    status: r.status as MigrationStatus,
    ticketKey: r.ticket_key,
    dueAt: r.due_at,
  };
  if (r.plan !== null) m.plan = JSON.parse(r.plan) as unknown;
  return m;
}

export interface InboxRowData {
  seq: number;
  migration_id: string;
  event: string;
  posted_at: string;
  posted_by: string;
  expires_at: string;
  claimed_at: string | null;
  claimed_by: string | null;
  settled_at: string | null;
  outcome: string | null;
}

export function toInboxEvent(row: InboxRowData): InboxEvent {
  return {
    seq: row.seq,
    migrationId: row.migration_id,
    event: JSON.parse(row.event) as unknown,
    postedAt: row.posted_at,
    postedBy: row.posted_by,
    expiresAt: row.expires_at,
    claimedAt: row.claimed_at,
    claimedBy: row.claimed_by,
    settledAt: row.settled_at,
    outcome: row.outcome === null ? null : (JSON.parse(row.outcome) as InboxOutcome),
  };
}

export interface DeliveryRowData {
  id: string;
  migration_id: string;
  org_id: string;
  type: string;
  at: string;
  data: string;
  receiver_id: string;
  attempts: number;
  next_attempt_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  sent_at: string | null;
  last_error: string | null;
}

export function toDelivery(row: DeliveryRowData): Delivery {
  const event: OutboxEvent = {
    id: row.id,
    type: row.type as OutboxEvent['type'],
    migrationId: row.migration_id,
    orgId: row.org_id,
    at: row.at,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
  return {
    event,
    receiverId: row.receiver_id,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    claimedBy: row.claimed_by,
    claimedUntil: row.claimed_until,
    sentAt: row.sent_at,
    lastError: row.last_error,
  };
}
