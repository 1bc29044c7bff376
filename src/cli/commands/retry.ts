// cutover retry: send a parked migration back to the step that failed, with a recorded reason. While another
// runner drives the migration, the retry goes to that runner through the store and the outcome is printed.
import type { MigrationRecord } from '../../ports.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { requireReason } from '../operator.js';
import { driveOrDeliver, whereItIs } from '../operator-event.js';
import { openRuntime } from '../runtime.js';

function explain(record: MigrationRecord) {
  return {
    why: `retry applies to a migration parked in needs_attention; ${whereItIs(record)}`,
    instead: `cutover show ${record.id} says what it needs next`,
  };
}

export default async function retry([id]: string[], opts: GlobalOptions & { reason?: string }, ctx: CliContext): Promise<number> {
  const reason = requireReason(opts.reason, 'retry');
  const runtime = openRuntime(ctx, opts);
  try {
    const at = new Date(ctx.clock.now()).toISOString();
    const event = { type: 'RETRY' as const, by: ctx.actor, reason, at };
    return (await driveOrDeliver(ctx, runtime, id!, { command: 'retry', event, explain })).code;
  } finally {
    await runtime.close();
  }
}
