// The fleet on a SQLite store: the light listing watch refreshes from (no snapshot; plans only for the ids the
// caller does not know yet) and the claim of the due migrations' leases, in one immediate transaction (SQLite's
// write lock serialises claimers, so two never take one migration), judged by the store's clock read inside it.
import { isWatched, notMovedLater } from '../../core/due.js';
import type { ClaimRequest, FleetMigration, Lease } from '../../ports.js';
import { type FleetRowData, toFleetMigration } from '../sql-rows.js';
import { stampedLease } from './canonical.js';
import type { SqliteDatabase } from './open.js';
import type { LeaseTable } from './leases.js';
import { lazily } from './statements.js';

interface ClaimRow {
  status: string;
  due_at: string | null;
}

export class FleetTable {
  private readonly sql;

  constructor(
    private readonly db: SqliteDatabase,
    /** The store's clock (epoch ms); read inside each claim's transaction. */
    private readonly now: () => number,
    /** Each grant is the lease table's own acquire, inside the claim's transaction. */
    private readonly leases: LeaseTable,
  ) {
    this.sql = lazily({
      fleet: () =>
        db.prepare<[{ org_id: string | null; known: string }], FleetRowData>(
          `SELECT id, org_id, state, status, ticket_key, due_at,
             CASE WHEN id IN (SELECT value FROM json_each(@known)) THEN NULL ELSE plan END AS plan
           FROM migrations WHERE status IN ('active', 'waiting') AND (@org_id IS NULL OR org_id = @org_id)`,
        ),
      candidate: () => db.prepare<[string], ClaimRow>('SELECT status, due_at FROM migrations WHERE id = ?'),
    });
  }

  fleet(orgId: string | undefined, known: ReadonlySet<string>): FleetMigration[] {
    return this.sql.fleet.all({ org_id: orgId ?? null, known: JSON.stringify([...known]) }).map(toFleetMigration);
  }

  /** The acquire rule (leases.ts) for each request in order, up to `limit` grants, in one transaction. */
  claim(requests: ClaimRequest[], limit: number): Lease[] {
    const run = this.db.transaction((): Lease[] => {
      const nowMs = this.now();
      for (const r of requests) stampedLease(r, nowMs); // a bad ttl fails before anything is granted
      const granted: Lease[] = [];
      const seen = new Set<string>();
      for (const request of requests) {
        if (granted.length >= limit) break;
        if (seen.has(request.migrationId)) continue;
        seen.add(request.migrationId);
        const row = this.sql.candidate.get(request.migrationId);
        if (!row || !isWatched(row.status)) continue;
        if (request.seenDueAt !== undefined && !notMovedLater(row.due_at, request.seenDueAt)) continue;
        const result = this.leases.acquireWithin(request, nowMs);
        if (result.ok) granted.push(result.lease);
      }
      return granted;
    });
    return run.immediate();
  }
}
