// The in-memory store's fleet listing and lease claims, with the SQL stores' rules (test/sqlite/store-contract.ts).
import { isWatched, notMovedLater } from '../../core/due.js';
import type { ClaimRequest, FleetMigration, Lease, MigrationRecord } from '../../ports.js';
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
 * The acquire rule for each request in order (watched, not moved later than the claimer saw, and no live lease
 * but its own), up to `limit` grants.
 */
export function claimIn(
  fleet: { records: ReadonlyMap<string, MigrationRecord>; dueAts: ReadonlyMap<string, string | null> },
  leases: Map<string, Lease>,
  requests: ClaimRequest[],
  limit: number,
  nowMs: number,
): Lease[] {
  const stamped = requests.map((r) => stampedLease(r, nowMs)); // a bad ttl fails before anything is granted
  const granted: Lease[] = [];
  for (const [i, lease] of stamped.entries()) {
    if (granted.length >= limit) break;
    const record = fleet.records.get(lease.migrationId);
    if (!record || !isWatched(record.status) || granted.some((g) => g.migrationId === lease.migrationId)) continue;
    const seen = requests[i]!.seenDueAt;
    if (seen !== undefined && !notMovedLater(fleet.dueAts.get(lease.migrationId) ?? null, seen)) continue;
    const held = leases.get(lease.migrationId);
    if (held && held.nonce !== lease.nonce && held.expiresAt > lease.acquiredAt) continue;
    leases.set(lease.migrationId, lease);
    granted.push(structuredClone(lease));
  }
  return granted;
}
