// How a wait on the outside world (the ticket, the verification) takes a failed read. A wait may last days, and
// one bad answer must not stop it: transient failures are retried for as long as the wait lasts, with a backoff
// capped at the wait's own interval, so a resolution is still seen within about one interval once the service
// answers again. Refused credentials do not heal by themselves: they are retried a few times (a token may be
// rotating), then the migration parks with the fix. Pure: every instant comes from the error's `at`.
import { asStoredError, retryDelayMs } from './machine-logic.js';
import type { MigrationContext, WaitStep, WaitTrouble } from './machine-types.js';
import type { ErrorKind, StoredError } from './types.js';

type Update = Partial<MigrationContext>;

/** Tries of a refused credential during a wait before it parks in needs_attention. */
export const WAIT_AUTH_TRIES = 3;

/** Kinds a wait retries for as long as it lasts: the service is down, slow, or answered something else. */
const TRANSIENT_IN_WAIT: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'server',
  'timeout',
  'network',
  'rate_limited',
  'html',
  'malformed',
  'wrong_shape',
]);

/** The error's kind; errors stored before kinds existed get one from their code and status. */
export function errorKind(e: StoredError): ErrorKind {
  if (e.kind) return e.kind;
  const status = e.httpStatus;
  if (status === 401 || e.code === 'UNAUTHENTICATED') return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status !== undefined && status >= 500) return 'server';
  if (e.code === 'NETWORK') return 'network';
  return e.code === 'INTERNAL' ? 'internal' : 'client';
}

function stored(ctx: MigrationContext, error: unknown): StoredError {
  return asStoredError(error, ctx.lastObservedAt ?? '');
}

/** True when this failed read is retried within the wait (no bounded retries, no needs_attention). */
export function waitMayRetry(ctx: MigrationContext, error: unknown): boolean {
  const kind = errorKind(stored(ctx, error));
  if (TRANSIENT_IN_WAIT.has(kind)) return true;
  return kind === 'auth' && ctx.attempts + 1 < WAIT_AUTH_TRIES;
}

export function isAuthFailure(ctx: MigrationContext, error: unknown): boolean {
  return errorKind(stored(ctx, error)) === 'auth';
}

function intervalOf(ctx: MigrationContext, step: WaitStep): number {
  return step === 'awaiting_resolution' ? ctx.plan.polling.ticketIntervalMs : ctx.plan.polling.verifyIntervalMs;
}

/** The run of failures with this one added: a new run when the last read succeeded or was of another wait. */
function troubleWith(ctx: MigrationContext, e: StoredError, step: WaitStep): WaitTrouble {
  const prev = ctx.waitTrouble?.step === step ? ctx.waitTrouble : null;
  const kind = errorKind(e);
  const kinds = { ...prev?.kinds, [kind]: (prev?.kinds[kind] ?? 0) + 1 };
  return { step, since: prev?.since ?? e.at, tries: (prev?.tries ?? 0) + 1, kinds, last: { ...e, kind, step } };
}

/** The later of the error's instant and the last observation: the pure machine's "now" never goes back. */
function observedAt(ctx: MigrationContext, e: StoredError): string {
  const at = Date.parse(e.at);
  const before = Date.parse(ctx.lastObservedAt ?? '');
  if (!Number.isFinite(at)) return ctx.lastObservedAt ?? e.at;
  return Number.isFinite(before) && before > at ? ctx.lastObservedAt! : e.at;
}

/** A failed read kept within the wait: the next read is due after a backoff no longer than the wait's interval. */
export function waitErrorRecorded(ctx: MigrationContext, error: unknown, step: WaitStep): Update {
  const e = stored(ctx, error);
  const trouble = troubleWith(ctx, e, step);
  const now = observedAt(ctx, e);
  const delay = retryDelayMs(ctx.plan.polling.retryBaseMs, trouble.tries - 1, ctx.migrationId, intervalOf(ctx, step));
  const base = Date.parse(now);
  return {
    waitTrouble: trouble,
    lastObservedAt: now,
    waitUntil: (Number.isFinite(base) ? base : 0) + delay,
    attempts: errorKind(e) === 'auth' ? ctx.attempts + 1 : ctx.attempts,
  };
}

/** Which credential to fix for a service that refused ours. */
export function credentialFix(service: string | undefined): string {
  if (service === 'jira') {
    return 'check CUTOVER_JIRA_TOKEN (with CUTOVER_JIRA_EMAIL on Jira Cloud), or jira.token in the config file';
  }
  return (
    'check CUTOVER_CLIENT_ID and CUTOVER_CLIENT_SECRET (the OAuth Server-to-Server credential), ' +
    'or ims.* in the config file'
  );
}

/** Refused credentials after WAIT_AUTH_TRIES tries: parked with the fix; RETRY polls again at once. */
export function authParked(ctx: MigrationContext, error: unknown, step: WaitStep): Update {
  const e = stored(ctx, error);
  const what = step === 'awaiting_resolution' ? `polling ticket ${ctx.ticket?.key ?? ''}`.trim() : 'verifying';
  const retry = `cutover retry ${ctx.migrationId} --reason ...`;
  const fix = `${credentialFix(e.service)}; run \`cutover doctor\`, then \`${retry}\``;
  const message = `${e.message} (refused ${WAIT_AUTH_TRIES} times while ${what}). Fix: ${fix}`;
  const lastError: StoredError = { ...e, kind: 'auth', message, retryable: false, step };
  const trouble = troubleWith(ctx, e, step);
  return { waitTrouble: trouble, lastObservedAt: observedAt(ctx, e), lastError, resumeTarget: step, waitUntil: null };
}

/** "3 failed checks since 14:02:05Z (html, server)": for messages that outlive the wait (a timeout's). */
export function troubleSummary(trouble: WaitTrouble | null | undefined): string {
  if (!trouble) return '';
  const plural = trouble.tries === 1 ? '' : 's';
  return `${trouble.tries} failed read${plural} since ${trouble.since} (${Object.keys(trouble.kinds).join(', ')})`;
}
