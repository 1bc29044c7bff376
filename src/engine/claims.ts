// Claims: how several watch workers over one store share the fleet. Each pass of a worker's scheduler asks the
// store, in one statement, for the leases of the migrations it finds due (in its urgency order, up to its free
// slots); the store grants only those no live lease holds (PostgreSQL: FOR NO KEY UPDATE SKIP LOCKED), so no two
// workers drive one migration and a busy worker blocks no other. A granted lease is then driven as it is
// (Engine.drive's `lease`), with the heartbeat, fencing and release of any drive. A killed worker's leases expire
// by the store's clock and the others claim its migrations then; one held by a dead process on this host is
// taken over at once, with its TAKEOVER row, as a plain drive would (lease.ts), so one-host fleets never wait.
import type { ClaimRequest, Clock, LeaseRequest, MigrationStore } from '../ports.js';
import { holderIsDead, type LeaseDeps, leaseRequest, takeOverDead } from './lease.js';

export interface FleetClaimsDeps {
  store: MigrationStore;
  clock: Clock;
  /** user@host:pid of this worker. */
  holder: string;
  /** The TTL of the leases a claim takes: the drive's heartbeat keeps them (EngineSettings.leaseTtlMs). */
  ttlMs: number;
  isProcessAlive?: (pid: number) => boolean;
}

/** A migration a pass wants to drive, and the stored due time it was picked by (absent: woken, due whatever). */
export interface ClaimCandidate {
  id: string;
  seenDueAt?: string | null;
}

export interface FleetClaims {
  /** Claims the candidates it can (most urgent first); returns the granted ones with the lease to drive under. */
  take(candidates: ClaimCandidate[]): Promise<Map<string, LeaseRequest>>;
  /** Gives back a claimed lease that will not be driven (the watch stopped before the drive began). */
  release(id: string, nonce: string): Promise<void>;
}

export function fleetClaims(deps: FleetClaimsDeps): FleetClaims {
  const leaseDeps: LeaseDeps = deps;
  return {
    async take(candidates) {
      const requests = new Map<string, ClaimRequest>(candidates.map((c) => [c.id, claimRequest(leaseDeps, c)]));
      const granted = await deps.store.claimLeases([...requests.values()], candidates.length);
      const taken = new Map(granted.map((l) => [l.migrationId, requests.get(l.migrationId)!]));
      for (const { id } of candidates) {
        if (!taken.has(id) && (await takeOverIfDead(deps, requests.get(id)!).catch(() => false)))
          taken.set(id, requests.get(id)!);
      }
      return taken;
    },
    release: (id, nonce) => deps.store.releaseLease(id, nonce),
  };
}

function claimRequest(deps: LeaseDeps, c: ClaimCandidate): ClaimRequest {
  const request: ClaimRequest = leaseRequest(deps, c.id);
  if (c.seenDueAt !== undefined) request.seenDueAt = c.seenDueAt;
  return request;
}

/**
 * The lease of a process on this host that is gone is ours at once (a restarted single-host watch). A failure
 * here counts as "not taken": the leases already granted must still reach their drives, or they would sit unused.
 */
async function takeOverIfDead(deps: FleetClaimsDeps, request: LeaseRequest): Promise<boolean> {
  const held = await deps.store.currentLease(request.migrationId);
  if (!held || !holderIsDead(held, deps.isProcessAlive)) return false;
  return takeOverDead(deps, held, request);
}
