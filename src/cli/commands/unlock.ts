// cutover unlock: take over the lock of a runner that is gone (a closed laptop, a killed CI job), audited.
// The lease is removed by its lock id (so a lock that changed hands meanwhile is not stolen) in the same store
// transaction as an UNLOCK row that names the old holder with who and why; any runner may then resume.
import { isoNow } from '../../core/time.js';
import { CutoverError, UsageError } from '../../errors.js';
import type { JournalEntry, Lease } from '../../ports.js';
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
  if (!lockId) throw new UsageError('cutover unlock needs --lock-id L', "cutover list shows each migration's lock id");
  const { store, dbPath } = await openRuntimeStore(ctx, opts);
  try {
    if (!(await store.get(id!)))
      throw new UsageError(`no migration with id ${id} in ${dbPath}`, 'cutover list shows the migrations');
    const held = await store.currentLease(id!);
    if (!held) {
      const hint = `cutover resume ${id} drives it`;
      throw new CutoverError(`migration ${id} is not locked: nothing to unlock`, 'NOT_LOCKED', hint);
    }
    if (held.nonce !== lockId) {
      throw new CutoverError(
        `lock id does not match; the current holder is ${holderText(held)}. ` +
          `Taking over a lock by a stale id could let two runners drive ${id} at once`,
        'LOCK_MISMATCH',
        'copy the lock id from cutover list, and unlock only a runner you know is gone',
      );
    }
    const previous = { previousHolder: held.holder, previousSince: held.acquiredAt, previousExpiresAt: held.expiresAt };
    const at = isoNow(ctx.clock);
    const data = { lockId, ...previous };
    const row: JournalEntry = { kind: 'operator', at, name: 'UNLOCK', actor: ctx.actor, reason, data };
    // The old lease goes and the UNLOCK row is written in one transaction, by lock id: all or nothing.
    if (!(await store.takeOverLease(id!, lockId, null, [row]))) {
      throw new CutoverError(
        `the lock of ${id} changed hands while unlocking; nothing was changed`,
        'LOCK_MISMATCH',
        'cutover list shows the current holder',
      );
    }
    say(ctx, `unlocked ${id} (was held by ${held.holder}); continue with: cutover resume ${id}`);
    return 0;
  } finally {
    await store.close();
  }
}
