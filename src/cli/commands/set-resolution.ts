// cutover set-resolution: record when the legacy pipe stopped, when Jira cannot say (no resolutiondate and
// no changelog entry) or said it wrong. An override of the downtime's start, so it carries who and why.
// It starts the cut-over, so it must not claim a stop the ticket does not show: while Jira reports the ticket
// not done it is refused unless --force (with the reason) says Customer Care confirmed it otherwise. An instant
// before the ticket was filed, or in the future, is refused even then. Refusals and forced overrides are
// journaled with who, why and the ticket's status at the time.
import type { MigrationEvent } from '../../core/machine-types.js';
import { overrideRequestOf } from '../../core/machine-logic.js';
import { isForced, overrideProblem, type Problem, type TicketEvidence } from '../../core/resolution.js';
import { isoNow, toUtcIso, tryParseInstant } from '../../core/time.js';
import type { Plan } from '../../core/types.js';
import { UsageError } from '../../errors.js';
import type { MigrationRecord } from '../../ports.js';
import type { CliContext, GlobalOptions } from '../wiring/context.js';
import { requireReason } from '../operator/reason.js';
import { checkOperatorEvent, sendOperatorEvent, storedContext, whereItIs } from '../operator/operator-event.js';
import { say } from '../terminal/output.js';
import { openRuntime, type Runtime } from '../wiring/runtime.js';

interface SetResolutionOptions extends GlobalOptions {
  at?: string;
  reason?: string;
  force?: boolean;
}

type SetResolution = Extract<MigrationEvent, { type: 'SET_RESOLUTION' }>;

/** Strict ISO-8601 with an offset: a local time without one would shift the downtime by hours. */
export function parseResolutionFlag(value: string | undefined): string {
  if (!value)
    throw new UsageError('cutover set-resolution needs --at ISO', 'e.g. --at 2026-03-29T14:05:00Z (or with +01:00)');
  const ms = tryParseInstant(value);
  if (ms === null) {
    throw new UsageError(
      `--at: expected an ISO-8601 instant with offset, found ${JSON.stringify(value)}`,
      'e.g. --at 2026-03-29T14:05:00Z (or 2026-03-29T16:05:00+02:00)',
    );
  }
  return toUtcIso(ms);
}

function explain(record: MigrationRecord) {
  return {
    why:
      'set-resolution applies while waiting on the ticket, when its resolution time is unknown, or to correct it ' +
      `once the pipe is off; ${whereItIs(record)}`,
    instead: `cutover show ${record.id} says what it needs next`,
  };
}

/** The ticket's status now, read from Jira; the last polled status when Jira cannot be read. */
async function ticketEvidence(ctx: CliContext, rt: Runtime, record: MigrationRecord): Promise<TicketEvidence | null> {
  const last = storedContext(record).lastPoll;
  const polled: TicketEvidence | null = last
    ? { statusName: last.statusName, statusCategory: last.statusCategory, source: 'last_poll', observedAt: last.at }
    : null;
  if (!record.ticketKey) return polled;
  try {
    const t = await rt.servicesFor(record.plan as Plan).tracker.get(record.ticketKey);
    const observedAt = isoNow(ctx.clock);
    return { statusName: t.statusName, statusCategory: t.statusCategory, source: 'jira', observedAt };
  } catch (err) {
    const why = (err as Error).message;
    say(ctx, `warning: could not read ${record.ticketKey} from Jira (${why}); using its last polled status`);
    return polled;
  }
}

/** A refused override is written to the journal (who, why, what was asked, the ticket's status), then reported. */
async function refuse(rt: Runtime, event: SetResolution, id: string, problem: Problem): Promise<never> {
  const data = {
    command: 'set-resolution',
    code: problem.code,
    resolvedAt: event.resolvedAt,
    force: event.force === true,
    ticketStatus: event.ticketStatus ?? null,
    at: event.at,
  };
  const row = { kind: 'operator' as const, at: event.at, name: 'REFUSED', actor: event.by, reason: event.reason, data };
  await rt.store.appendJournal(id, [row]);
  throw new UsageError(`cutover set-resolution was not applied to ${id}: ${problem.message}`, problem.hint);
}

/** Whether the state takes a set-resolution at all, whatever the ticket's status or the instant. */
function stateTakesIt(record: MigrationRecord, event: SetResolution): boolean {
  const context = storedContext(record);
  const done: TicketEvidence = { statusName: 'Done', statusCategory: 'done', source: 'jira', observedAt: event.at };
  const resolvedAt = context.marks.ticket_filed?.at ?? event.at;
  return checkOperatorEvent(record, { ...event, resolvedAt, force: true, ticketStatus: done });
}

type Checked = Promise<SetResolution>;
async function checked(ctx: CliContext, rt: Runtime, record: MigrationRecord, event: SetResolution): Checked {
  // A state that takes no override at all (a draft, a cancelled migration) gets the state refusal instead.
  if (!record.snapshot || !stateTakesIt(record, event)) return event;
  const context = storedContext(record);
  const alreadyStopped = Boolean(context.marks.legacy_stopped);
  const ticket = alreadyStopped ? null : await ticketEvidence(ctx, rt, record);
  const withEvidence: SetResolution = ticket ? { ...event, ticketStatus: ticket } : event;
  // The very rule the machine's guard applies, so that what the CLI lets through the machine takes.
  const request = overrideRequestOf(context, withEvidence);
  const problem = overrideProblem(request);
  if (problem) return refuse(rt, withEvidence, record.id, problem);
  if (isForced(request)) {
    const status = `${record.ticketKey ?? 'the ticket'} is '${request.ticket?.statusName ?? 'unknown'}' in Jira`;
    say(ctx, `FORCED: ${status}; the override is journaled with your reason`);
  }
  return withEvidence;
}

export default async function setResolution(
  [id]: string[],
  opts: SetResolutionOptions,
  ctx: CliContext,
): Promise<number> {
  const reason = requireReason(opts.reason, 'set-resolution');
  const resolvedAt = parseResolutionFlag(opts.at);
  const runtime = openRuntime(ctx, opts);
  try {
    const record = await runtime.load(id!);
    const at = new Date(ctx.clock.now()).toISOString();
    const force = opts.force ? { force: true } : {};
    const asked: SetResolution = { type: 'SET_RESOLUTION', resolvedAt, by: ctx.actor, reason, at, ...force };
    const event = await checked(ctx, runtime, record, asked);
    return await sendOperatorEvent(ctx, runtime, record.id, { command: 'set-resolution', event, explain });
  } finally {
    await runtime.close();
  }
}
