// cutover skip: let a parked migration past a failed preflight check or an unfinished verification, with a
// recorded reason. The machine takes SKIP only in needs_attention after PREFLIGHT_FAILED or VERIFY_TIMEOUT.
import { skipRisk } from '../../core/skip-risks.js';
import { UsageError } from '../../errors.js';
import type { MigrationRecord } from '../../ports.js';
import type { CliContext, GlobalOptions } from '../wiring/context.js';
import { requireReason } from '../operator/reason.js';
import { sendOperatorEvent, storedContext, whereItIs } from '../operator/operator-event.js';
import { say } from '../terminal/output.js';
import { openRuntime } from '../wiring/runtime.js';

interface SkipOptions extends GlobalOptions {
  check?: string;
  reason?: string;
}

/** The check ids an operator may skip now: the failed preflight checks, or `verification` after its timeout. */
function skippableChecks(record: MigrationRecord): string[] {
  if (record.lastError?.code === 'VERIFY_TIMEOUT') return ['verification'];
  if (record.lastError?.code !== 'PREFLIGHT_FAILED') return [];
  const context = storedContext(record);
  const skipped = new Set(context.skippedChecks.map((s) => s.check));
  return (context.preflight ?? []).filter((r) => r.status === 'fail' && !skipped.has(r.id)).map((r) => r.id);
}

function explain(record: MigrationRecord) {
  return {
    why:
      'skip applies only to a migration parked on a failed preflight check or a verification timeout; ' +
      `${whereItIs(record)}, so there is no check to skip`,
    instead:
      `cutover show ${record.id} says what it needs next ` +
      `(a failed step is retried with cutover retry ${record.id} --reason "...")`,
  };
}

export default async function skip([id]: string[], opts: SkipOptions, ctx: CliContext): Promise<number> {
  const reason = requireReason(opts.reason, 'skip');
  const check = opts.check?.trim();
  if (!check) throw new UsageError('cutover skip needs --check ID', 'cutover show ID lists the failed checks');
  const runtime = openRuntime(ctx, opts);
  try {
    const record = await runtime.load(id!);
    const allowed = skippableChecks(record);
    if (allowed.length > 0 && !allowed.includes(check)) {
      const risks = allowed.map((c) => `${c} (skipping it: ${skipRisk(c) ?? 'see docs/runbook.md'})`).join('; ');
      const why = `--check ${check} is not a check this migration is parked on: skipping it would change nothing`;
      throw new UsageError(why, `use one of: ${risks}`);
    }
    const risk = allowed.includes(check) ? skipRisk(check) : null;
    if (risk) say(ctx, `skipping ${check}: ${risk}; your reason is journaled`);
    const at = new Date(ctx.clock.now()).toISOString();
    return await sendOperatorEvent(ctx, runtime, record.id, {
      command: 'skip',
      event: { type: 'SKIP', check, by: ctx.actor, reason, at },
      explain,
    });
  } finally {
    await runtime.close();
  }
}
