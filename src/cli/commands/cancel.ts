// cutover cancel: stop a migration before the legacy pipe is off (a ticket this tool filed is withdrawn).
// Once Adobe has turned legacy sharing off, cancelling would leave the org with no sharing at all: the
// machine ignores CANCEL then, and this command says so instead of pretending.
import type { MigrationRecord } from '../../ports.js';
import type { CliContext, GlobalOptions } from '../wiring/context.js';
import { requireReason } from '../operator/reason.js';
import { refused, sendOperatorEvent, storedContext, whereItIs } from '../operator/operator-event.js';
import { openRuntime } from '../wiring/runtime.js';

/** When the legacy pipe is known to be off: a stop mark, or a poll that saw the ticket done (time unknown). */
function legacyOffSince(record: MigrationRecord): string | null {
  const stopped = record.marks.legacy_stopped;
  if (stopped) return `since ${stopped.at}, ${stopped.source}`;
  if (!record.snapshot) return null;
  const poll = storedContext(record).lastPoll;
  return poll?.statusCategory === 'done'
    ? `${record.ticketKey ?? 'the ticket'} was seen ${poll.statusName} at ${poll.at}`
    : null;
}

function explain(record: MigrationRecord) {
  const off = legacyOffSince(record);
  if (off) {
    return {
      why:
        `the legacy pipe is already off (${off}); cancel cannot turn it back on, ` +
        'and stopping now would leave the org with no sharing at all',
      instead:
        `go forward: cutover resume ${record.id} (or retry it if parked); to go back to legacy sharing: ` +
        `cutover rollback ${record.id} --reason "..." (docs/runbook.md, "Rolling back")`,
    };
  }
  if (record.status === 'cancelled' || record.state.startsWith('cancelling')) {
    return {
      why: `it is already ${record.status === 'cancelled' ? 'cancelled' : 'being cancelled'}`,
      instead: `cutover resume ${record.id} finishes a cancellation in progress`,
    };
  }
  return {
    why: `a ${record.status} migration cannot be cancelled; ${whereItIs(record)}`,
    instead: `cutover show ${record.id}`,
  };
}

export default async function cancel(
  [id]: string[],
  opts: GlobalOptions & { reason?: string },
  ctx: CliContext,
): Promise<number> {
  const reason = requireReason(opts.reason, 'cancel');
  const runtime = openRuntime(ctx, opts);
  try {
    const record = await runtime.load(id!);
    // Refused before the machine sees it: a cancelling migration takes CANCEL as a no-op, which is not a cancel.
    if (legacyOffSince(record) || record.state.startsWith('cancelling') || record.status === 'cancelled') {
      const { why, instead } = explain(record);
      throw refused('cancel', record.id, why, instead);
    }
    const at = new Date(ctx.clock.now()).toISOString();
    return await sendOperatorEvent(ctx, runtime, record.id, {
      command: 'cancel',
      event: { type: 'CANCEL', by: ctx.actor, reason, at },
      explain,
    });
  } finally {
    await runtime.close();
  }
}
