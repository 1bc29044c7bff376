// The ports: every effect the engine needs, as narrow interfaces. Adapters implement them
// (src/adapters/*), in-memory fakes for tests live in test/support/fakes.
// Every effect port pairs its create with a reconcile lookup by this migration's marker, because XState
// restarts in-flight promise actors on restore: an effect must always look before it creates.
import type { Marks, MigrationStatus, StoredError } from './core/types.js';
import type { OutboxEvent } from './core/notifications.js';

// ---------------------------------------------------------------------------------------------- clock, log
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves at the given epoch-ms instant (immediately when it has passed); rejects when aborted. */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>;
}

export type LogFields = Record<string, unknown>;
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

// ---------------------------------------------------------------------------------------------- Jira
export interface TicketRef {
  key: string;
  id: string;
  /** Jira `created`, normalised to UTC ISO-8601. */
  createdAt: string;
}

export interface TicketState extends TicketRef {
  statusName: string;
  /** `new` | `indeterminate` | `done` (Jira's status category key, not its localised name). */
  statusCategory: string;
  /** statusCategory === 'done'. */
  resolved: boolean;
  resolutionName: string | null;
  /** Jira `resolutiondate` normalised to UTC ISO-8601, null while unresolved. */
  resolutionDate: string | null;
  /** When the changelog shows the latest move into a done status (UTC ISO), for cross-checking. */
  doneTransitionAt: string | null;
}

/** A ticket's status as a batch search read it (no changelog): enough to tell that it is not done yet. */
export interface TicketStatus {
  key: string;
  statusName: string;
  statusCategory: string;
  resolved: boolean;
  resolutionDate: string | null;
  /** Epoch ms the search was sent and answered: the poll that uses this status counts from them. */
  sentAt: number;
  observedAt: number;
}

/** What one batch read of a site did. */
export interface TicketPrefetch {
  /** Keys read and found; the not-done ones are left for the polls that follow (`takeKnownStatus`). */
  found: number;
  /** Keys the site did not return (deleted, moved, not visible): their polls GET them. */
  missing: string[];
  /** Keys seen done: their polls read them in full, first. */
  done: string[];
  requests: number;
}

export interface NewTicket {
  projectKey: string;
  issueType: string;
  summary: string;
  /** Plain text; the adapter renders ADF (Cloud v3) or a string (Data Center v2). */
  description: string;
  labels: string[];
}

export interface TicketTracker {
  whoAmI(): Promise<{ displayName: string; accountId?: string }>;
  /** Issue types of a project; throws a ServiceError with status 404 when the project does not exist. */
  issueTypes(projectKey: string): Promise<{ id: string; name: string }[]>;
  /** Reconcile lookup: the ticket carrying this marker label, if one was filed. */
  findByLabel(label: string): Promise<TicketRef | null>;
  create(ticket: NewTicket): Promise<TicketRef>;
  get(key: string): Promise<TicketState>;
  /** Reconcile lookup for comments: true when a comment containing the marker text exists. */
  hasComment(key: string, marker: string): Promise<boolean>;
  comment(key: string, text: string): Promise<void>;
  /** The Jira site (its base URL): trackers of one site share its batch reads and its request budget. */
  readonly site?: string;
  /**
   * Fleet reads (`watch`): the status of many tickets in a few searches. The not-done answers stay valid for
   * the ticket polls until `validUntil` (epoch ms); a done ticket is left to its poll's full read.
   */
  prefetch?(keys: string[], validUntil: number): Promise<TicketPrefetch>;
  /** A not-done status a batch read left for this ticket, taken once; null: the poll reads the ticket itself. */
  takeKnownStatus?(key: string, now: number): TicketStatus | null;
}

// ---------------------------------------------------------------------------------------------- AEP
export interface ConnectionSpec {
  id: string;
  name: string;
  /** Target identities the live spec declares, when it declares any. */
  identities?: string[];
}

export interface RemoteObject {
  id: string;
  name: string;
  description?: string;
  /** UTC ISO-8601 when the service reports it. */
  createdAt?: string;
}

export interface Flow extends RemoteObject {
  createdAt: string;
  /** The flow's own last update (UTC ISO), when the service reports it: a disable's instant. */
  updatedAt?: string;
  state: 'enabled' | 'disabled';
  segmentIds: string[];
  etag: string;
}

export interface FlowRun {
  id: string;
  /** Lower-cased `metrics.statusSummary.status`. */
  status: string;
  startedAt?: string;
  completedAt?: string;
}

export interface Segment {
  id: string;
  name: string;
}

/** An identity namespace of the org (Identity Service): its code is what a flow's identity mapping names. */
export interface IdentityNamespace {
  code: string;
  id: number;
  /** `ACTIVE` or `INACTIVE`. */
  status: string;
  custom: boolean;
}

export type ConnectionKind = 'base' | 'source' | 'target';

export interface NewFlow {
  name: string;
  description: string;
  flowSpecId: string;
  sourceConnectionId: string;
  targetConnectionId: string;
  segmentIds: string[];
  identities: { source: string; target: string; applyHashing?: boolean }[];
}

export interface DestinationPlatform {
  /** Harmless reads that prove the token works and the caller may read destinations and segments. */
  probeAccess(): Promise<{ permission: string; ok: boolean; detail?: string }[]>;
  findConnectionSpec(name: string): Promise<ConnectionSpec | null>;
  findFlowSpec(name: string): Promise<{ id: string; name: string } | null>;
  /** Every base connection of a connection spec (the card allows only one per org). */
  listConnections(specId: string): Promise<RemoteObject[]>;
  /** Reconcile lookup: the object of this kind whose description carries the marker. */
  findByMarker(kind: ConnectionKind, specId: string, marker: string): Promise<RemoteObject | null>;
  createBaseConnection(input: {
    name: string;
    description: string;
    specId: string;
    token?: string;
  }): Promise<RemoteObject>;
  createSourceConnection(input: { name: string; description: string; baseConnectionId: string }): Promise<RemoteObject>;
  createTargetConnection(input: {
    name: string;
    description: string;
    specId: string;
    baseConnectionId: string;
    params: Record<string, string>;
  }): Promise<RemoteObject>;
  findFlowByMarker(targetSpecId: string, marker: string): Promise<Flow | null>;
  createFlow(input: NewFlow): Promise<Flow>;
  getFlow(id: string): Promise<Flow>;
  /**
   * Disables the flow with its current etag in If-Match, re-reading it and retrying on 412; a flow already
   * disabled is left as it is. Returns the flow as it stands afterwards (its updatedAt is when it was disabled).
   */
  disableFlow(id: string): Promise<Flow>;
  /** Deletes a flow or a connection; one that is already gone (404) counts as deleted. */
  deleteFlow(id: string): Promise<void>;
  deleteConnection(kind: ConnectionKind, id: string): Promise<void>;
  listRuns(flowId: string): Promise<FlowRun[]>;
  listSegments(): Promise<Segment[]>;
  /** The org's identity namespaces, standard and custom (Identity Service `GET /idnamespace/identities`). */
  listIdentityNamespaces(): Promise<IdentityNamespace[]>;
}

// ---------------------------------------------------------------------------------------------- Audience Manager
export interface DataSource {
  id: number;
  name: string;
  integrationCode?: string;
}

export interface AamSegment {
  sid: number;
  name: string;
  integrationCode: string | null;
  dataSourceId: number;
  /** UTC ISO-8601. */
  createdAt?: string;
  /** UTC ISO-8601: when the segment last changed (a legacy segment updates while legacy sharing feeds it). */
  updatedAt?: string;
}

export interface AudienceDirectory {
  listDataSources(): Promise<DataSource[]>;
  segmentsInDataSource(dataSourceId: number): Promise<AamSegment[]>;
}

// ---------------------------------------------------------------------------------------------- store
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
  /** Snapshot, versions, summary columns, marks and journal rows: written together or not at all. */
  commitTransition(id: string, t: Transition, fence?: Fence): Promise<void>;
  appendJournal(id: string, entries: JournalEntry[], fence?: Fence): Promise<void>;
  journal(id: string): Promise<JournalRow[]>;
  recordIntent(intent: EffectIntent, fence?: Fence): Promise<void>;
  recordOutcome(outcome: EffectOutcome, fence?: Fence): Promise<void>;
  effects(id: string): Promise<EffectRow[]>;
  /** Granted when there is no lease, it has expired by the store's clock, or it is already this nonce's. */
  acquireLease(request: LeaseRequest): Promise<LeaseResult>;
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
