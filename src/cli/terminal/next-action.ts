// What a support engineer should do next, from a migration's stored state (and its lock, when known) alone.
import type { Lease, MigrationRecord } from '../../ports.js';

/** Parked after the legacy pipe went off (and not in a rollback already): the way back is offered too. */
function orRollBack(m: MigrationRecord, action: string): string {
  const off = Boolean(m.marks.legacy_stopped) || m.lastError?.code === 'RESOLUTION_TIME_UNKNOWN';
  if (!off || m.marks.rollback_requested) return action;
  const back = `cutover rollback ${m.id} --reason "..."`;
  return `${action}; or, if the new connection cannot carry the audiences, go back to legacy sharing: ${back}`;
}

function forAttention(m: MigrationRecord): string {
  return orRollBack(m, attentionFix(m));
}

function attentionFix(m: MigrationRecord): string {
  const e = m.lastError;
  switch (e?.code) {
    case 'PREFLIGHT_FAILED':
      return (
        `fix the failed checks, then cutover retry ${m.id} --reason "..." ` +
        `(or accept one: cutover skip ${m.id} --check ID --reason "...")`
      );
    case 'VERIFY_TIMEOUT':
      return (
        `check the solutions by hand, then cutover confirm ${m.id} --solution S --reason "..." ` +
        `or cutover skip ${m.id} --check verification --reason "..."`
      );
    case 'RESOLUTION_OUT_OF_BOUNDS':
      return (
        "Jira's resolution times are implausible (see the error): " +
        'ask Customer Care when the legacy pipe stopped, ' +
        `then cutover set-resolution ${m.id} --at ISO --reason "..."`
      );
    case 'REENABLE_TIME_UNKNOWN':
      return `ask Customer Care when legacy sharing came back on, then cutover retry ${m.id} --reason "..."`;
    case 'LEGACY_NOT_SEEN':
      return `ask Customer Care whether legacy sharing is on for the org, then cutover retry ${m.id} --reason "..."`;
    case 'RESOLUTION_TIME_UNKNOWN':
      return (
        'find when the legacy pipe stopped (ask Customer Care), ' +
        `then cutover set-resolution ${m.id} --at ISO --reason "..."`
      );
    default:
      return `fix the cause (${e?.code ?? 'unknown'}: see the error above), then cutover retry ${m.id} --reason "..."`;
  }
}

function forWaiting(m: MigrationRecord): string {
  if (m.state === 'rolling_back.reenable.sleeping') {
    const resume = `cutover resume ${m.id} --follow`;
    return `rolling back: waiting for Customer Care to resolve the re-enable ticket ${m.ticketKey ?? ''}: ${resume}`;
  }
  if (m.state.startsWith('rolling_back')) {
    const resume = `cutover resume ${m.id} --follow`;
    return `rolling back: waiting for the legacy data source to receive the audiences again: ${resume}`;
  }
  if (m.state.startsWith('awaiting_resolution')) {
    return (
      `waiting for Customer Care to resolve ${m.ticketKey ?? 'the ticket'}: ` +
      `cutover resume ${m.id} --follow (or cutover watch); ` +
      `if it was resolved without a date: cutover set-resolution ${m.id} --at ISO --reason "..."`
    );
  }
  return (
    `waiting for the audiences to reach Audience Manager: cutover resume ${m.id} --follow ` +
    `(solutions without an API: cutover confirm ${m.id} --solution S --reason "...")`
  );
}

/** A live lock means someone is driving it now; an expired one means its runner died and resume takes over. */
function forLock(m: MigrationRecord, lease: Lease, nowMs: number): string | null {
  if (m.status === 'completed' || m.status === 'cancelled' || m.status === 'rolled_back') return null;
  if (Date.parse(lease.expiresAt) < nowMs)
    return `its runner ${lease.holder} is gone (lease expired ${lease.expiresAt}): cutover resume ${m.id} takes over`;
  return (
    `being driven by ${lease.holder} since ${lease.acquiredAt}: wait, ` +
    `or if that runner is gone: cutover unlock ${m.id} --lock-id ${lease.nonce} --reason "..."`
  );
}

export function nextAction(m: MigrationRecord, lock?: { lease: Lease | null; nowMs: number }): string {
  const locked = lock?.lease ? forLock(m, lock.lease, lock.nowMs) : null;
  if (locked) return locked;
  switch (m.status) {
    case 'completed':
      return (
        'nothing: the migration is complete (cutover report shows its downtime; ' +
        `to go back anyway: cutover rollback ${m.id} --force --reason "...")`
      );
    case 'rolled_back':
      return (
        'nothing: rolled back, legacy sharing is on again ' +
        '(to move later, start a new migration: docs/runbook.md, "Rolling back")'
      );
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
