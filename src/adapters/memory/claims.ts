// The in-memory store's fleet listing and lease claims, with the SQL stores' rules (test/sqlite/store-contract.ts).
import { isWatched } from '../../core/due.js';
import type { FleetMigration, Lease, LeaseRequest, MigrationRecord } from '../../ports.js';
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

/** The acquire rule for each request in order (watched, and no live lease but its own), up to `limit` grants. */
export function claimIn(
  records: ReadonlyMap<string, MigrationRecord>,
  leases: Map<string, Lease>,
  requests: LeaseRequest[],
  limit: number,
  nowMs: number,
): Lease[] {
  const stamped = requests.map((r) => stampedLease(r, nowMs)); // a bad ttl fails before anything is granted
  const granted: Lease[] = [];
  for (const lease of stamped) {
    if (granted.length >= limit) break;
    const record = records.get(lease.migrationId);
    if (!record || !isWatched(record.status) || granted.some((g) => g.migrationId === lease.migrationId)) continue;
    const held = leases.get(lease.migrationId);
    if (held && held.nonce !== lease.nonce && held.expiresAt > lease.acquiredAt) continue;
    leases.set(lease.migrationId, lease);
    granted.push(structuredClone(lease));
  }
  return granted;
}
