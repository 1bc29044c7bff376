// The lease table: one runner per migration. Every method is one immediate transaction (or runs inside the
// caller's), so two processes racing for the same lease serialise on SQLite's write lock. Expiry is judged by
// the store's clock read inside that transaction, never by a time the runner passes in.
import { FencedError } from '../../errors.js';
import type { Fence, Lease, LeaseRequest, LeaseResult } from '../../ports.js';
import { stampedLease } from './canonical.js';
import type { SqliteDatabase } from './open.js';
import { leaseParams, toLease, type LeaseRowData } from './rows.js';
import { lazily } from './statements.js';

export class LeaseTable {
  private readonly sql;

  constructor(
    private readonly db: SqliteDatabase,
    /** The store's clock (epoch ms); read inside each transaction. */
    private readonly now: () => number,
  ) {
    this.sql = lazily({
      select: () => db.prepare<[string], LeaseRowData>('SELECT * FROM leases WHERE migration_id = ?'),
      upsert: () =>
        db.prepare<[LeaseRowData]>(
          `INSERT INTO leases (migration_id, nonce, holder, acquired_at, heartbeat_at, expires_at)
           VALUES (@migration_id, @nonce, @holder, @acquired_at, @heartbeat_at, @expires_at)
           ON CONFLICT (migration_id) DO UPDATE SET nonce = excluded.nonce, holder = excluded.holder,
             acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at,
             expires_at = excluded.expires_at`,
        ),
      takeOver: () =>
        db.prepare<[LeaseRowData & { lock_id: string }]>(
          `UPDATE leases SET nonce = @nonce, holder = @holder, acquired_at = @acquired_at,
             heartbeat_at = @heartbeat_at, expires_at = @expires_at
           WHERE migration_id = @migration_id AND nonce = @lock_id`,
        ),
      extend: () =>
        db.prepare<[string, string, string, string, string]>(
          'UPDATE leases SET heartbeat_at = ?, expires_at = ? WHERE migration_id = ? AND nonce = ? AND expires_at > ?',
        ),
      remove: () => db.prepare<[string, string]>('DELETE FROM leases WHERE migration_id = ? AND nonce = ?'),
    });
  }

  /** Granted when there is no lease, it has expired by the store's clock, or it is already ours (same nonce). */
  acquire(request: LeaseRequest): LeaseResult {
    return this.db.transaction(() => this.acquireWithin(request, this.now())).immediate();
  }

  /** The acquire rule inside the caller's transaction, at `nowMs` (the store's clock read in it). */
  acquireWithin(request: LeaseRequest, nowMs: number): LeaseResult {
    const lease = stampedLease(request, nowMs);
    const held = this.sql.select.get(request.migrationId);
    const live = held && held.nonce !== request.nonce && held.expires_at > lease.acquiredAt;
    if (live) return { ok: false, heldBy: toLease(held) };
    const params = leaseParams(lease);
    this.sql.upsert.run(params);
    return { ok: true, lease: toLease(params) };
  }

  /** Inside the caller's transaction: replaces (or, given null, removes) the lease whose nonce is `lockId`. */
  takeOverWithin(migrationId: string, lockId: string, request: LeaseRequest | null): boolean {
    if (!request) return this.sql.remove.run(migrationId, lockId).changes === 1;
    if (request.migrationId !== migrationId) return false;
    const params = { ...leaseParams(stampedLease(request, this.now())), lock_id: lockId };
    return this.sql.takeOver.run(params).changes === 1;
  }

  /** Extends a live lease of ours by `ttlMs` from the store's now; an expired one is not revived. */
  heartbeat(migrationId: string, nonce: string, ttlMs: number): boolean {
    return this.db
      .transaction(() => {
        const { heartbeatAt, expiresAt } = stampedLease({ migrationId, nonce, holder: '', ttlMs }, this.now());
        return this.sql.extend.run(heartbeatAt, expiresAt, migrationId, nonce, heartbeatAt).changes === 1;
      })
      .immediate();
  }

  release(migrationId: string, nonce: string): void {
    this.db.transaction(() => this.sql.remove.run(migrationId, nonce)).immediate();
  }

  /** Inside the caller's transaction: throws a FencedError naming the holder unless a live lease is `fence`'s. */
  requireHolder(migrationId: string, fence: Fence | undefined): void {
    if (!fence) return;
    const held = this.sql.select.get(migrationId);
    const live = held !== undefined && held.expires_at > new Date(this.now()).toISOString();
    if (held?.nonce !== fence.nonce || !live) throw new FencedError(migrationId, held && live ? toLease(held) : null);
  }

  current(migrationId: string): Lease | null {
    const row = this.sql.select.get(migrationId);
    return row ? toLease(row) : null;
  }
}
