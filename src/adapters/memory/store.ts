// In-memory MigrationStore with the SQLite store's semantics (proven by test/sqlite/store-contract.ts).
// JSON columns go through a JSON round-trip on the way in, like the real store, and every record is cloned on
// the way out, so tests catch both unserialisable data and aliasing.
import { FencedError, StoreError } from '../../errors.js';
import type {
  Delivery,
  DeliveryClaim,
  DeliveryFailure,
  EffectIntent,
  EffectOutcome,
  EffectRow,
  Fence,
  FleetMigration,
  ImportedMigration,
  InboxEvent,
  InboxSettlement,
  JournalEntry,
  JournalRow,
  Lease,
  ClaimRequest,
  LeaseRequest,
  LeaseResult,
  MigrationFilter,
  MigrationRecord,
  MigrationStore,
  MigrationSummary,
  NewInboxEvent,
  NewMigration,
  Transition,
} from '../../ports.js';
import type { Marks } from '../../core/types.js';
import { canonicalMark, stampedLease, utc } from '../sqlite/canonical.js';
import { dueAtOf } from '../../core/due.js';
import { claimIn, fleetOf } from './claims.js';
import { MemoryOutbox } from './outbox.js';

const integerOrNull = (value: unknown): number | null => (Number.isInteger(value) ? (value as number) : null);
const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const viaJson = <T>(value: T): T =>
  value === undefined || value === null ? (null as T) : JSON.parse(JSON.stringify(value));

export class MemoryStore implements MigrationStore {
  private readonly migrations = new Map<string, MigrationRecord>();
  private readonly rows: JournalRow[] = [];
  private readonly effectRows = new Map<string, EffectRow>();
  private readonly leases = new Map<string, Lease>();
  /** The stored due time of each migration (core/due.ts), written with it as the SQL stores' due_at column. */
  private readonly dueAts = new Map<string, string | null>();
  private readonly inbox: InboxEvent[] = [];
  private seq = 0;
  private inboxSeq = 0;
  private readonly outbox: MemoryOutbox;

  /** `now` is the store's own clock (epoch ms), by which it judges lease expiry. */
  constructor(private readonly now: () => number = Date.now) {
    this.outbox = new MemoryOutbox(now);
  }

  async create(m: NewMigration): Promise<void> {
    if (this.migrations.has(m.id)) throw new StoreError(`migration ${m.id} already exists`, 'STORE_DUPLICATE');
    const at = utc(m.at);
    const journal = this.journalRows(m.id, m.journal);
    this.migrations.set(m.id, {
      id: m.id,
      orgId: m.orgId,
      plan: viaJson(m.plan),
      snapshot: viaJson(m.snapshot ?? null),
      machineVersion: m.machineVersion,
      xstateVersion: m.xstateVersion,
      state: m.state,
      status: m.status,
      createdAt: at,
      updatedAt: at,
      progressAt: at,
      attempts: 0,
      lastError: null,
      ticketKey: null,
      marks: {},
    });
    this.dueAts.set(m.id, dueAtOf(m));
    this.rows.push(...journal);
  }

  async get(id: string): Promise<MigrationRecord | null> {
    const record = this.migrations.get(id);
    return record ? structuredClone(record) : null;
  }

  async list(filter: MigrationFilter = {}): Promise<MigrationRecord[]> {
    const matches = [...this.migrations.values()].filter(
      (r) => (!filter.status || r.status === filter.status) && (!filter.orgId || r.orgId === filter.orgId),
    );
    matches.sort((a, b) => cmp(b.updatedAt, a.updatedAt) || cmp(a.id, b.id));
    return structuredClone(matches);
  }

  async summaries(
    filter: MigrationFilter = {},
    limit?: number,
  ): Promise<{ summaries: MigrationSummary[]; total: number }> {
    const records = await this.list(filter);
    const page = records.slice(0, limit ?? records.length).map(({ plan, snapshot: _snapshot, ...rest }) => ({
      ...rest,
      planSlaBusinessDays: integerOrNull((plan as { ticketSlaBusinessDays?: unknown } | null)?.ticketSlaBusinessDays),
      planSlaTimeZone: stringOrNull((plan as { sla?: { timeZone?: unknown } } | null)?.sla?.timeZone),
      lease: this.leases.get(rest.id) ?? null,
    }));
    return { summaries: page, total: records.length };
  }

  async fleet(filter: { orgId?: string } = {}, knownPlans: ReadonlySet<string> = new Set()): Promise<FleetMigration[]> {
    return fleetOf(this.migrations.values(), this.dueAts, filter.orgId, knownPlans);
  }

  async claimLeases(requests: ClaimRequest[], limit: number): Promise<Lease[]> {
    const fleet = { records: this.migrations, dueAts: this.dueAts };
    return claimIn(fleet, requests, limit, (r, nowMs) => this.acquireAt(r, nowMs), this.now());
  }

  async commitTransition(id: string, t: Transition, fence?: Fence): Promise<void> {
    const current = this.require(id);
    this.requireHolder(id, fence);
    // Everything that can throw runs before anything is changed: all or nothing, like the transaction.
    const at = utc(t.at);
    const next: MigrationRecord = {
      ...current,
      snapshot: viaJson(t.snapshot),
      machineVersion: t.machineVersion,
      xstateVersion: t.xstateVersion,
      state: t.state,
      status: t.status,
      attempts: t.attempts,
      lastError: viaJson(t.lastError),
      ticketKey: t.ticketKey,
      updatedAt: at,
      progressAt: t.progressed ? at : current.progressAt,
      marks: { ...current.marks, ...canonicalMarks(t.marks) },
    };
    const journal = this.journalRows(id, t.journal);
    const settles = (t.settles ?? []).map((x) => ({ ...viaJson(x), at: utc(x.at) }));
    for (const event of t.outbox ?? []) utc(event.at); // an unreadable instant fails before anything changes
    this.migrations.set(id, next);
    this.dueAts.set(id, dueAtOf(t));
    this.rows.push(...journal);
    for (const intent of t.intents ?? []) await this.recordIntent(intent);
    for (const settlement of settles) this.settleNow(id, settlement);
    for (const event of t.outbox ?? []) this.outbox.insert(event);
  }

  async appendJournal(id: string, entries: JournalEntry[], fence?: Fence): Promise<void> {
    this.require(id);
    this.requireHolder(id, fence);
    this.rows.push(...this.journalRows(id, entries));
  }

  async journal(id: string): Promise<JournalRow[]> {
    return structuredClone(this.rows.filter((r) => r.migrationId === id));
  }

  async recordIntent(intent: EffectIntent, fence?: Fence): Promise<void> {
    this.require(intent.migrationId);
    this.requireHolder(intent.migrationId, fence);
    const attempts = (this.effectRows.get(intent.key)?.attempts ?? 0) + 1;
    const row = { ...intent, at: utc(intent.at), attempts, outcomeAt: null, status: null, remoteId: null };
    this.effectRows.set(intent.key, row);
  }

  async recordOutcome(outcome: EffectOutcome, fence?: Fence): Promise<void> {
    const row = this.effectRows.get(outcome.key);
    if (row) this.requireHolder(row.migrationId, fence);
    if (!row) throw new StoreError(`no intent was recorded for effect ${outcome.key}`, 'STORE_NOT_FOUND');
    JSON.stringify(outcome.error); // the real store keeps it as JSON text: fail alike on unserialisable data
    Object.assign(row, { outcomeAt: utc(outcome.at), status: outcome.status, remoteId: outcome.remoteId });
  }

  async effects(id: string): Promise<EffectRow[]> {
    return structuredClone([...this.effectRows.values()].filter((e) => e.migrationId === id));
  }

  async acquireLease(request: LeaseRequest): Promise<LeaseResult> {
    this.require(request.migrationId);
    return this.acquireAt(request, this.now());
  }

  /** The acquire rule: no lease, an expired one (by `nowMs`), or this nonce's own. */
  private acquireAt(request: LeaseRequest, nowMs: number): LeaseResult {
    const granted = stampedLease(request, nowMs);
    const held = this.leases.get(request.migrationId);
    const live = held && held.nonce !== request.nonce && held.expiresAt > granted.acquiredAt;
    if (live) return { ok: false, heldBy: structuredClone(held) };
    this.leases.set(request.migrationId, granted);
    return { ok: true, lease: structuredClone(granted) };
  }

  async heartbeat(migrationId: string, nonce: string, ttlMs: number): Promise<boolean> {
    const held = this.leases.get(migrationId);
    const { heartbeatAt, expiresAt } = stampedLease({ migrationId, nonce, holder: '', ttlMs }, this.now());
    if (held?.nonce !== nonce || held.expiresAt <= heartbeatAt) return false;
    Object.assign(held, { heartbeatAt, expiresAt });
    return true;
  }

  async releaseLease(migrationId: string, nonce: string): Promise<void> {
    if (this.leases.get(migrationId)?.nonce === nonce) this.leases.delete(migrationId);
  }

  async takeOverLease(
    migrationId: string,
    lockId: string,
    lease: LeaseRequest | null,
    journal: JournalEntry[],
  ): Promise<boolean> {
    if (this.leases.get(migrationId)?.nonce !== lockId || (lease && lease.migrationId !== migrationId)) return false;
    const granted = lease && stampedLease(lease, this.now());
    const rows = this.journalRows(migrationId, journal);
    if (granted) this.leases.set(migrationId, granted);
    else this.leases.delete(migrationId);
    this.rows.push(...rows);
    return true;
  }

  async currentLease(migrationId: string): Promise<Lease | null> {
    const held = this.leases.get(migrationId);
    return held ? structuredClone(held) : null;
  }

  async postOperatorEvent(e: NewInboxEvent): Promise<number> {
    this.require(e.migrationId);
    const times = { postedAt: utc(e.postedAt), expiresAt: utc(e.expiresAt) };
    const row = { ...e, event: viaJson(e.event), ...times, seq: ++this.inboxSeq };
    this.inbox.push({ ...row, claimedAt: null, claimedBy: null, settledAt: null, outcome: null });
    return row.seq;
  }

  async pendingOperatorEvents(migrationId: string, now: string): Promise<InboxEvent[]> {
    const at = utc(now);
    const pending = this.inbox.filter((e) => e.migrationId === migrationId && isPending(e, at));
    return structuredClone(pending);
  }

  async claimOperatorEvent(migrationId: string, seq: number, by: string, now: string, fence?: Fence): Promise<boolean> {
    this.requireHolder(migrationId, fence);
    const row = this.inboxRow(migrationId, seq);
    const at = utc(now);
    if (!row || !isPending(row, at)) return false;
    Object.assign(row, { claimedAt: at, claimedBy: by });
    return true;
  }

  async settleOperatorEvent(migrationId: string, settlement: InboxSettlement, fence?: Fence): Promise<boolean> {
    this.requireHolder(migrationId, fence);
    return this.settleNow(migrationId, { ...viaJson(settlement), at: utc(settlement.at) });
  }

  async withdrawOperatorEvent(migrationId: string, seq: number, why: string, now: string): Promise<boolean> {
    const row = this.inboxRow(migrationId, seq);
    if (!row || row.claimedAt !== null || row.settledAt !== null) return false;
    Object.assign(row, { settledAt: utc(now), outcome: { status: 'withdrawn', why } });
    return true;
  }

  async operatorEvent(migrationId: string, seq: number): Promise<InboxEvent | null> {
    const row = this.inboxRow(migrationId, seq);
    return row ? structuredClone(row) : null;
  }

  private inboxRow(migrationId: string, seq: number): InboxEvent | undefined {
    return this.inbox.find((e) => e.migrationId === migrationId && e.seq === seq);
  }

  private settleNow(migrationId: string, settlement: InboxSettlement): boolean {
    const row = this.inboxRow(migrationId, settlement.seq);
    if (!row || row.settledAt !== null) return false;
    Object.assign(row, { settledAt: settlement.at, outcome: settlement.outcome });
    return true;
  }

  async registerReceivers(receiverIds: string[]): Promise<void> {
    this.outbox.register(receiverIds);
  }

  async claimDeliveries(claim: DeliveryClaim): Promise<Delivery[]> {
    return this.outbox.claim(claim);
  }

  async markDelivered(eventId: string, receiverId: string, worker: string): Promise<boolean> {
    return this.outbox.delivered(eventId, receiverId, worker);
  }

  async markDeliveryFailed(failure: DeliveryFailure): Promise<boolean> {
    return this.outbox.failed(failure);
  }

  async deliveries(filter: { failed?: boolean; limit?: number } = {}): Promise<Delivery[]> {
    return this.outbox.list(filter);
  }

  async close(): Promise<void> {}

  /** Before anything is changed, like the real store's check inside the write's transaction. */
  private requireHolder(migrationId: string, fence: Fence | undefined): void {
    if (!fence) return;
    const held = this.leases.get(migrationId);
    const live = held !== undefined && held.expiresAt > new Date(this.now()).toISOString();
    if (held?.nonce === fence.nonce && live) return;
    throw new FencedError(migrationId, held && live ? structuredClone(held) : null);
  }

  private require(id: string): MigrationRecord {
    const record = this.migrations.get(id);
    if (!record) throw new StoreError(`migration ${id} does not exist in this database`, 'STORE_NOT_FOUND');
    return record;
  }

  /** Numbers the rows only once all of them are valid, so a failed batch consumes no sequence numbers. */
  async importMigration(m: ImportedMigration): Promise<void> {
    const r = m.record;
    if (this.migrations.has(r.id)) throw new StoreError(`migration ${r.id} already exists`, 'STORE_DUPLICATE');
    // Everything that can throw runs before anything is changed, like the real store's transaction.
    const record: MigrationRecord = {
      ...viaJson(r),
      createdAt: utc(r.createdAt),
      updatedAt: utc(r.updatedAt),
      progressAt: utc(r.progressAt),
      marks: canonicalMarks(r.marks),
    };
    const journal = this.journalRows(r.id, m.journal);
    const effects = m.effects.map((e) => ({
      ...viaJson(e),
      migrationId: r.id,
      at: utc(e.at),
      outcomeAt: e.outcomeAt ? utc(e.outcomeAt) : null,
    }));
    this.migrations.set(r.id, record);
    this.dueAts.set(r.id, dueAtOf(r));
    this.rows.push(...journal);
    for (const e of effects) this.effectRows.set(e.key, e);
  }

  private journalRows(migrationId: string, entries: JournalEntry[]): JournalRow[] {
    const valid = entries.map((e) => canonicalEntry(e));
    return valid.map((e) => ({ seq: ++this.seq, migrationId, ...e }));
  }
}

function isPending(e: InboxEvent, now: string): boolean {
  return e.claimedAt === null && e.settledAt === null && e.expiresAt > now;
}

function canonicalEntry(e: JournalEntry): JournalEntry {
  const entry: JournalEntry = { kind: e.kind, at: utc(e.at), name: e.name };
  if (e.actor !== undefined) entry.actor = e.actor;
  if (e.reason !== undefined) entry.reason = e.reason;
  if (e.data !== undefined) entry.data = JSON.parse(JSON.stringify(e.data)) as unknown;
  return entry;
}

function canonicalMarks(marks: Marks): Marks {
  const out: Marks = {};
  for (const [name, mark] of Object.entries(marks) as [keyof Marks, Marks[keyof Marks]][]) {
    if (mark) out[name] = canonicalMark(name, mark);
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
