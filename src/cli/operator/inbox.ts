// The poster's side of the operator inbox: an operator event for a migration another runner drives is posted
// through the store, and the command waits (bounded) for that runner to settle it. An event nobody claimed in
// time is withdrawn atomically, so it can never be applied later by surprise.
import { setTimeout as sleep } from 'node:timers/promises';
import type { MigrationEvent } from '../../core/machine-types.js';
import { InterruptedError, StoreError, UsageError } from '../../errors.js';
import type { InboxOutcome, Lease, MigrationStore } from '../../ports.js';
import type { CliContext } from '../wiring/context.js';

/** How long a command waits for the runner to take its event (CUTOVER_OPERATOR_WAIT_MS overrides it). */
export const OPERATOR_WAIT_MS = 10_000;
/** A claimed event is settled in the runner's next write; this long past the wait, it is reported as unknown. */
const CLAIMED_GRACE_MS = 5_000;
const POLL_MS = 100;

export type Delivery =
  | { kind: 'settled'; outcome: Exclude<InboxOutcome, { status: 'withdrawn' }> }
  /** The lease was released before any runner took the event: nobody drives it now. */
  | { kind: 'runner-gone' }
  | { kind: 'not-taken'; lease: Lease; waitedMs: number }
  | { kind: 'claimed-unsettled'; by: string };

export function operatorWaitMs(ctx: CliContext): number {
  const raw = ctx.env.CUTOVER_OPERATOR_WAIT_MS;
  if (raw === undefined || raw === '') return OPERATOR_WAIT_MS;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    const found = JSON.stringify(raw);
    const message = `CUTOVER_OPERATOR_WAIT_MS: expected a whole number of milliseconds, found ${found}`;
    throw new UsageError(message, 'e.g. 10000, or unset it');
  }
  return Number(raw);
}

const iso = (ctx: CliContext, plusMs = 0) => new Date(ctx.clock.now() + plusMs).toISOString();

/** Posts `event` for the runner holding the lease and waits for what became of it. */
export async function deliverToRunner(
  ctx: CliContext,
  store: MigrationStore,
  id: string,
  event: MigrationEvent,
  waitMs = operatorWaitMs(ctx),
): Promise<Delivery> {
  const posted = { migrationId: id, event, postedAt: iso(ctx), postedBy: ctx.actor, expiresAt: iso(ctx, waitMs) };
  const seq = await store.postOperatorEvent(posted);
  const started = performance.now();
  let settled = false;
  try {
    const delivery = await awaitSettlement(ctx, store, id, seq, () => performance.now() - started, waitMs);
    settled = true;
    return delivery;
  } finally {
    // Interrupted (or a store error): the event must not be taken after the operator stopped waiting for it.
    if (!settled) await store.withdrawOperatorEvent(id, seq, 'its command was stopped', iso(ctx)).catch(() => false);
  }
}

async function awaitSettlement(
  ctx: CliContext,
  store: MigrationStore,
  id: string,
  seq: number,
  elapsed: () => number,
  waitMs: number,
): Promise<Delivery> {
  for (;;) {
    const row = await store.operatorEvent(id, seq);
    if (!row) throw new StoreError(`the event posted for ${id} is no longer in the database`, 'STORE_NOT_FOUND');
    if (row.outcome && row.outcome.status !== 'withdrawn') return { kind: 'settled', outcome: row.outcome };
    if (!row.claimedAt) {
      const lease = await store.currentLease(id);
      const gone = !lease || lease.expiresAt <= iso(ctx);
      if (gone || elapsed() >= waitMs) {
        const why = gone ? 'no runner holds the migration' : 'no runner took it in time';
        // Withdrawn here, or (already) withdrawn: either way no runner can take it any more.
        const withdrawn = row.outcome !== null || (await store.withdrawOperatorEvent(id, seq, why, iso(ctx)));
        if (withdrawn) return gone ? { kind: 'runner-gone' } : { kind: 'not-taken', lease: lease!, waitedMs: waitMs };
        continue; // a runner claimed it in between: its settlement follows
      }
    } else if (elapsed() >= waitMs + CLAIMED_GRACE_MS) {
      return { kind: 'claimed-unsettled', by: row.claimedBy ?? 'a runner' };
    }
    try {
      await sleep(POLL_MS, undefined, { signal: ctx.signal });
    } catch {
      throw new InterruptedError(
        `stopped waiting for the runner driving ${id}; the event was withdrawn unless that runner had taken it`,
        'INTERRUPTED',
        `cutover show ${id} shows whether it was applied`,
      );
    }
  }
}
