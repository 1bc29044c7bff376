// The claim step of a scheduler pass when several workers share the store (engine/claims.ts): the due
// candidates, most urgent first, are claimed in one call; the granted ones are driven under their lease, and the
// others, which another worker drives, are left alone for a while without counting as locked drives.
import type { LeaseRequest } from '../../ports.js';
import type { ClaimCandidate } from '../claims.js';
import type { Entry } from './entry.js';

/** What the scheduler needs of engine/claims.ts's FleetClaims. */
export interface SchedulerClaims {
  take(candidates: ClaimCandidate[]): Promise<Map<string, LeaseRequest>>;
  release(id: string, nonce: string): Promise<void>;
}

export interface ClaimOutcome {
  granted: { entry: Entry; lease: LeaseRequest }[];
  /** Candidates another worker holds (or, when the claim itself failed, all of them). */
  elsewhere: Entry[];
  /** The claim's failure, when it failed (a store hiccup): nothing was granted. */
  error?: unknown;
}

export async function claimCandidates(claims: SchedulerClaims, candidates: Entry[]): Promise<ClaimOutcome> {
  let taken: Map<string, LeaseRequest>;
  try {
    // A woken one is due whatever its stored time says; any other only while no other worker has moved it on.
    taken = await claims.take(candidates.map((e) => (e.wake ? { id: e.id } : { id: e.id, seenDueAt: e.storedDueAt })));
  } catch (error) {
    return { granted: [], elsewhere: candidates, error };
  }
  const granted: ClaimOutcome['granted'] = [];
  const elsewhere: Entry[] = [];
  for (const entry of candidates) {
    const lease = taken.get(entry.id);
    if (lease) granted.push({ entry, lease });
    else elsewhere.push(entry);
  }
  return { granted, elsewhere };
}

/** Gives back leases claimed for drives that will not start (the watch stopped meanwhile). */
export async function releaseAll(claims: SchedulerClaims, granted: ClaimOutcome['granted']): Promise<void> {
  await Promise.allSettled(granted.map((g) => claims.release(g.entry.id, g.lease.nonce)));
}
