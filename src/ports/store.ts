// The store port: where a migration, its journal, effects, leases, inbox and outbox live (SQLite, PostgreSQL, or
// the in-memory store of the dry run). Re-exported by ../ports.ts, which front ends and adapters import.
import type { OutboxEvent } from '../core/notifications.js';
import type { Marks, MigrationStatus, StoredError } from '../core/types.js';

export interface MigrationRecord {
  id: string;
  orgId: string;
  plan: unknown;
  snapshot: unknown | null;
  machineVersion: string;
  xstateVersion: string;
  state: string;
  status: MigrationStatus;
  createdAt: string;
  updatedAt: string;
  /** Last time the migration made progress (a state change, not a poll that found nothing). */
  progressAt: string;
  attempts: number;
  lastError: StoredError | null;
  ticketKey: string | null;
  marks: Marks;
}

export type JournalKind = 'event' | 'transition' | 'intent' | 'outcome' | 'observation' | 'operator';
export interface JournalEntry {
  kind: JournalKind;
  at: string;
  /** Short machine-readable name: an event type, an effect step, an operator command. */
  name: string;
  actor?: string;
  reason?: string;
  data?: unknown;
}
export interface JournalRow extends JournalEntry {
  seq: number;
  migrationId: string;
}

export interface Transition {
  snapshot: unknown;
  machineVersion: string;
  xstateVersion: string;
  state: string;
  status: MigrationStatus;
  progressed: boolean;
  attempts: number;
  lastError: StoredError | null;
  ticketKey: string | null;
  marks: Marks;
  journal: JournalEntry[];
  at: string;
  /** Effect intents written in the same transaction (an effect that starts as this state is entered). */
  intents?: EffectIntent[];
  /** Inbox events this transition took, settled in the same transaction (see `postOperatorEvent`). */
  settles?: InboxSettlement[];
  /** Notifications this transition causes (core/notifications.ts), written to the outbox in the same transaction. */
  outbox?: OutboxEvent[];
}

/** What became of an operator event posted to the inbox of a migration another runner drives. */
export type InboxOutcome =
  | { status: 'accepted'; state: string; migrationStatus: MigrationStatus; by: string }
  | { status: 'refused'; state: string; migrationStatus: MigrationStatus; by: string }
  /** Withdrawn by its poster before any runner claimed it: it is never applied. */
  | { status: 'withdrawn'; why: string };

export interface InboxSettlement {
  seq: number;
  at: string;
  outcome: InboxOutcome;
}

export interface NewInboxEvent {
  migrationId: string;
  /** A MigrationEvent, as JSON data. */
  event: unknown;
  postedAt: string;
  postedBy: string;
  /** No runner claims the event after this instant. */
  expiresAt: string;
}

export interface InboxEvent extends NewInboxEvent {
  seq: number;
  claimedAt: string | null;
  claimedBy: string | null;
  settledAt: string | null;
  outcome: InboxOutcome | null;
}

export interface EffectIntent {
  migrationId: string;
  /** `migrationId:step[:n]`. */
  key: string;
  step: string;
  fingerprint: string;
  at: string;
}
export interface EffectOutcome {
  key: string;
  status: 'created' | 'adopted' | 'failed';
  remoteId: string | null;
  at: string;
  error?: StoredError;
}
export interface EffectRow extends EffectIntent {
  attempts: number;
  outcomeAt: string | null;
  status: string | null;
  remoteId: string | null;
}

export interface Lease {
  migrationId: string;
  /** Random nonce: the lock id an operator passes to `unlock --lock-id`. */
  nonce: string;
  /** user@host:pid */
  holder: string;
  acquiredAt: string;
  heartbeatAt: string;
  expiresAt: string;
}
export type LeaseResult = { ok: true; lease: Lease } | { ok: false; heldBy: Lease };

/**
 * What a runner asks for. The store stamps the times with its own clock (SQLite: the time read inside the
 * write's transaction), so that a runner whose clock is off can neither steal a live lease nor keep a dead one.
 */
export interface LeaseRequest {
  migrationId: string;
  nonce: string;
  holder: string;
  ttlMs: number;
}

/** A lease request of a fleet claim (claimLeases), with the due time the claimer's listing showed. */
export interface ClaimRequest extends LeaseRequest {
  /**
   * The stored `due_at` the claimer saw (null: due at once): granted only while the stored one is no later (see
   * core/due.ts `notMovedLater`). Absent: granted whatever it is (a wake: the ticket changed).
   */
  seenDueAt?: string | null;
}

export interface MigrationFilter {
  status?: MigrationStatus;
  orgId?: string;
}

/**
 * What a listing shows of a migration, read in one pass: the record without its plan and snapshot (a listing
 * of thousands must not parse them), the one plan field a stall verdict needs, and the current lease.
 */
export interface MigrationSummary extends Omit<MigrationRecord, 'plan' | 'snapshot'> {
  /** The plan's ticketSlaBusinessDays when it is an integer; null otherwise (the default applies). */
  planSlaBusinessDays: number | null;
  /** The plan's sla.timeZone when it is a string; null otherwise (UTC applies). */
  planSlaTimeZone: string | null;
  lease: Lease | null;
}

/**
 * What the watch scheduler keeps of a watched (active or waiting) migration, read without its snapshot: enough
 * to know when it is due (`dueAt`, the stored instant of core/due.ts; null: due at once) and to drive it.
 */
export interface FleetMigration {
  id: string;
  orgId: string;
  state: string;
  status: MigrationStatus;
  ticketKey: string | null;
  dueAt: string | null;
  /** Absent for the ids the caller said it knows the plan of (a plan does not change once created). */
  plan?: unknown;
}

export interface NewMigration {
  id: string;
  orgId: string;
  plan: unknown;
  machineVersion: string;
  xstateVersion: string;
  state: string;
  status: MigrationStatus;
  at: string;
  journal: JournalEntry[];
  /** The machine's first persisted snapshot, written in the same transaction (a crash leaves all or nothing). */
  snapshot?: unknown;
}

/**
 * The lease a runner's write is made under. A write given a fence is refused, in its own transaction and with
 * nothing written, by a FencedError naming the current holder when the migration's lease is not this nonce's
 * or has expired by the store's clock.
 */
export interface Fence {
  nonce: string;
}

/**
 * Narrow on purpose: a PostgreSQL store must be able to implement it with the same semantics
 * (transition = one transaction; leases = row locks). Async so that it can.
 */
export interface MigrationStore {
  create(m: NewMigration): Promise<void>;
  get(id: string): Promise<MigrationRecord | null>;
  list(filter?: MigrationFilter): Promise<MigrationRecord[]>;
  /**
   * The same migrations in the same order as `list`, as summaries: the first `limit` of them when a limit is
   * given, with the number that match the filter in all.
   */
  summaries(filter?: MigrationFilter, limit?: number): Promise<{ summaries: MigrationSummary[]; total: number }>;
  /**
   * The watched migrations (active, waiting) of `filter.orgId` (all orgs without it), in no promised order,
   * without snapshots; plans only for ids not in `knownPlans`.
   */
  fleet(filter?: { orgId?: string }, knownPlans?: ReadonlySet<string>): Promise<FleetMigration[]>;
  /** Snapshot, versions, summary columns, marks and journal rows: written together or not at all. */
  commitTransition(id: string, t: Transition, fence?: Fence): Promise<void>;
  appendJournal(id: string, entries: JournalEntry[], fence?: Fence): Promise<void>;
  journal(id: string): Promise<JournalRow[]>;
  recordIntent(intent: EffectIntent, fence?: Fence): Promise<void>;
  recordOutcome(outcome: EffectOutcome, fence?: Fence): Promise<void>;
  effects(id: string): Promise<EffectRow[]>;
  /** Granted when there is no lease, it has expired by the store's clock, or it is already this nonce's. */
  acquireLease(request: LeaseRequest): Promise<LeaseResult>;
  /**
   * In one transaction: of the requested migrations, in the order given, those still watched (active, waiting)
   * whose lease is absent or expired by the store's clock, at most `limit` of them, each get the requested lease;
   * returns the granted leases. A migration another claimer is deciding on at this moment is skipped, not
   * waited for (PostgreSQL: `FOR NO KEY UPDATE SKIP LOCKED`), so a busy worker never blocks the others.
   */
  claimLeases(requests: ClaimRequest[], limit: number): Promise<Lease[]>;
  /** Extends the lease to `ttlMs` past the store's now; false when it is no longer ours (taken over, expired). */
  heartbeat(migrationId: string, nonce: string, ttlMs: number): Promise<boolean>;
  releaseLease(migrationId: string, nonce: string): Promise<void>;
  /**
   * Replaces the lease whose current nonce is `lockId` by `lease` (or removes it when `lease` is null: unlock)
   * and appends `journal` (the TAKEOVER or UNLOCK row), in one transaction; false, writing nothing, when the lock
   * id does not match.
   */
  takeOverLease(
    migrationId: string,
    lockId: string,
    lease: LeaseRequest | null,
    journal: JournalEntry[],
  ): Promise<boolean>;
  currentLease(migrationId: string): Promise<Lease | null>;
  /** Queues an operator event for the runner that holds the lease; returns its sequence number. */
  postOperatorEvent(e: NewInboxEvent): Promise<number>;
  /** The events no runner has claimed yet that have not expired at `now`, oldest first. */
  pendingOperatorEvents(migrationId: string, now: string): Promise<InboxEvent[]>;
  /** Marks a pending event as taken by `by`; false when it was claimed, settled or expired already. */
  claimOperatorEvent(migrationId: string, seq: number, by: string, now: string, fence?: Fence): Promise<boolean>;
  /** Records what became of a claimed event that caused no transition; false when it was settled already. */
  settleOperatorEvent(migrationId: string, settlement: InboxSettlement, fence?: Fence): Promise<boolean>;
  /** The poster gives up: settles an unclaimed event as withdrawn; false when a runner claimed it first. */
  withdrawOperatorEvent(migrationId: string, seq: number, why: string, now: string): Promise<boolean>;
  operatorEvent(migrationId: string, seq: number): Promise<InboxEvent | null>;
  /**
   * Registers notification receivers (by id: a hash, never a URL) so that every outbox event written from now on
   * gets a delivery row for each of them, in the event's transaction. Idempotent.
   */
  registerReceivers(receiverIds: string[]): Promise<void>;
  /**
   * Claims up to `limit` due deliveries for each of these receivers, for `claimMs` by the store's clock: for each
   * receiver and migration only the oldest unsent one (a receiver sees a migration's events in order), unsent,
   * due, and not claimed by a live claim. A PostgreSQL store does this with `SELECT ... FOR UPDATE SKIP LOCKED`
   * on the delivery rows, so that several workers never claim the same row.
   */
  claimDeliveries(claim: DeliveryClaim): Promise<Delivery[]>;
  /** Marks a delivery sent; false (nothing written) when it is not `worker`'s live claim or was sent already. */
  markDelivered(eventId: string, receiverId: string, worker: string): Promise<boolean>;
  /** Records a failed attempt and when to try again (`retryInMs` from the store's now); releases the claim. */
  markDeliveryFailed(failure: DeliveryFailure): Promise<boolean>;
  /** Deliveries, newest event first: all of them, or (`failed`) the unsent ones that failed at least once. */
  deliveries(filter?: { failed?: boolean; limit?: number }): Promise<Delivery[]>;
  /** Restores a migration from a support bundle, all of it or none of it (refused when the id exists). */
  importMigration(m: ImportedMigration): Promise<void>;
  close(): Promise<void>;
}

export interface ImportedMigration {
  record: MigrationRecord;
  /** Journal entries in order; this database numbers them anew. */
  journal: JournalEntry[];
  effects: EffectRow[];
}

export interface DeliveryClaim {
  receiverIds: string[];
  /** Who claims (user@host:pid): only this worker may mark the claimed rows. */
  worker: string;
  claimMs: number;
  limit: number;
}

/** One outbox event for one receiver. */
export interface Delivery {
  event: OutboxEvent;
  receiverId: string;
  attempts: number;
  nextAttemptAt: string;
  claimedBy: string | null;
  claimedUntil: string | null;
  sentAt: string | null;
  /** The last failure, as text that holds no URL or secret (e.g. "HTTP 500"). */
  lastError: string | null;
}

export interface DeliveryFailure {
  eventId: string;
  receiverId: string;
  worker: string;
  error: string;
  retryInMs: number;
}

/**
 * Wakes shared by every `cutover watch` worker on one store: a Jira webhook received by any worker wakes the
 * migrations waiting on that ticket in every worker, so the one that drives it re-checks at once. On SQLite
 * (one machine) it stays in the process; on PostgreSQL it is LISTEN/NOTIFY.
 */
export interface FleetWakes {
  /** Announces to the other workers that the ticket `ticketKey` changed (the caller wakes its own migrations). */
  publish(ticketKey: string): Promise<void>;
  /** Calls `onWake` for every other worker's announcement from now on, until closed. */
  subscribe(onWake: (ticketKey: string) => void): Promise<void>;
  close(): Promise<void>;
}
