// Drives one migration from a command and reports it: progress on stderr as it happens, the outcome as an
// exit code (0 done, 3 needs attention, 6 still waiting, 130 interrupted) with the next command to run.
import type { MigrationEvent } from '../core/machine-types.js';
import type { Plan } from '../core/types.js';
import type { DriveMode, DriveResult } from '../engine/engine.js';
import { EXIT } from '../errors.js';
import type { CliContext } from './context.js';
import { say, styleFor } from './output.js';
import { progressView } from './progress.js';
import type { Runtime } from './runtime.js';
import { troubleText } from './wait-trouble.js';

export function exitFor(ctx: CliContext, result: DriveResult): number {
  const s = styleFor(ctx, 'stderr');
  const id = result.id;
  switch (result.status) {
    case 'completed':
      say(ctx, s.green(`migration ${id} completed`));
      return EXIT.ok;
    case 'cancelled':
      say(ctx, `migration ${id} cancelled`);
      return EXIT.ok;
    case 'waiting': {
      const trouble = troubleText(result.context);
      const state = `${result.state}${trouble ? `; ${trouble}` : ''}`;
      say(ctx, `migration ${id} is waiting (${state}); continue with: cutover resume ${id} --follow`);
      return EXIT.waiting;
    }
    case 'needs_attention': {
      const e = result.context.lastError;
      say(ctx, s.red(`migration ${id} needs attention: ${e?.code}: ${e?.message}`));
      say(ctx, `see: cutover show ${id}`);
      // Rejected credentials get their own exit code: the fix is in the environment, not the migration.
      return e?.httpStatus === 401 || e?.kind === 'auth' ? EXIT.auth : EXIT.needsAttention;
    }
    case 'interrupted':
      say(ctx, `stopped; nothing is lost. Resume with: cutover resume ${id}`);
      return EXIT.interrupted;
    default:
      say(ctx, `migration ${id} stopped in ${result.state}; resume with: cutover resume ${id}`);
      return EXIT.waiting;
  }
}

export async function driveAndReport(ctx: CliContext, runtime: Runtime, id: string, opts: { mode: DriveMode; event?: MigrationEvent }): Promise<number> {
  const record = await runtime.load(id);
  const engine = runtime.engineFor(record.plan as Plan);
  const view = progressView(ctx);
  try {
    const result = await engine.drive(id, { mode: opts.mode, event: opts.event, signal: ctx.signal, onSnapshot: view.update });
    view.stop();
    return exitFor(ctx, result);
  } finally {
    view.stop();
  }
}
