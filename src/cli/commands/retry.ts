// cutover retry: send a parked migration back to the step that failed, with a recorded reason.
import type { CliContext, GlobalOptions } from '../context.js';
import { driveAndReport } from '../drive.js';
import { requireReason } from '../operator.js';
import { openRuntime } from '../runtime.js';

export default async function retry([id]: string[], opts: GlobalOptions & { reason?: string }, ctx: CliContext): Promise<number> {
  const reason = requireReason(opts.reason, 'retry');
  const runtime = openRuntime(ctx, opts);
  try {
    const at = new Date(ctx.clock.now()).toISOString();
    return await driveAndReport(ctx, runtime, id!, { mode: 'until-waiting', event: { type: 'RETRY', by: ctx.actor, reason, at } });
  } finally {
    await runtime.close();
  }
}
