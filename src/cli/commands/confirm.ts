// cutover confirm: record that a solution without an API check (Target, Advertising Cloud, Marketo...) sees
// the audiences, checked by hand. Verification completes once every such solution is confirmed.
import type { MigrationEvent } from '../../core/machine-types.js';
import { SOLUTIONS, type Solution } from '../../core/types.js';
import { UsageError } from '../../errors.js';
import type { MigrationRecord } from '../../ports.js';
import type { CliContext, GlobalOptions } from '../wiring/context.js';
import { requireReason } from '../operator/reason.js';
import { sendOperatorEvent, whereItIs } from '../operator/operator-event.js';
import { openRuntime } from '../wiring/runtime.js';

interface ConfirmOptions extends GlobalOptions {
  solution?: string;
  reason?: string;
}

export function parseSolution(value: string | undefined): Solution {
  if (!value) throw new UsageError('cutover confirm needs --solution S', `one of: ${SOLUTIONS.join(', ')}`);
  const solution = value.trim().toLowerCase().replace(/-/g, '_');
  if (!(SOLUTIONS as readonly string[]).includes(solution)) {
    throw new UsageError(`--solution: expected one of ${SOLUTIONS.join(', ')}, found ${JSON.stringify(value)}`);
  }
  return solution as Solution;
}

function explain(record: MigrationRecord) {
  const early = !record.marks.connection_established;
  return {
    why:
      `confirm applies while the migration is verifying or parked in needs_attention; ${whereItIs(record)}` +
      (early ? ': the new flow does not exist yet, so no solution can see the migrated audiences' : ''),
    instead: early
      ? `wait for the cut-over (cutover resume ${record.id} --follow), then check the solution by hand and confirm`
      : `cutover show ${record.id} says what it needs next`,
  };
}

export default async function confirm([id]: string[], opts: ConfirmOptions, ctx: CliContext): Promise<number> {
  const reason = requireReason(opts.reason, 'confirm');
  const solution = parseSolution(opts.solution);
  const runtime = openRuntime(ctx, opts);
  try {
    const at = new Date(ctx.clock.now()).toISOString();
    // `note` keeps the reason in the confirmation itself, beside the journal row.
    const event: MigrationEvent = { type: 'CONFIRM', solution, by: ctx.actor, at, note: reason, reason };
    return await sendOperatorEvent(ctx, runtime, id!, { command: 'confirm', event, explain });
  } finally {
    await runtime.close();
  }
}
