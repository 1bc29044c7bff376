// cutover set-resolution: record when the legacy pipe stopped, when Jira cannot say (no resolutiondate and
// no changelog entry) or said it wrong. An override of the downtime's start, so it carries who and why.
import { tryParseInstant, toUtcIso } from '../../core/time.js';
import { UsageError } from '../../errors.js';
import type { MigrationRecord } from '../../ports.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { requireReason } from '../operator.js';
import { sendOperatorEvent, whereItIs } from '../operator-event.js';
import { openRuntime } from '../runtime.js';

interface SetResolutionOptions extends GlobalOptions {
  at?: string;
  reason?: string;
}

/** Strict ISO-8601 with an offset: a local time without one would shift the downtime by hours. */
export function parseResolutionFlag(value: string | undefined, nowMs: number): string {
  if (!value) throw new UsageError('cutover set-resolution needs --at ISO', 'e.g. --at 2026-03-29T14:05:00Z (or with +01:00)');
  const ms = tryParseInstant(value);
  if (ms === null) {
    throw new UsageError(`--at: expected an ISO-8601 instant with offset, found ${JSON.stringify(value)}`, 'e.g. --at 2026-03-29T14:05:00Z (or 2026-03-29T16:05:00+02:00)');
  }
  if (ms > nowMs) throw new UsageError(`--at: ${value} is in the future`, 'the legacy pipe can only have stopped in the past');
  return toUtcIso(ms);
}

function explain(record: MigrationRecord) {
  return {
    why: `set-resolution applies while waiting on the ticket, when its resolution time is unknown, or to correct it once the pipe is off; ${whereItIs(record)}`,
    instead: `cutover show ${record.id} says what it needs next`,
  };
}

export default async function setResolution([id]: string[], opts: SetResolutionOptions, ctx: CliContext): Promise<number> {
  const reason = requireReason(opts.reason, 'set-resolution');
  const resolvedAt = parseResolutionFlag(opts.at, ctx.clock.now());
  const runtime = openRuntime(ctx, opts);
  try {
    const at = new Date(ctx.clock.now()).toISOString();
    const event = { type: 'SET_RESOLUTION' as const, resolvedAt, by: ctx.actor, reason, at };
    return await sendOperatorEvent(ctx, runtime, id!, { command: 'set-resolution', event, explain });
  } finally {
    await runtime.close();
  }
}
