// Drives one migration from a command and reports it: progress on stderr as it happens, the outcome as an
// exit code (0 done, 3 needs attention, 6 still waiting, 130 interrupted) with the next command to run, and
// with --json the outcome as data on stdout (driveJson: the keys are documented in docs/runbook.md).
import { computeDowntime } from '../../core/downtime.js';
import type { MigrationEvent } from '../../core/machine-types.js';
import type { Plan } from '../../core/types.js';
import type { DriveMode, DriveResult } from '../../engine/index.js';
import { EXIT } from '../../errors.js';
import type { CliContext } from '../wiring/context.js';
import { printJson, say, styleFor } from '../terminal/output.js';
import { progressView } from '../terminal/drive-progress.js';
import type { Runtime } from '../wiring/runtime.js';
import { troubleText } from '../terminal/wait-trouble.js';

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
    case 'rolled_back':
      say(ctx, s.green(`migration ${id} rolled back: legacy sharing is on again and seen in Audience Manager`));
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
      // Parked after the legacy pipe went off (the wizard's failure screen too): offer the way back.
      const c = result.context;
      if ((c.marks.legacy_stopped || c.lastPoll?.statusCategory === 'done') && !c.rollback)
        say(
          ctx,
          `or go back to legacy sharing: cutover rollback ${id} --reason "..." (docs/runbook.md, "Rolling back")`,
        );
      // Rejected credentials get their own exit code: the fix is in the environment, not the migration.
      return e?.httpStatus === 401 || e?.kind === 'auth' ? EXIT.auth : EXIT.needsAttention;
    }
    case 'interrupted':
      say(ctx, `stopped; nothing is lost. Resume with: cutover resume ${id} --follow`);
      return EXIT.interrupted;
    default:
      say(ctx, `migration ${id} stopped in ${result.state}; resume with: cutover resume ${id} --follow`);
      return EXIT.waiting;
  }
}

/** What a drive ended in, as data: the same keys as `cutover demo --json`, plus the state, ticket and error. */
export function driveJson(result: DriveResult, db: string, exitCode: number): Record<string, unknown> {
  const c = result.context;
  return {
    id: result.id,
    status: result.status,
    state: result.state,
    exitCode,
    db,
    ticket: c.ticket?.key ?? null,
    lastError: c.lastError ?? null,
    marks: c.marks,
    downtime: computeDowntime(c.marks),
  };
}

export interface DriveOptions {
  mode: DriveMode;
  event?: MigrationEvent;
  /** Also print the outcome as JSON on stdout (talk stays on stderr, the exit code is the same). */
  json?: boolean;
}

export async function driveAndReport(
  ctx: CliContext,
  runtime: Runtime,
  id: string,
  opts: DriveOptions,
): Promise<number> {
  const record = await runtime.load(id);
  const engine = runtime.engineFor(record.plan as Plan);
  const view = progressView(ctx);
  try {
    const result = await engine.drive(id, {
      mode: opts.mode,
      event: opts.event,
      signal: ctx.signal,
      onSnapshot: view.update,
    });
    view.stop();
    return reportOutcome(ctx, runtime, result, opts.json);
  } finally {
    view.stop();
  }
}

/** The exit code of a drive, said on stderr, and with `json` its outcome as data on stdout. */
export function reportOutcome(ctx: CliContext, runtime: Runtime, result: DriveResult, json?: boolean): number {
  const code = exitFor(ctx, result);
  if (json) printJson(ctx, driveJson(result, runtime.dbPath, code));
  return code;
}
