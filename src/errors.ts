// The small error taxonomy. One top-level catch (src/cli/main.ts) maps each class to its documented exit
// code; every error carries a hint naming the flag or command that gets the user past it.
import type { ErrorKind, StoredError } from './core/types.js';

export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  needsAttention: 3,
  auth: 4,
  locked: 5,
  waiting: 6,
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CutoverError extends Error {
  get exitCode(): ExitCode {
    return EXIT.error;
  }
  constructor(
    message: string,
    readonly code: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad flags, arguments, plan files or configuration. Nothing was changed. */
export class UsageError extends CutoverError {
  override get exitCode(): ExitCode {
    return EXIT.usage;
  }
  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, 'USAGE', hint, options);
  }
}

export class AuthError extends CutoverError {
  override get exitCode(): ExitCode {
    return EXIT.auth;
  }
}

export class LockedError extends CutoverError {
  override get exitCode(): ExitCode {
    return EXIT.locked;
  }
}

/** A runner's write refused because its lease is no longer its own: it stops at once and writes nothing more. */
export class FencedError extends LockedError {
  constructor(
    readonly migrationId: string,
    readonly heldBy: { holder: string; nonce: string } | null,
  ) {
    const what = heldBy
      ? `was taken over by ${heldBy.holder} (lock id ${heldBy.nonce})`
      : 'is no longer leased to this runner (its lease was released or expired)';
    super(
      `migration ${migrationId} ${what}; this runner stopped and wrote nothing more`,
      'LEASE_LOST',
      `cutover show ${migrationId} shows where it is; the new holder carries on`,
    );
  }
}

export class NeedsAttentionError extends CutoverError {
  override get exitCode(): ExitCode {
    return EXIT.needsAttention;
  }
}

export class InterruptedError extends CutoverError {
  override get exitCode(): ExitCode {
    return EXIT.interrupted;
  }
}

/** The database cannot be used as it is (newer schema, edited migration, corruption). Left untouched. */
export class StoreError extends CutoverError {}

/** What was wrong with an answer's body when its status alone does not say (see adapters/http/vendor-error.ts). */
export type BodyProblem = 'html' | 'malformed' | 'wrong_shape';

/**
 * A remote service answered with an error, or could not be reached. Carries what a support engineer needs and
 * nothing secret: the URL has no credentials or query secrets, the message is the vendor's.
 */
export class ServiceError extends CutoverError {
  /** The failure in words a waiting migration acts on: retried while it waits, or parked (auth). */
  readonly kind: ErrorKind;
  constructor(
    readonly service: 'jira' | 'aep' | 'aam' | 'ims',
    readonly method: string,
    readonly url: string,
    readonly status: number | undefined,
    readonly vendorCode: string | undefined,
    readonly vendorMessage: string,
    readonly retryable: boolean,
    options?: { cause?: unknown; body?: BodyProblem },
  ) {
    const where = `${method} ${url}`;
    const what = status === undefined ? 'network error' : `HTTP ${status}`;
    const code = vendorCode ? ` [${vendorCode}]` : '';
    super(
      `${service}: ${where} failed: ${what}${code}: ${vendorMessage}`,
      serviceCode(status),
      hintFor(service, status),
      options,
    );
    this.kind = serviceKind(service, status, vendorCode, options?.body);
  }

  override get exitCode(): ExitCode {
    return this.status === 401 ? EXIT.auth : EXIT.error;
  }
}

function serviceCode(status: number | undefined): string {
  if (status === undefined) return 'NETWORK';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 412) return 'PRECONDITION_FAILED';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 500) return 'SERVER_ERROR';
  // A success status whose body could not be used (an HTML page, broken JSON, missing fields): not a refusal.
  if (status >= 200 && status < 300) return 'UNEXPECTED_RESPONSE';
  return 'BAD_REQUEST';
}

/** IMS refuses bad client credentials with these OAuth codes (400 or 401). */
const IMS_CREDENTIAL_CODES = new Set(['invalid_client', 'unauthorized_client', 'invalid_grant']);

type Status = number | undefined;
function serviceKind(service: string, status: Status, code: string | undefined, body?: BodyProblem): ErrorKind {
  if (status === 401 || (service === 'ims' && status === 400 && IMS_CREDENTIAL_CODES.has(code ?? ''))) return 'auth';
  if (status === 403) return 'forbidden';
  if (body) return body;
  if (status === undefined) return code === 'TIMEOUT' ? 'timeout' : 'network';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'server' : 'client';
}

function hintFor(service: string, status: number | undefined): string | undefined {
  if (status === 401) return `check the ${service} credentials in the environment (cutover doctor lists them)`;
  if (status === 403) return `ask your administrator for the ${service} permission named in the message`;
  if (status === undefined) return `check the ${service} base URL and your network (cutover doctor)`;
  return undefined;
}

/** Converts anything thrown into the plain data stored in snapshots and the journal. */
export function toStoredError(err: unknown, at: string, step?: string): StoredError {
  if (err instanceof ServiceError) {
    const { code, message, status: httpStatus, retryable, kind, service } = err;
    return { code, message, httpStatus, at, retryable, step, kind, service };
  }
  if (err instanceof CutoverError) return { code: err.code, message: err.message, at, retryable: false, step };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message, at, retryable: false, step };
}
