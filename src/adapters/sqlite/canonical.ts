// Canonical forms of values before they are stored, shared with the in-memory fake so both stores behave alike.
import type { Mark } from '../../core/types.js';
import type { Lease, LeaseRequest } from '../../ports.js';

/** A requested lease with its times stamped by the store's clock (`nowMs`, read inside the write). */
export function stampedLease(r: LeaseRequest, nowMs: number): Lease {
  if (!Number.isInteger(r.ttlMs) || r.ttlMs <= 0) throw new RangeError(`a lease needs a positive ttlMs: ${r.ttlMs}`);
  const now = new Date(nowMs).toISOString();
  const expiresAt = new Date(nowMs + r.ttlMs).toISOString();
  return { migrationId: r.migrationId, nonce: r.nonce, holder: r.holder, acquiredAt: now, heartbeatAt: now, expiresAt };
}

/** An ISO-8601 date-time with an explicit zone: without one, Date.parse would read local time. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * The canonical UTC form of an instant (Date#toISOString): one form, so that text order is time order (lease
 * expiry and updated_at are compared and sorted as text). Throws RangeError for anything else.
 */
export function utc(at: string): string {
  const ms = ISO_INSTANT.test(at) ? Date.parse(at) : NaN;
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO-8601 instant with a time zone: ${JSON.stringify(at)}`);
  return new Date(ms).toISOString();
}

/** A mark with its instant in canonical form; an operator override must say why (DESIGN §3). */
export function canonicalMark(name: string, mark: Mark): Mark {
  if (mark.override && !mark.override.reason.trim()) {
    throw new RangeError(`mark ${name}: an operator override needs a reason`);
  }
  const out: Mark = { at: utc(mark.at), source: mark.source };
  if (mark.override) out.override = { by: mark.override.by, reason: mark.override.reason };
  return out;
}
