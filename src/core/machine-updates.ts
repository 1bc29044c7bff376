// What each action of the migration machine writes into its context, as pure functions of the context and
// the event's payload (kept out of machine.ts so that the machine reads as its states and transitions).
import type { CheckResult } from './preflight.js';
import * as logic from './machine-logic.js';
import type {
  FlowOutput,
  MigrationContext,
  MigrationEvent,
  MigrationInput,
  PreflightOutput,
  Step,
  TicketInfo,
  TicketPollOutput,
  VerificationOutput,
} from './machine-types.js';
import { isForced, readStopInstant } from './resolution.js';
import { FORCED_OVERRIDE_SOURCE, type StoredError } from './types.js';
import { troubleSummary } from './wait-errors.js';

type Update = Partial<MigrationContext>;
type EventOf<T extends MigrationEvent['type']> = Extract<MigrationEvent, { type: T }>;

export function initialContext(input: MigrationInput): MigrationContext {
  return {
    migrationId: input.migrationId,
    marker: logic.markerFor(input.migrationId),
    plan: input.plan,
    preflight: null,
    remote: {},
    ticket: null,
    marks: {},
    lastPoll: null,
    lastObservedAt: null,
    waitUntil: null,
    verifyDeadline: null,
    seenAudiences: {},
    firstSuccessfulRunAt: null,
    confirmations: {},
    skippedChecks: [],
    attempts: 0,
    lastError: null,
    resumeTarget: null,
    waitTrouble: null,
  };
}

/** A parked step: the error as data, and the step a RETRY goes back to. */
function parked(step: Step, error: Omit<StoredError, 'step' | 'retryable'>): Update {
  return { resumeTarget: step, lastError: { ...error, retryable: false, step } };
}

export function errorRecorded(ctx: MigrationContext, error: unknown, step: Step): Update {
  return { lastError: { ...logic.asStoredError(error, ctx.lastObservedAt ?? ''), step }, resumeTarget: step };
}

export function retryScheduled(ctx: MigrationContext): Update {
  const delay = logic.retryDelayMs(ctx.plan.polling.retryBaseMs, ctx.attempts, ctx.migrationId);
  return { attempts: ctx.attempts + 1, waitUntil: Date.parse(ctx.lastError?.at ?? '') + delay };
}

export function preflightRecorded(out: PreflightOutput): Update {
  const remote = {
    ecaSpecId: out.ecaSpecId ?? undefined,
    flowSpecId: out.flowSpecId ?? undefined,
    baseConnectionId: out.adoptedConnectionId ?? undefined,
  };
  return { preflight: out.results, lastObservedAt: out.observedAt, remote };
}

export function preflightFailed(ctx: MigrationContext, out: PreflightOutput): Update {
  const failed: CheckResult[] = logic.blockingChecks(ctx, out.results);
  const message = failed.length
    ? `preflight failed: ${failed.map((r) => `${r.id}: ${r.message}`).join('; ')}`
    : 'preflight could not find the Experience Cloud Audiences connection or flow spec';
  return {
    preflight: out.results,
    lastObservedAt: out.observedAt,
    ...parked('preflight', { code: 'PREFLIGHT_FAILED', message, at: out.observedAt }),
  };
}

export function ticketRecorded(ctx: MigrationContext, ticket: TicketInfo): Update {
  return {
    ticket,
    marks: logic.addMarks(ctx.marks, { ticket_filed: { at: ticket.createdAt, source: 'jira.created' } }),
  };
}

export function pollRecorded(out: TicketPollOutput): Update {
  const lastPoll = {
    at: out.observedAt,
    startedAt: out.startedAt,
    statusName: out.statusName,
    statusCategory: out.statusCategory,
  };
  return { lastPoll, lastObservedAt: out.observedAt, waitTrouble: null };
}

export function resolutionRecorded(ctx: MigrationContext, out: TicketPollOutput): Update {
  const stopped = logic.legacyStoppedMark(ctx, out);
  // First seen by a batch search, confirmed by this full read: detected when it was first seen.
  const seen = out.resolved && out.seenDoneAt && out.seenDoneAt < out.observedAt ? out.seenDoneAt : out.observedAt;
  const detected = { at: seen, source: 'cutover.clock' };
  return {
    marks: logic.addMarks(ctx.marks, {
      ...(stopped ? { legacy_stopped: stopped } : {}),
      resolution_detected: detected,
    }),
  };
}

/** A done ticket whose stop instant cannot be used: none given, or none plausible. No flow is created. */
export function resolutionUnknown(ctx: MigrationContext, out: TicketPollOutput): Update {
  const key = ctx.ticket?.key;
  const reading = readStopInstant(out, logic.filedAt(ctx));
  const setIt = `cutover set-resolution ${ctx.migrationId} --at ISO --reason "..."`;
  if ('problem' in reading) {
    const message =
      `ticket ${key} is done but Jira's times cannot be when the legacy pipe stopped: ` +
      `${reading.problem}; ask Customer Care when they turned it off, then: ${setIt}`;
    return parked('awaiting_resolution', { code: 'RESOLUTION_OUT_OF_BOUNDS', message, at: out.observedAt });
  }
  const message = `ticket ${key} is done but has neither a resolutiondate nor a changelog entry`;
  return parked('awaiting_resolution', { code: 'RESOLUTION_TIME_UNKNOWN', message, at: ctx.lastObservedAt ?? '' });
}

export function resolutionOverridden(ctx: MigrationContext, e: EventOf<'SET_RESOLUTION'>): Update {
  const override = { by: e.by, reason: e.reason };
  const source = isForced(logic.overrideRequestOf(ctx, e)) ? FORCED_OVERRIDE_SOURCE : 'operator';
  const detected = ctx.marks.resolution_detected
    ? {}
    : { resolution_detected: { at: e.at, source: 'operator', override } };
  return { marks: logic.addMarks(ctx.marks, { legacy_stopped: { at: e.resolvedAt, source, override }, ...detected }) };
}

/**
 * The next ticket poll is due one interval after the last one was sent, less that poll's round trip (at most
 * half the interval). Jira reads the ticket somewhere inside the round trip and the answer needs its way back,
 * so sending exactly one interval later would let a resolution just after a read wait the interval *plus* the
 * answer's way back; starting the round trip earlier keeps the detection lag within the interval.
 */
export function pollScheduled(ctx: MigrationContext): Update {
  const interval = ctx.plan.polling.ticketIntervalMs;
  const observed = Date.parse(ctx.lastPoll?.at ?? ctx.lastObservedAt ?? '');
  const sent = ctx.lastPoll?.startedAt ? Date.parse(ctx.lastPoll.startedAt) : observed;
  const roundTrip = Math.min(Math.max(0, observed - sent), interval / 2);
  return { waitUntil: sent + interval - roundTrip };
}

export function verifyScheduled(ctx: MigrationContext): Update {
  // After a failed check the wait's backoff (waitErrorRecorded) already set the next one.
  if (ctx.waitTrouble?.step === 'verifying') return {};
  return { waitUntil: Date.parse(ctx.lastObservedAt ?? '') + ctx.plan.polling.verifyIntervalMs };
}

export function flowRecorded(ctx: MigrationContext, flow: FlowOutput): Update {
  return {
    remote: { ...ctx.remote, flowId: flow.id },
    marks: logic.addMarks(ctx.marks, {
      connection_established: { at: flow.createdAt, source: 'flowservice.createdAt' },
    }),
    verifyDeadline: Date.parse(flow.createdAt) + ctx.plan.polling.verifyTimeoutMs,
    waitTrouble: null,
  };
}

export function verificationRecorded(ctx: MigrationContext, out: VerificationOutput): Update {
  const seen = logic.mergeSeen(ctx, out);
  const firstRun = ctx.firstSuccessfulRunAt ?? out.firstSuccessfulRunAt;
  const first = ctx.marks.first_data ?? logic.firstDataMark(seen, firstRun);
  const marks = first ? logic.addMarks(ctx.marks, { first_data: first }) : ctx.marks;
  const observed = { lastObservedAt: out.observedAt, waitTrouble: null };
  return { seenAudiences: seen, firstSuccessfulRunAt: firstRun, marks, ...observed };
}

export function verifyTimedOut(ctx: MigrationContext): Update {
  const unseen = logic.unseenAudiences(ctx).join(', ');
  const unconfirmed = logic.missingConfirmations(ctx).join(', ');
  const trouble = ctx.waitTrouble?.step === 'verifying' ? troubleSummary(ctx.waitTrouble) : '';
  const failing = trouble ? `; the checks were failing: ${trouble}` : '';
  const missing = `not seen in Audience Manager: [${unseen}]; not confirmed: [${unconfirmed}]`;
  const message = `verification deadline passed: ${missing}${failing}`;
  return parked('verifying', { code: 'VERIFY_TIMEOUT', message, at: ctx.lastObservedAt ?? '' });
}

export function confirmationRecorded(ctx: MigrationContext, e: EventOf<'CONFIRM'>): Update {
  return { confirmations: { ...ctx.confirmations, [e.solution]: { by: e.by, at: e.at, note: e.note } } };
}

export function skipRecorded(ctx: MigrationContext, e: EventOf<'SKIP'>): Update {
  return {
    skippedChecks: [...ctx.skippedChecks, { check: e.check, by: e.by, reason: e.reason }],
    lastError: null,
    attempts: 0,
  };
}
