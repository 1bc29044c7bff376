// cutover retry: send a parked migration back to the step that failed, with a recorded reason. Refused (exit 1)
// when nothing is parked: the machine would ignore the event. While another runner drives the migration, the
// retry goes to that runner through the store and the outcome is printed.
import type { MigrationRecord } from '../../ports.js';
import type { CliContext, GlobalOptions } from '../wiring/context.js';
import { requireReason } from '../operator/reason.js';
import { driveOrDeliver, refused, whereItIs } from '../operator/operator-event.js';
import { openRuntime } from '../wiring/runtime.js';

function explain(record: MigrationRecord) {
  return {
    why: `retry applies to a migration parked in needs_attention; ${whereItIs(record)}`,
    instead: `cutover show ${record.id} says what it needs next`,
  };
}

export default async function retry(
  [id]: string[],
  opts: GlobalOptions & { reason?: string },
  ctx: CliContext,
): Promise<number> {
  const reason = requireReason(opts.reason, 'retry');
  const runtime = openRuntime(ctx, opts);
  try {
    const record = await runtime.load(id!);
    // The machine ignores RETRY anywhere but needs_attention: say so rather than drive and report "waiting".
    if (record.status !== 'needs_attention') {
      const instead =
        record.status === 'completed' || record.status === 'cancelled'
          ? `cutover show ${record.id}`
          : `cutover resume ${record.id} continues it (cutover show ${record.id} says what it waits for)`;
      const why =
        `retry applies to a migration parked in needs_attention; ${whereItIs(record)}, ` +
        'so there is no failed step to go back to';
      throw refused('retry', record.id, why, instead);
    }
    const at = new Date(ctx.clock.now()).toISOString();
    const event = { type: 'RETRY' as const, by: ctx.actor, reason, at };
    return (await driveOrDeliver(ctx, runtime, id!, { command: 'retry', event, explain })).code;
  } finally {
    await runtime.close();
  }
}
