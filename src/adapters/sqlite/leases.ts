// The lease table: one runner per migration. Every method is one immediate transaction, so two processes
// racing for the same lease serialise on SQLite's write lock.
import { FencedError } from '../../errors.js';
import type { Fence, Lease, LeaseResult } from '../../ports.js';
import { utc } from './canonical.js';
import type { SqliteDatabase } from './open.js';
import { leaseParams, toLease, type LeaseRowData } from './rows.js';
import { lazily } from './statements.js';

export class LeaseTable {
  private readonly sql;

  constructor(private readonly db: SqliteDatabase) {
    this.sql = lazily({
      select: () => db.prepare<[string], LeaseRowData>('SELECT * FROM leases WHERE migration_id = ?'),
      upsert: () =>
        db.prepare<[LeaseRowData]>(
          `INSERT INTO leases (migration_id, nonce, holder, acquired_at, heartbeat_at, expires_at)
           VALUES (@migration_id, @nonce, @holder, @acquired_at, @heartbeat_at, @expires_at)
           ON CONFLICT (migration_id) DO UPDATE SET nonce = excluded.nonce, holder = excluded.holder,
             acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at`,
        ),
      takeOver: () =>
        db.prepare<[LeaseRowData & { lock_id: string }]>(
          `UPDATE leases SET nonce = @nonce, holder = @holder, acquired_at = @acquired_at,
             heartbeat_at = @heartbeat_at, expires_at = @expires_at
           WHERE migration_id = @migration_id AND nonce = @lock_id`,
        ),
      extend: () => db.prepare<[string, string, string, string]>('UPDATE leases SET heartbeat_at = ?, expires_at = ? WHERE migration_id = ? AND nonce = ?'),
      remove: () => db.prepare<[string, string]>('DELETE FROM leases WHERE migration_id = ? AND nonce = ?'),
    });
  }

  /** Granted when there is no lease, it has expired, or it is already ours (same nonce). */
  acquire(lease: Lease, now: string): LeaseResult {
    const params = leaseParams(lease);
    const nowUtc = utc(now);
    const run = this.db.transaction((): LeaseResult => {
      const held = this.sql.select.get(lease.migrationId);
      if (held && held.nonce !== lease.nonce && held.expires_at > nowUtc) return { ok: false, heldBy: toLease(held) };
      this.sql.upsert.run(params);
      return { ok: true, lease: toLease(params) };
    });
    return run.immediate();
  }

  /** Inside the caller's transaction: replaces (or, given null, removes) the lease whose nonce is `lockId`. */
  takeOverWithin(migrationId: string, lockId: string, lease: Lease | null): boolean {
    if (!lease) return this.sql.remove.run(migrationId, lockId).changes === 1;
    if (lease.migrationId !== migrationId) return false;
    return this.sql.takeOver.run({ ...leaseParams(lease), lock_id: lockId }).changes === 1;
  }

  heartbeat(migrationId: string, nonce: string, now: string, expiresAt: string): boolean {
    const args = [utc(now), utc(expiresAt), migrationId, nonce] as const;
    return this.db.transaction(() => this.sql.extend.run(...args).changes === 1).immediate();
  }

  release(migrationId: string, nonce: string): void {
    this.db.transaction(() => this.sql.remove.run(migrationId, nonce)).immediate();
  }

  /** Inside the caller's transaction: throws a FencedError naming the holder unless the lease is `fence`'s. */
  requireHolder(migrationId: string, fence: Fence | undefined): void {
    if (!fence) return;
    const held = this.sql.select.get(migrationId);
    if (held?.nonce !== fence.nonce) throw new FencedError(migrationId, held ? toLease(held) : null);
  }

  current(migrationId: string): Lease | null {
    const row = this.sql.select.get(migrationId);
    return row ? toLease(row) : null;
  }
}
