// One runner per migration. A lease row names its holder (user@host:pid) and expires unless heartbeats
// extend it; a holder on this host whose process is gone is taken over at once, with a journal row.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isoNow } from '../core/time.js';
import { LockedError } from '../errors.js';
import type { Clock, JournalEntry, Lease, LeaseRequest, MigrationStore } from '../ports.js';

export interface LeaseDeps {
  store: MigrationStore;
  clock: Clock;
  holder: string;
  ttlMs: number;
  isProcessAlive?: (pid: number) => boolean;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder's process is known dead: same host, and no such pid. */
export function holderIsDead(lease: Lease, alive: (pid: number) => boolean = processAlive): boolean {
  const match = /@([^:]+):(\d+)$/.exec(lease.holder);
  if (!match || match[1] !== hostname()) return false;
  return !alive(Number(match[2]));
}

/** A fresh nonce for this runner; the store stamps its times (a runner's clock never judges a lease). */
export function leaseRequest(deps: LeaseDeps, migrationId: string): LeaseRequest {
  return { migrationId, nonce: randomBytes(6).toString('hex'), holder: deps.holder, ttlMs: deps.ttlMs };
}

export async function acquire(
  deps: LeaseDeps,
  migrationId: string,
): Promise<{ lease: LeaseRequest; tookOverFrom: Lease | null }> {
  const lease = leaseRequest(deps, migrationId);
  const result = await deps.store.acquireLease(lease);
  if (result.ok) return { lease, tookOverFrom: null };
  const held = result.heldBy;
  if (holderIsDead(held, deps.isProcessAlive ?? processAlive) && (await takeOverDead(deps, held, lease))) {
    return { lease, tookOverFrom: held };
  }
  throw new LockedError(
    `migration ${migrationId} is being driven by ${held.holder} since ${held.acquiredAt} (lock id ${held.nonce}, ` +
      `expires ${held.expiresAt})`,
    'LOCKED',
    `wait for it to finish, or if that runner is gone: cutover unlock ${migrationId} --lock-id ${held.nonce} ` +
      '--reason "..."',
  );
}

/** The lease and its TAKEOVER row in one store transaction: a crash between them cannot leave one alone. */
export function takeOverDead(deps: LeaseDeps, held: Lease, lease: LeaseRequest): Promise<boolean> {
  const row: JournalEntry = {
    kind: 'operator',
    at: isoNow(deps.clock),
    name: 'TAKEOVER',
    actor: deps.holder,
    reason: `previous holder ${held.holder} is no longer running`,
    data: { lockId: held.nonce },
  };
  return deps.store.takeOverLease(held.migrationId, held.nonce, lease, [row]);
}

/**
 * Heartbeats until stopped; calls `lost` if the lease was taken over, or expired by the store's clock. The lease's
 * own TTL paces it: a lease a fleet claim took may have been granted for another TTL than this engine's.
 */
export function keepAlive(deps: LeaseDeps, lease: LeaseRequest, lost: () => void): () => void {
  const timer = setInterval(
    () => {
      deps.store
        .heartbeat(lease.migrationId, lease.nonce, lease.ttlMs)
        .then((ours) => ours || lost())
        .catch(lost);
    },
    Math.max(1000, Math.floor(lease.ttlMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}
