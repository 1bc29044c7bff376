// When did the legacy pipe stop? The rules that keep that instant honest, whether Jira or an operator says it.
// Pure: "now" is an argument (the poll's observedAt, or the operator event's `at`).
//
// An instant is plausible only between the ticket's filing (Jira's own `created`: the same clock as its
// `resolutiondate`, so no tolerance) and the moment cutover saw the resolution (our clock, so Jira's clock may
// run up to CLOCK_SKEW_TOLERANCE_MS ahead of ours). Outside that window a downtime figure would be invented.
import type { Mark } from './types.js';
import { tryParseInstant } from './time.js';

/** How far a Jira instant may lie after our own observation of it and still be taken (clocks differ). */
export const CLOCK_SKEW_TOLERANCE_MS = 5 * 60_000;

/** What the ticket's status was when an operator overrode the resolution, and where that was read. */
export interface TicketEvidence {
  statusName: string;
  statusCategory: string;
  /** `jira`: read live by the command; `last_poll`: Jira could not be read, the last polled status. */
  source: 'jira' | 'last_poll';
  observedAt: string;
}

export interface Problem {
  code: string;
  message: string;
  hint: string;
}

/** Why `at` cannot be when the pipe stopped, or null when it lies within [filedAt, observedAt + tolerance]. */
export function outOfBounds(
  at: string,
  filedAt: string | null,
  observedAt: string,
  toleranceMs = CLOCK_SKEW_TOLERANCE_MS,
): string | null {
  const ms = tryParseInstant(at);
  if (ms === null) return `${JSON.stringify(at)} is not an ISO-8601 instant`;
  const filed = filedAt ? tryParseInstant(filedAt) : null;
  if (filed !== null && ms < filed) return `${at} is before the ticket was filed (${filedAt})`;
  const seen = tryParseInstant(observedAt);
  if (seen !== null && ms > seen + toleranceMs) {
    const tolerance = `the ${toleranceMs / 60_000}-minute clock-skew tolerance`;
    return `${at} is after ${observedAt}, when it was observed, by more than ${tolerance}`;
  }
  return null;
}

/** What a poll of a done ticket says about the stop instant: a usable mark, an implausible answer, or nothing. */
export type StopReading = { mark: Mark } | { problem: string } | { unknown: true };

export interface DonePoll {
  observedAt: string;
  resolutionDate: string | null;
  doneTransitionAt: string | null;
}

/**
 * `resolutiondate` when plausible; else the changelog's move to done when plausible (its note says why the
 * resolutiondate was not used); else a problem naming both; `unknown` when Jira gave neither.
 */
export function readStopInstant(poll: DonePoll, filedAt: string | null): StopReading {
  if (!poll.resolutionDate && !poll.doneTransitionAt) return { unknown: true };
  const dateProblem = poll.resolutionDate ? outOfBounds(poll.resolutionDate, filedAt, poll.observedAt) : 'none';
  if (poll.resolutionDate && dateProblem === null) {
    return { mark: { at: poll.resolutionDate, source: 'jira.resolutiondate' } };
  }
  const changelogProblem = poll.doneTransitionAt
    ? outOfBounds(poll.doneTransitionAt, filedAt, poll.observedAt)
    : 'none';
  if (poll.doneTransitionAt && changelogProblem === null) {
    const note = poll.resolutionDate ? `resolutiondate ${dateProblem}; the changelog's Done time was used` : undefined;
    return { mark: { at: poll.doneTransitionAt, source: 'jira.changelog', ...(note ? { note } : {}) } };
  }
  return { problem: `resolutiondate ${dateProblem}; changelog Done time ${changelogProblem}` };
}

export interface OverrideRequest {
  migrationId: string;
  ticketKey: string | null;
  filedAt: string | null;
  /** The pipe is already marked off: the override corrects an instant, it cannot start the cut-over. */
  alreadyStopped: boolean;
  resolvedAt: string;
  /** The operator's "now" (the event's `at`). */
  now: string;
  ticket: TicketEvidence | null;
  force: boolean;
}

function inTime(r: OverrideRequest): Problem | null {
  const fix = 'give the instant Customer Care turned the legacy pipe off (--force does not change this)';
  const at = tryParseInstant(r.resolvedAt);
  const now = tryParseInstant(r.now);
  if (at === null || now === null) {
    return { code: 'OVERRIDE_INSTANT_INVALID', message: `--at: ${r.resolvedAt} is not an instant`, hint: fix };
  }
  if (at > now) {
    const message = `--at: ${r.resolvedAt} is after now (${r.now}): the legacy pipe can only have stopped in the past`;
    return { code: 'OVERRIDE_IN_FUTURE', message, hint: fix };
  }
  const filed = r.filedAt ? tryParseInstant(r.filedAt) : null;
  if (filed !== null && at < filed) {
    const message =
      `--at: ${r.resolvedAt} is before ticket ${r.ticketKey} was filed (${r.filedAt}): ` +
      'the pipe cannot have been stopped for a ticket that did not exist yet';
    return { code: 'OVERRIDE_BEFORE_FILED', message, hint: fix };
  }
  return null;
}

function ticketDone(r: OverrideRequest): Problem | null {
  if (r.alreadyStopped || r.ticket?.statusCategory === 'done' || r.force) return null;
  const key = r.ticketKey ?? 'the ticket';
  const where =
    r.ticket?.source === 'last_poll' ? ` (last polled at ${r.ticket.observedAt}: Jira could not be read now)` : '';
  const status = r.ticket
    ? `ticket ${key} is '${r.ticket.statusName}' in Jira${where}`
    : `the status of ${key} is not known`;
  return {
    code: 'OVERRIDE_TICKET_NOT_DONE',
    message: `${status}: the legacy pipe may still be on, and set-resolution would create the new flow beside it`,
    hint:
      `wait for Customer Care to resolve it (cutover resume ${r.migrationId} --follow); ` +
      'if they confirmed the pipe is off, add --force with a --reason naming who confirmed it',
  };
}

/** Why an operator may not say the pipe stopped at `resolvedAt`, or null. The CLI and the machine both ask. */
export function overrideProblem(r: OverrideRequest): Problem | null {
  const [first, second] = [ticketDone(r), inTime(r)].filter((p): p is Problem => p !== null);
  if (!first) return null;
  return second ? { ...first, message: `${first.message}; and ${second.message}` } : first;
}

/** The override is forced when it claims a stop the ticket does not show (and the pipe was not marked off). */
export function isForced(r: OverrideRequest): boolean {
  return r.force && !r.alreadyStopped && r.ticket?.statusCategory !== 'done';
}
