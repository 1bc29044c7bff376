// What a support engineer should do next, from a migration's stored state (and its lock, when known) alone.
import type { Lease, MigrationRecord } from '../../ports.js';

function forAttention(m: MigrationRecord): string {
  const e = m.lastError;
  switch (e?.code) {
    case 'PREFLIGHT_FAILED':
      return `fix the failed checks, then cutover retry ${m.id} --reason "..." (or accept one: cutover skip ${m.id} --check ID --reason "...")`;
    case 'VERIFY_TIMEOUT':
      return `check the solutions by hand, then cutover confirm ${m.id} --solution S --reason "..." or cutover skip ${m.id} --check verification --reason "..."`;
    case 'RESOLUTION_OUT_OF_BOUNDS':
      return (
        "Jira's resolution times are implausible (see the error): " +
        'ask Customer Care when the legacy pipe stopped, ' +
        `then cutover set-resolution ${m.id} --at ISO --reason "..."`
      );
    case 'RESOLUTION_TIME_UNKNOWN':
      return `find when the legacy pipe stopped (ask Customer Care), then cutover set-resolution ${m.id} --at ISO --reason "..."`;
    default:
      return `fix the cause (${e?.code ?? 'unknown'}: see the error above), then cutover retry ${m.id} --reason "..."`;
  }
}

function forWaiting(m: MigrationRecord): string {
  if (m.state.startsWith('awaiting_resolution')) {
    return `waiting for Customer Care to resolve ${m.ticketKey ?? 'the ticket'}: cutover resume ${m.id} --follow (or cutover watch); if it was resolved without a date: cutover set-resolution ${m.id} --at ISO --reason "..."`;
  }
  return `waiting for the audiences to reach Audience Manager: cutover resume ${m.id} --follow (solutions without an API: cutover confirm ${m.id} --solution S --reason "...")`;
}

/** A live lock means someone is driving it now; an expired one means its runner died and resume takes over. */
function forLock(m: MigrationRecord, lease: Lease, nowMs: number): string | null {
  if (m.status === 'completed' || m.status === 'cancelled') return null;
  if (Date.parse(lease.expiresAt) < nowMs)
    return `its runner ${lease.holder} is gone (lease expired ${lease.expiresAt}): cutover resume ${m.id} takes over`;
  return `being driven by ${lease.holder} since ${lease.acquiredAt}: wait, or if that runner is gone: cutover unlock ${m.id} --lock-id ${lease.nonce} --reason "..."`;
}

export function nextAction(m: MigrationRecord, lock?: { lease: Lease | null; nowMs: number }): string {
  const locked = lock?.lease ? forLock(m, lock.lease, lock.nowMs) : null;
  if (locked) return locked;
  switch (m.status) {
    case 'completed':
      return 'nothing: the migration is complete (cutover report shows its downtime)';
    case 'cancelled':
      return 'nothing: the migration was cancelled';
    case 'waiting':
      return forWaiting(m);
    case 'needs_attention':
      return forAttention(m);
    default:
      return `nobody is driving it: cutover resume ${m.id}`;
  }
}
