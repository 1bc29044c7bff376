// The SQLite MigrationStore. All SQL lives in this folder; every write is one immediate transaction with no
// await inside, so a transition's snapshot, summary, marks and journal rows land together or not at all.
import fs from 'node:fs';
import { dueAtOf } from '../../core/due.js';
import { StoreError } from '../../errors.js';
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
import { utc } from './canonical.js';
import { FleetTable } from './claims.js';
import { InboxTable } from './inbox.js';
import { LeaseTable } from './leases.js';
import { OutboxTable } from './outbox.js';
import { checkDatabaseFile, migrate, MIGRATIONS_DIR } from './migrator.js';
import { assertSqliteFile, openDatabase, secureSidecars, type SqliteDatabase } from './open.js';
import { openForReading } from './read-open.js';
import {
  journalParams,
  jsonOrNull,
  markParams,
  toEffectRow,
  toJournalRow,
  toRecord,
  type MigrationRowData,
} from './rows.js';
import { prepareStatements, type Statements } from './statements.js';
import { storageError, withStorageErrors } from './storage-errors.js';
import { SummaryReader } from './summaries.js';

/** Opens (creating when missing) and migrates the database at `file`; refuses an unusable one untouched. */
/** The store's own clock (epoch ms), read inside a transaction to judge lease expiry; tests inject a fake one. */
export interface StoreOptions {
  now?: () => number;
}

export function openStore(
  file: string,
  migrationsDir: string = MIGRATIONS_DIR,
  options: StoreOptions = {},
): SqliteStore {
  const creating = file !== ':memory:' && !fs.existsSync(file);
  try {
    checkDatabaseFile(file, migrationsDir);
    const db = openDatabase(file);
    try {
      migrate(db, migrationsDir);
    } catch (err) {
      db.close();
      throw err;
    }
    if (file !== ':memory:') secureSidecars(file);
    return withStorageErrors(new SqliteStore(db, options.now), file);
  } catch (err) {
    if (creating) removeIfEmpty(file);
    throw storageError(err, file);
  }
}

/** A database file this open created and could not fill (a full disk) goes, so that nothing is left behind. */
function removeIfEmpty(file: string): void {
  try {
    if (fs.statSync(file).size === 0) fs.unlinkSync(file);
  } catch {
    // Never created, or already gone: nothing to remove.
  }
}

/**
 * For commands that only read (list, show, export): creates no file, and a read-only connection does not
 * checkpoint the WAL on close (about 20 ms of a short command). Null when there is no database yet. A database
 * whose schema is older than the code is opened the ordinary way, so that it is migrated first. Where the
 * reader cannot create the WAL's -shm file (a read-only folder, a full disk), it reads a copy in memory.
 */
export function openReadOnlyStore(file: string, migrationsDir: string = MIGRATIONS_DIR): SqliteStore | null {
  if (!fs.existsSync(file) || fs.statSync(file).size === 0) return null;
  let db: SqliteDatabase;
  let current: boolean;
  try {
    assertSqliteFile(file);
    ({ db, current } = openForReading(file, migrationsDir));
  } catch (err) {
    throw storageError(err, file);
  }
  if (current) return withStorageErrors(new SqliteStore(db), file);
  db.close();
  return openStore(file, migrationsDir);
}

export class SqliteStore implements MigrationStore {
  private readonly sql: Statements;
  private readonly leases: LeaseTable;
  private readonly inbox: InboxTable;
  private readonly outbox: OutboxTable;
  private summaryReader?: SummaryReader;
  private readonly fleetTable: FleetTable;

  constructor(
    private readonly db: SqliteDatabase,
    now: () => number = Date.now,
  ) {
    this.sql = prepareStatements(db);
    this.leases = new LeaseTable(db, now);
    this.inbox = new InboxTable(db);
    this.outbox = new OutboxTable(db, now);
    this.fleetTable = new FleetTable(db, now, this.leases);
  }

  async create(m: NewMigration): Promise<void> {
    const at = utc(m.at);
    const row: MigrationRowData = {
      id: m.id,
      org_id: m.orgId,
      plan: JSON.stringify(m.plan ?? null),
      snapshot: jsonOrNull(m.snapshot),
      machine_version: m.machineVersion,
      xstate_version: m.xstateVersion,
      state: m.state,
      status: m.status,
      created_at: at,
      updated_at: at,
      progress_at: at,
      attempts: 0,
      last_error: null,
      ticket_key: null,
    };
    this.write(() => {
      if (this.sql.exists.get(m.id)) throw duplicate(m.id);
      this.sql.insertMigration.run({ ...row, due_at: dueAtOf(m) });
      this.insertJournal(m.id, m.journal);
    });
  }

  async get(id: string): Promise<MigrationRecord | null> {
    const row = this.sql.selectMigration.get(id);
    return row ? this.toRecord(row) : null;
  }

  async list(filter: MigrationFilter = {}): Promise<MigrationRecord[]> {
    const rows = this.sql.listMigrations.all({ status: filter.status ?? null, org_id: filter.orgId ?? null });
    return rows.map((row) => this.toRecord(row));
  }

  async summaries(
    filter: MigrationFilter = {},
    limit?: number,
  ): Promise<{ summaries: MigrationSummary[]; total: number }> {
    this.summaryReader ??= new SummaryReader(this.db);
    return this.summaryReader.read(filter, limit);
  }

  async fleet(filter: { orgId?: string } = {}, knownPlans: ReadonlySet<string> = new Set()): Promise<FleetMigration[]> {
    return this.fleetTable.fleet(filter.orgId, knownPlans);
  }

  async claimLeases(requests: ClaimRequest[], limit: number): Promise<Lease[]> {
    return this.fleetTable.claim(requests, limit);
  }

  async commitTransition(id: string, t: Transition, fence?: Fence): Promise<void> {
    const at = utc(t.at);
    this.write(() => {
      this.requireMigration(id);
      this.leases.requireHolder(id, fence);
      const changed = this.sql.updateMigration.run({
        id,
        snapshot: jsonOrNull(t.snapshot),
        machine_version: t.machineVersion,
        xstate_version: t.xstateVersion,
        state: t.state,
        status: t.status,
        attempts: t.attempts,
        last_error: jsonOrNull(t.lastError),
        ticket_key: t.ticketKey,
        updated_at: at,
        progressed: t.progressed ? 1 : 0,
        due_at: dueAtOf(t),
      }).changes;
      if (changed !== 1) throw notFound(id);
      for (const mark of markParams(id, t.marks, at)) this.sql.upsertMark.run(mark);
      this.insertJournal(id, t.journal);
      for (const intent of t.intents ?? []) this.insertIntent(intent);
      for (const settlement of t.settles ?? []) this.inbox.settleWithin(id, settlement);
      for (const event of t.outbox ?? []) this.outbox.insertWithin(event);
    });
  }

  async appendJournal(id: string, entries: JournalEntry[], fence?: Fence): Promise<void> {
    this.write(() => {
      this.requireMigration(id);
      this.leases.requireHolder(id, fence);
      this.insertJournal(id, entries);
    });
  }

  async journal(id: string): Promise<JournalRow[]> {
    return this.sql.selectJournal.all(id).map(toJournalRow);
  }

  async recordIntent(intent: EffectIntent, fence?: Fence): Promise<void> {
    this.write(() => {
      this.requireMigration(intent.migrationId);
      this.leases.requireHolder(intent.migrationId, fence);
      this.insertIntent(intent);
    });
  }

  private insertIntent(intent: EffectIntent): void {
    const { key, migrationId, step, fingerprint, at } = intent;
    this.sql.upsertIntent.run({ key, migration_id: migrationId, step, fingerprint, intent_at: utc(at) });
  }

  async recordOutcome(outcome: EffectOutcome, fence?: Fence): Promise<void> {
    const params = {
      key: outcome.key,
      outcome_at: utc(outcome.at),
      status: outcome.status,
      remote_id: outcome.remoteId,
      error: jsonOrNull(outcome.error),
    };
    this.write(() => {
      const effect = this.sql.effectMigration.get(outcome.key);
      if (effect) this.leases.requireHolder(effect.migration_id, fence);
      if (this.sql.updateOutcome.run(params).changes !== 1) {
        throw new StoreError(`no intent was recorded for effect ${outcome.key}`, 'STORE_NOT_FOUND');
      }
    });
  }

  async effects(id: string): Promise<EffectRow[]> {
    return this.sql.selectEffects.all(id).map(toEffectRow);
  }

  async acquireLease(request: LeaseRequest): Promise<LeaseResult> {
    this.requireMigration(request.migrationId);
    return this.leases.acquire(request);
  }

  async heartbeat(migrationId: string, nonce: string, ttlMs: number): Promise<boolean> {
    return this.leases.heartbeat(migrationId, nonce, ttlMs);
  }

  async releaseLease(migrationId: string, nonce: string): Promise<void> {
    this.leases.release(migrationId, nonce);
  }

  async takeOverLease(
    migrationId: string,
    lockId: string,
    lease: LeaseRequest | null,
    journal: JournalEntry[],
  ): Promise<boolean> {
    let took = false;
    this.write(() => {
      took = this.leases.takeOverWithin(migrationId, lockId, lease);
      if (took) this.insertJournal(migrationId, journal);
    });
    return took;
  }

  async currentLease(migrationId: string): Promise<Lease | null> {
    return this.leases.current(migrationId);
  }

  async postOperatorEvent(e: NewInboxEvent): Promise<number> {
    let seq = 0;
    this.write(() => {
      this.requireMigration(e.migrationId);
      seq = this.inbox.post(e);
    });
    return seq;
  }

  async pendingOperatorEvents(migrationId: string, now: string): Promise<InboxEvent[]> {
    return this.inbox.pending(migrationId, now);
  }

  async claimOperatorEvent(migrationId: string, seq: number, by: string, now: string, fence?: Fence): Promise<boolean> {
    return this.fencedWrite(migrationId, fence, () => this.inbox.claimWithin(migrationId, seq, by, now));
  }

  async settleOperatorEvent(migrationId: string, settlement: InboxSettlement, fence?: Fence): Promise<boolean> {
    return this.fencedWrite(migrationId, fence, () => this.inbox.settleWithin(migrationId, settlement));
  }

  /** One immediate transaction that first checks the runner's lease. */
  private fencedWrite<T>(migrationId: string, fence: Fence | undefined, fn: () => T): T {
    return this.db
      .transaction(() => {
        this.leases.requireHolder(migrationId, fence);
        return fn();
      })
      .immediate();
  }

  async withdrawOperatorEvent(migrationId: string, seq: number, why: string, now: string): Promise<boolean> {
    return this.inbox.withdraw(migrationId, seq, why, now);
  }

  async operatorEvent(migrationId: string, seq: number): Promise<InboxEvent | null> {
    return this.inbox.get(migrationId, seq);
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

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async importMigration(m: ImportedMigration): Promise<void> {
    const r = m.record;
    const row: MigrationRowData = {
      id: r.id,
      org_id: r.orgId,
      plan: JSON.stringify(r.plan ?? null),
      snapshot: jsonOrNull(r.snapshot),
      machine_version: r.machineVersion,
      xstate_version: r.xstateVersion,
      state: r.state,
      status: r.status,
      created_at: utc(r.createdAt),
      updated_at: utc(r.updatedAt),
      progress_at: utc(r.progressAt),
      attempts: r.attempts,
      last_error: jsonOrNull(r.lastError),
      ticket_key: r.ticketKey,
    };
    this.write(() => {
      if (this.sql.exists.get(r.id)) throw duplicate(r.id);
      this.sql.insertMigration.run({ ...row, due_at: dueAtOf(r) });
      for (const mark of markParams(r.id, r.marks, row.updated_at)) this.sql.upsertMark.run(mark);
      this.insertJournal(r.id, m.journal);
      for (const e of m.effects) this.importEffect(r.id, e);
    });
  }

  /** One intent per recorded attempt (the table counts them), then the outcome if there was one. */
  private importEffect(migrationId: string, e: EffectRow): void {
    for (let n = 0; n < Math.max(1, e.attempts); n++) this.insertIntent({ ...e, migrationId });
    if (!e.outcomeAt || !e.status) return;
    this.sql.updateOutcome.run({
      key: e.key,
      outcome_at: utc(e.outcomeAt),
      status: e.status,
      remote_id: e.remoteId,
      error: null,
    });
  }

  private write(fn: () => void): void {
    this.db.transaction(fn).immediate();
  }

  private insertJournal(id: string, entries: JournalEntry[]): void {
    for (const entry of entries) this.sql.insertJournal.run(journalParams(id, entry));
  }

  private requireMigration(id: string): void {
    if (!this.sql.exists.get(id)) throw notFound(id);
  }

  private toRecord(row: MigrationRowData): MigrationRecord {
    return toRecord(row, this.sql.selectMarks.all(row.id));
  }
}

function notFound(id: string): StoreError {
  return new StoreError(
    `migration ${id} does not exist in this database`,
    'STORE_NOT_FOUND',
    'cutover list shows the known migrations',
  );
}

function duplicate(id: string): StoreError {
  return new StoreError(`migration ${id} already exists`, 'STORE_DUPLICATE', `cutover show ${id} displays it`);
}
