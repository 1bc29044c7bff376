// Leases on the team store: acquire, heartbeat, release and takeover, each one statement (takeover: one short
// transaction with its journal row) judged by the server's now(), never by the runner's clock.
import type { PoolClient } from 'pg';
import type { JournalEntry, Lease, LeaseRequest, LeaseResult } from '../../ports.js';
import { type LeaseRowData, toLease } from '../sqlite/rows.js';
import { notFound } from './errors.js';
import { journalRows } from './params.js';
import * as SQL from './sql.js';

/** What the leases need of their store: statements, short transactions, resending, and the store's clock. */
export interface LeaseHost {
  q<R extends object>(text: string, values: unknown[], id?: string): Promise<R[]>;
  tx<T>(fn: (c: PoolClient) => Promise<T>, id?: string): Promise<T>;
  send<T>(fn: () => Promise<T>, id?: string): Promise<T>;
  /** One statement, unmapped and sent once: for a caller that wants its row count and resends through send. */
  query(text: string, values: unknown[]): Promise<{ rowCount: number | null }>;
  clock(): string | null;
}

export class LeaseTable {
  constructor(private readonly host: LeaseHost) {}

  private async requireMigration(id: string): Promise<void> {
    if ((await this.host.q('SELECT 1 FROM cutover.migrations WHERE id = $1', [id])).length === 0) throw notFound(id);
  }

  async acquire(r: LeaseRequest): Promise<LeaseResult> {
    if (!Number.isInteger(r.ttlMs) || r.ttlMs <= 0) throw new RangeError(`a lease needs a positive ttlMs: ${r.ttlMs}`);
    await this.requireMigration(r.migrationId);
    // A lease released between the refused upsert and the read of its holder: ask again.
    for (;;) {
      const params = [r.migrationId, r.nonce, r.holder, this.host.clock(), r.ttlMs];
      const [granted] = await this.host.q<LeaseRowData>(SQL.ACQUIRE, params, r.migrationId);
      if (granted) return { ok: true, lease: toLease(granted) };
      const held = await this.current(r.migrationId);
      if (held) return { ok: false, heldBy: held };
    }
  }

  async heartbeat(migrationId: string, nonce: string, ttlMs: number): Promise<boolean> {
    if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`a lease needs a positive ttlMs: ${ttlMs}`);
    const params = [migrationId, nonce, this.host.clock(), ttlMs];
    const result = await this.host.send(() => this.host.query(SQL.HEARTBEAT, params), migrationId);
    return result.rowCount === 1;
  }

  async release(migrationId: string, nonce: string): Promise<void> {
    await this.host.q('DELETE FROM cutover.leases WHERE migration_id = $1 AND nonce = $2', [migrationId, nonce]);
  }

  async takeOver(
    migrationId: string,
    lockId: string,
    lease: LeaseRequest | null,
    journal: JournalEntry[],
  ): Promise<boolean> {
    if (lease && lease.migrationId !== migrationId) return false;
    return this.host.tx(async (c) => {
      const changed = lease
        ? await c.query(SQL.TAKE_OVER, [migrationId, lockId, lease.nonce, lease.holder, this.host.clock(), lease.ttlMs])
        : await c.query('DELETE FROM cutover.leases WHERE migration_id = $1 AND nonce = $2', [migrationId, lockId]);
      if (changed.rowCount !== 1) return false;
      await c.query('SELECT cutover.append_journal($1, $2)', [migrationId, journalRows(journal)]);
      return true;
    }, migrationId);
  }

  async current(migrationId: string): Promise<Lease | null> {
    const [row] = await this.host.q<LeaseRowData>('SELECT * FROM cutover.leases WHERE migration_id = $1', [
      migrationId,
    ]);
    return row ? toLease(row) : null;
  }
}
