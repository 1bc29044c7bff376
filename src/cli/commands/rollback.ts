// cutover rollback: the way back to legacy sharing once the legacy pipe is off and the new connection cannot
// carry the audiences (issue 15). The machine does the work (disable the new flow, file the re-enable ticket,
// wait for it, see the legacy data source receive the audiences again, hand off); this command checks that a
// rollback makes sense now, refusing with the reason (exit 2) when it does not, and drives the migration with
// the ROLLBACK event under the lease (exit 5 while another runner holds it).
import { rollbackProblem } from '../../core/rollback.js';
import { UsageError } from '../../errors.js';
import type { MigrationRecord } from '../../ports.js';
import { driveAndReport } from '../operator/drive.js';
import { requireReason } from '../operator/reason.js';
import { checkOperatorEvent, refused, storedContext } from '../operator/operator-event.js';
import type { CliContext, GlobalOptions } from '../wiring/context.js';
import { openRuntime } from '../wiring/runtime.js';
import { followsByDefault } from './resume.js';

type Options = GlobalOptions & { reason?: string; force?: boolean; deleteConnection?: boolean; follow?: boolean };

function refusal(record: MigrationRecord, reason: string, force: boolean) {
  const c = record.snapshot ? storedContext(record) : null;
  return rollbackProblem({
    id: record.id,
    state: record.state,
    marks: record.marks,
    lastPoll: c?.lastPoll ?? null,
    rollback: c?.rollback ?? null,
    force,
    reason,
  });
}

export default async function rollback([id]: string[], opts: Options, ctx: CliContext): Promise<number> {
  const reason = requireReason(opts.reason, 'rollback');
  const force = opts.force === true;
  const runtime = openRuntime(ctx, opts);
  try {
    const record = await runtime.load(id!);
    const problem = refusal(record, reason, force);
    if (problem) {
      throw new UsageError(`cutover rollback was not applied to ${record.id}: ${problem.why}`, problem.instead);
    }
    const at = new Date(ctx.clock.now()).toISOString();
    const event = {
      type: 'ROLLBACK' as const,
      by: ctx.actor,
      reason,
      at,
      force,
      deleteConnection: opts.deleteConnection === true,
    };
    if (!checkOperatorEvent(record, event)) {
      throw refused(
        'rollback',
        record.id,
        `the machine does not take it in ${record.state}`,
        `cutover show ${record.id}`,
      );
    }
    const follow = opts.follow ?? followsByDefault(ctx);
    // Driven here, not posted to another runner's inbox: a rollback is refused while another runner holds the
    // lease (LockedError, exit 5), so the operator stops that runner first and sees this one do the work.
    return await driveAndReport(ctx, runtime, record.id, {
      mode: follow ? 'until-done' : 'until-waiting',
      event,
      json: opts.json,
    });
  } finally {
    await runtime.close();
  }
}
