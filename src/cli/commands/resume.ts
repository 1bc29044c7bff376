// cutover resume: drive a migration until it waits on the outside world (or, with --follow, to the end).
import type { CliContext, GlobalOptions } from '../context.js';
import { driveAndReport } from '../drive.js';
import { openRuntime } from '../runtime.js';

export default async function resume([id]: string[], opts: GlobalOptions & { follow?: boolean }, ctx: CliContext): Promise<number> {
  const runtime = openRuntime(ctx, opts);
  try {
    return await driveAndReport(ctx, runtime, id!, { mode: opts.follow ? 'until-done' : 'until-waiting' });
  } finally {
    await runtime.close();
  }
}
