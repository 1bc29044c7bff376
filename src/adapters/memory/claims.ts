// The in-memory store's fleet listing and lease claims, with the SQL stores' rules (test/sqlite/store-contract.ts).
import { isWatched, notMovedLater } from '../../core/due.js';
import type { ClaimRequest, FleetMigration, Lease, LeaseResult, MigrationRecord } from '../../ports.js';
import { stampedLease } from '../sqlite/canonical.js';

export function fleetOf(
  records: Iterable<MigrationRecord>,
  dueAts: ReadonlyMap<string, string | null>,
  orgId: string | undefined,
  known: ReadonlySet<string>,
): FleetMigration[] {
  const out: FleetMigration[] = [];
  for (const r of records) {
    if (!isWatched(r.status) || (orgId && r.orgId !== orgId)) continue;
    const { id, state, status, ticketKey } = r;
    const m: FleetMigration = { id, orgId: r.orgId, state, status, ticketKey, dueAt: dueAts.get(id) ?? null };
    if (!known.has(id)) m.plan = structuredClone(r.plan);
    out.push(m);
  }
  return out;
}

/**
 * The store's acquire rule (`acquire`) for each request in order that is watched and not moved later than its
 * claimer saw, up to `limit` grants.
 */
export function claimIn(
  fleet: { records: ReadonlyMap<string, MigrationRecord>; dueAts: ReadonlyMap<string, string | null> },
  requests: ClaimRequest[],
  limit: number,
  acquire: (request: ClaimRequest, nowMs: number) => LeaseResult,
  nowMs: number,
): Lease[] {
  for (const r of requests) stampedLease(r, nowMs); // a bad ttl fails before anything is granted
  const granted: Lease[] = [];
  for (const request of requests) {
    if (granted.length >= limit) break;
    const id = request.migrationId;
    const record = fleet.records.get(id);
    if (!record || !isWatched(record.status) || granted.some((g) => g.migrationId === id)) continue;
    const seen = request.seenDueAt;
    if (seen !== undefined && !notMovedLater(fleet.dueAts.get(id) ?? null, seen)) continue;
    const result = acquire(request, nowMs);
    if (result.ok) granted.push(result.lease);
  }
  return granted;
}
