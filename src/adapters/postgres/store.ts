// The PostgreSQL MigrationStore (the team store). Every runner write is one statement (a function of
// migrations/postgres: one round trip, one commit) or one short transaction; none spans a vendor call. Leases
// are judged by the server's now(), and a fenced write is refused in its own transaction (require_holder).
import type { Pool, PoolClient } from 'pg';
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
import { dueAtOf } from '../../core/due.js';
import { utc } from '../sqlite/canonical.js';
import {
  type EffectRowData,
  type JournalRowData,
  type LeaseRowData,
  type MarkRowData,
  type MigrationRowData,
  jsonOrNull,
  toEffectRow,
  toJournalRow,
  toLease,
  toRecord,
} from '../sqlite/rows.js';
import { duplicate, notSent, pgError } from './errors.js';
import { type CopyResult, copyInto, importInto, sameMigration } from './import.js';
import { claimLeases, fleetOf } from './claims.js';
import { InboxTable } from './inbox.js';
import { LeaseTable } from './leases.js';
import { OutboxTable, outboxRows } from './outbox.js';
import { intentRows, journalRows, markRows, migrationParams, summaryOf, type SummaryRow } from './params.js';
import * as SQL from './sql.js';

export interface PostgresStoreOptions {
  /** The store's clock (epoch ms) for the contract tests; without it the server's now() judges leases. */
  now?: () => number;
  /** How long a statement the server never ran is sent again while the server is away (default 30 s). */
  waitMs?: number;
}

const DEFAULT_WAIT_MS = 30_000;

export class PostgresStore implements MigrationStore {
  private readonly inbox: InboxTable;
  private readonly outbox: OutboxTable;
  private readonly leases: LeaseTable;

  constructor(
    private readonly pool: Pool,
    /** The masked URL: the only name of this store that errors and messages carry. */
    readonly label: string,
    private readonly options: PostgresStoreOptions = {},
  ) {
    this.inbox = new InboxTable(this);
    this.outbox = new OutboxTable(this);
    this.leases = new LeaseTable(this);
  }

  /** The clock parameter of a statement: null (the server's now()) unless a clock was injected. */
  clock(): string | null {
    return this.options.now ? new Date(this.options.now()).toISOString() : null;
  }

  /** One statement, its failure mapped (a fenced write's error names `id`). */
  async q<R extends object = Record<string, unknown>>(text: string, values: unknown[], id?: string): Promise<R[]> {
    return (await this.send(() => this.pool.query<R>(text, values), id)).rows;
  }

  /**
   * Runs `fn`, sending it again while the server is away (restarting, failing over) and never ran it, for up to
   * `waitMs`; then, or on any other failure, throws the mapped error (the runner stops, exit 1).
   */
  async send<T>(fn: () => Promise<T>, id?: string): Promise<T> {
    const deadline = Date.now() + (this.options.waitMs ?? DEFAULT_WAIT_MS);
    for (let pause = 100; ; pause = Math.min(pause * 2, 2_000)) {
      try {
        return await fn();
      } catch (err) {
        if (!notSent(err) || Date.now() + pause > deadline) throw pgError(err, this.label, id);
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  query(text: string, values: unknown[]): Promise<{ rowCount: number | null }> {
    return this.pool.query(text, values);
  }

  /** One short transaction: committed when `fn` resolves, rolled back when it throws. */
  async tx<T>(fn: (c: PoolClient) => Promise<T>, id?: string): Promise<T> {
    const client = await this.send(() => this.pool.connect(), id);
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw pgError(err, this.label, id);
    } finally {
      client.release();
    }
  }

  async create(m: NewMigration): Promise<void> {
    const at = utc(m.at);
    const params = migrationParams({ ...m, plan: m.plan, snapshot: m.snapshot, at });
    await this.tx(async (c) => {
      if ((await c.query(SQL.INSERT_MIGRATION, params)).rowCount !== 1) throw duplicate(m.id);
      await c.query('SELECT cutover.append_journal($1, $2)', [m.id, journalRows(m.journal)]);
    });
  }

  async get(id: string): Promise<MigrationRecord | null> {
    const [row] = await this.q<MigrationRowData>('SELECT * FROM cutover.migrations WHERE id = $1', [id]);
    if (!row) return null;
    return toRecord(row, await this.q<MarkRowData>(SQL.MARKS_OF, [[id]]));
  }

  async list(filter: MigrationFilter = {}): Promise<MigrationRecord[]> {
    const rows = await this.q<MigrationRowData>(SQL.LIST, [filter.status ?? null, filter.orgId ?? null]);
    const marks = await this.marksOf(rows.map((r) => r.id));
    return rows.map((row) => toRecord(row, marks.get(row.id) ?? []));
  }

  private async marksOf(ids: string[]): Promise<Map<string, MarkRowData[]>> {
    const groups = new Map<string, MarkRowData[]>();
    if (ids.length === 0) return groups;
    for (const row of await this.q<MarkRowData & { migration_id: string }>(SQL.MARKS_OF, [ids])) {
      const group = groups.get(row.migration_id) ?? [];
      group.push(row);
      groups.set(row.migration_id, group);
    }
    return groups;
  }

  async summaries(
    filter: MigrationFilter = {},
    limit?: number,
  ): Promise<{ summaries: MigrationSummary[]; total: number }> {
    const where = [filter.status ?? null, filter.orgId ?? null];
    const rows = await this.q<SummaryRow>(SQL.SUMMARIES, [...where, limit ?? null]);
    const ids = rows.map((r) => r.id);
    const marks = await this.marksOf(ids);
    const leaseRows = await this.q<LeaseRowData>('SELECT * FROM cutover.leases WHERE migration_id = ANY($1::text[])', [
      ids,
    ]);
    const leases = new Map(leaseRows.map((row) => [row.migration_id, toLease(row)]));
    const summaries = rows.map((r) => summaryOf(r, marks.get(r.id) ?? [], leases.get(r.id) ?? null));
    const counted = limit !== undefined && summaries.length === limit;
    const total = counted ? (await this.q<{ n: number }>(SQL.COUNT, where))[0]!.n : summaries.length;
    return { summaries, total };
  }

  fleet(filter: { orgId?: string } = {}, knownPlans: ReadonlySet<string> = new Set()): Promise<FleetMigration[]> {
    return fleetOf(this, filter.orgId, knownPlans);
  }

  claimLeases(requests: ClaimRequest[], limit: number): Promise<Lease[]> {
    return claimLeases(this, requests, limit);
  }

  async commitTransition(id: string, t: Transition, fence?: Fence): Promise<void> {
    const at = utc(t.at);
    const cols = {
      machine_version: t.machineVersion,
      xstate_version: t.xstateVersion,
      state: t.state,
      status: t.status,
      attempts: t.attempts,
      ticket_key: t.ticketKey,
      updated_at: at,
      progressed: t.progressed,
      due_at: dueAtOf(t),
    };
    const settles = (t.settles ?? []).map((s) => ({ seq: s.seq, at: utc(s.at), outcome: JSON.stringify(s.outcome) }));
    await this.q(
      SQL.COMMIT_TRANSITION,
      [
        ...[id, fence?.nonce ?? null, this.clock(), jsonOrNull(t.snapshot), jsonOrNull(t.lastError)],
        ...[JSON.stringify(cols), markRows(t.marks), journalRows(t.journal), intentRows(t.intents ?? [])],
        ...[JSON.stringify(settles), outboxRows(t.outbox ?? [])],
      ],
      id,
    );
  }

  async appendJournal(id: string, entries: JournalEntry[], fence?: Fence): Promise<void> {
    const params = [id, fence?.nonce ?? null, this.clock(), journalRows(entries)];
    await this.q('SELECT cutover.fenced_journal($1, $2, $3, $4)', params, id);
  }

  async journal(id: string): Promise<JournalRow[]> {
    const rows = await this.q<JournalRowData>('SELECT * FROM cutover.journal WHERE migration_id = $1 ORDER BY seq', [
      id,
    ]);
    return rows.map(toJournalRow);
  }

  async recordIntent(intent: EffectIntent, fence?: Fence): Promise<void> {
    const id = intent.migrationId;
    const params = [id, fence?.nonce ?? null, this.clock(), intentRows([intent])];
    await this.q('SELECT cutover.fenced_intent($1, $2, $3, $4)', params, id);
  }

  async recordOutcome(outcome: EffectOutcome, fence?: Fence): Promise<void> {
    const id = outcome.key.split(':')[0];
    await this.q(
      'SELECT cutover.record_outcome($1, $2, $3, $4, $5, $6, $7)',
      [
        ...[outcome.key, fence?.nonce ?? null, this.clock(), utc(outcome.at)],
        ...[outcome.status, outcome.remoteId, jsonOrNull(outcome.error)],
      ],
      id,
    );
  }

  async effects(id: string): Promise<EffectRow[]> {
    return (await this.q<EffectRowData>(SQL.SELECT_EFFECTS, [id])).map(toEffectRow);
  }

  acquireLease(r: LeaseRequest): Promise<LeaseResult> {
    return this.leases.acquire(r);
  }

  heartbeat(migrationId: string, nonce: string, ttlMs: number): Promise<boolean> {
    return this.leases.heartbeat(migrationId, nonce, ttlMs);
  }

  releaseLease(migrationId: string, nonce: string): Promise<void> {
    return this.leases.release(migrationId, nonce);
  }

  takeOverLease(migrationId: string, lockId: string, lease: LeaseRequest | null, journal: JournalEntry[]) {
    return this.leases.takeOver(migrationId, lockId, lease, journal);
  }

  currentLease(migrationId: string): Promise<Lease | null> {
    return this.leases.current(migrationId);
  }

  postOperatorEvent(e: NewInboxEvent): Promise<number> {
    return this.inbox.post(e);
  }

  pendingOperatorEvents(migrationId: string, now: string): Promise<InboxEvent[]> {
    return this.inbox.pending(migrationId, now);
  }

  claimOperatorEvent(migrationId: string, seq: number, by: string, now: string, fence?: Fence): Promise<boolean> {
    return this.inbox.claim(migrationId, seq, by, now, fence);
  }

  settleOperatorEvent(migrationId: string, settlement: InboxSettlement, fence?: Fence): Promise<boolean> {
    return this.inbox.settle(migrationId, settlement, fence);
  }

  withdrawOperatorEvent(migrationId: string, seq: number, why: string, now: string): Promise<boolean> {
    return this.inbox.withdraw(migrationId, seq, why, now);
  }

  operatorEvent(migrationId: string, seq: number): Promise<InboxEvent | null> {
    return this.inbox.get(migrationId, seq);
  }

  registerReceivers(receiverIds: string[]): Promise<void> {
    return this.outbox.register(receiverIds);
  }

  claimDeliveries(claim: DeliveryClaim): Promise<Delivery[]> {
    return this.outbox.claim(claim);
  }

  markDelivered(eventId: string, receiverId: string, worker: string): Promise<boolean> {
    return this.outbox.delivered(eventId, receiverId, worker);
  }

  markDeliveryFailed(failure: DeliveryFailure): Promise<boolean> {
    return this.outbox.failed(failure);
  }

  deliveries(filter: { failed?: boolean; limit?: number } = {}): Promise<Delivery[]> {
    return this.outbox.list(filter);
  }

  async importMigration(m: ImportedMigration): Promise<void> {
    await this.tx((c) => importInto(c, m), m.record.id);
  }

  /**
   * `store copy`: every migration in one transaction, all or nothing; an id already here is skipped when what is
   * stored is identical (record, journal entries, effects) and refused by name otherwise.
   */
  async copyIn(migrations: ImportedMigration[]): Promise<CopyResult> {
    return this.tx((c) => copyInto(c, migrations, (id, mine) => this.identical(id, mine)));
  }

  private async identical(id: string, mine: ImportedMigration): Promise<boolean> {
    return sameMigration(mine, {
      record: await this.get(id),
      journal: await this.journal(id),
      effects: await this.effects(id),
    });
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
  }
}
