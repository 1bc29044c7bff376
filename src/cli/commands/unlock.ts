// cutover unlock: take over the lock of a runner that is gone (a closed laptop, a killed CI job), audited.
// The lease is taken over by its lock id (so a lock that changed hands meanwhile is not stolen), an UNLOCK
// row names the old holder with who and why, and the lease is released so that any runner may resume.
import { isoNow } from '../../adapters/clock.js';
import { DEFAULT_SETTINGS } from '../../engine/types.js';
import { newLease } from '../../engine/lease.js';
import { CutoverError, UsageError } from '../../errors.js';
import type { Lease } from '../../ports.js';
import type { CliContext, GlobalOptions } from '../wiring/context.js';
import { requireReason } from '../operator/reason.js';
import { say } from '../terminal/output.js';
import { openRuntimeStore } from '../wiring/store.js';

interface UnlockOptions extends GlobalOptions {
  lockId?: string;
  reason?: string;
}

function holderText(lease: Lease): string {
  return `${lease.holder} (lock id ${lease.nonce}, since ${lease.acquiredAt}, expires ${lease.expiresAt})`;
}

export default async function unlock([id]: string[], opts: UnlockOptions, ctx: CliContext): Promise<number> {
  const reason = requireReason(opts.reason, 'unlock');
  const lockId = opts.lockId?.trim();
  if (!lockId) throw new UsageError('cutover unlock needs --lock-id L', 'cutover list shows each migration\'s lock id');
  const { store, dbPath } = openRuntimeStore(ctx, opts);
  try {
    if (!(await store.get(id!))) throw new UsageError(`no migration with id ${id} in ${dbPath}`, 'cutover list shows the migrations');
    const held = await store.currentLease(id!);
    if (!held) {
      const hint = `cutover resume ${id} drives it`;
      throw new CutoverError(`migration ${id} is not locked: nothing to unlock`, 'NOT_LOCKED', hint);
    }
    if (held.nonce !== lockId) {
      throw new CutoverError(
        `lock id does not match; the current holder is ${holderText(held)}. `
          + `Taking over a lock by a stale id could let two runners drive ${id} at once`,
        'LOCK_MISMATCH',
        'copy the lock id from cutover list, and unlock only a runner you know is gone',
      );
    }
    const ours = newLease({ store, clock: ctx.clock, holder: `${ctx.actor}:unlock`, ttlMs: DEFAULT_SETTINGS.leaseTtlMs }, id!);
    if (!(await store.takeOverLease(lockId, ours))) {
      throw new CutoverError(`the lock of ${id} changed hands while unlocking; nothing was changed`, 'LOCK_MISMATCH', 'cutover list shows the current holder');
    }
    const data = { lockId, previousHolder: held.holder, previousSince: held.acquiredAt, previousExpiresAt: held.expiresAt };
    await store.appendJournal(id!, [{ kind: 'operator', at: isoNow(ctx.clock), name: 'UNLOCK', actor: ctx.actor, reason, data }]);
    await store.releaseLease(id!, ours.nonce);
    say(ctx, `unlocked ${id} (was held by ${held.holder}); continue with: cutover resume ${id}`);
    return 0;
  } finally {
    await store.close();
  }
}
