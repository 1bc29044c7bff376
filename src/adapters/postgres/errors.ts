// PostgreSQL failures as a person can act on them: the server unreachable or restarting, a refused password, a
// missing privilege, and the cutover SQLSTATEs that migrations/postgres raises (CTN01, CTF01, CTE01), each mapped
// to the error the SQLite store throws for the same case. Messages name the store by its masked URL only.
import { CutoverError, FencedError, StoreError } from '../../errors.js';

interface PgLikeError {
  code?: string;
  detail?: string;
  message?: string;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);
/** admin_shutdown, crash_shutdown, cannot_connect_now: the server is going down or coming up. */
const RESTARTING = new Set(['57P01', '57P02', '57P03']);

/** `migrationId`: the migration the failed call was about (a fenced write's error names it). */
export function pgError(err: unknown, store: string, migrationId = '?'): unknown {
  if (err instanceof CutoverError) return err;
  const e = (err ?? {}) as PgLikeError;
  const code = e.code ?? '';
  if (code === 'CTF01') return fenced(e, migrationId);
  if (code === 'CTN01') return notFound(e.detail ?? '');
  if (code === 'CTE01') return new StoreError(`no intent was recorded for effect ${e.detail}`, 'STORE_NOT_FOUND');
  if (code === '28P01' || code === '28000') return authFailed(store, err);
  if (code === '42501') return denied(store, err);
  if (isAway(e)) return unreachable(store, err);
  return err;
}

/** Refused before the statement reached the server (no server, or one starting or stopping): safe to send again. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P03']);
/** Set by connect.ts on a failure to open a connection: no statement had gone out on it yet. */
const CONNECTING = Symbol('cutover.pg.connecting');

/**
 * True when the server never ran the statement, so sending it again cannot apply it twice: the connection was
 * refused, or the server refused it while shutting down or starting (57P01 aborts the statement's transaction),
 * or the connection it was to go out on failed while being opened (a reset or a cut during start-up, a connect
 * timeout). A connection lost mid-statement is not retried: the statement may have committed.
 */
export function notSent(err: unknown): boolean {
  const e = err as (PgLikeError & { [CONNECTING]?: boolean }) | null;
  if (e?.[CONNECTING]) return true;
  return NOT_SENT.has(String(e?.code ?? '')) || /due to connection timeout/.test(e?.message ?? '');
}

/**
 * Marks a failure to open a connection as one no statement went out on, when it is the server being away
 * (not a refused password or privilege: waiting does not cure those). Returns `err`.
 */
export function connectFailed(err: unknown): unknown {
  if (err && typeof err === 'object' && isAway(err as PgLikeError))
    (err as { [CONNECTING]?: boolean })[CONNECTING] = true;
  return err;
}

function isAway(e: PgLikeError): boolean {
  const code = e.code ?? '';
  return UNREACHABLE.has(code) || RESTARTING.has(code) || isConnectionEnd(e);
}

function isConnectionEnd(e: PgLikeError): boolean {
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e.message ?? '');
}

function fenced(e: PgLikeError, migrationId: string): FencedError {
  const holder = e.detail ? (JSON.parse(e.detail) as { holder: string; nonce: string }) : null;
  return new FencedError(migrationId, holder);
}

export function notFound(id: string): StoreError {
  return new StoreError(
    `migration ${id} does not exist in this database`,
    'STORE_NOT_FOUND',
    'cutover list shows the known migrations',
  );
}

export function duplicate(id: string): StoreError {
  return new StoreError(`migration ${id} already exists`, 'STORE_DUPLICATE', `cutover show ${id} displays it`);
}

/** Exit code 1 with a clear message: the runner stops; `cutover resume ID` carries on once the server is back. */
function unreachable(store: string, cause: unknown): StoreError {
  return new StoreError(
    `cannot reach the store ${store} (${(cause as PgLikeError).message ?? String(cause)}); nothing more was written`,
    'STORE_UNREACHABLE',
    'check that the server is up and reachable (cutover doctor --db URL); then run the command again: ' +
      'a migration carries on from its last committed step',
    { cause },
  );
}

function authFailed(store: string, cause: unknown): StoreError {
  return new StoreError(
    `the store ${store} refused the password (${(cause as PgLikeError).message})`,
    'STORE_AUTH',
    'put the password in the URL, in PGPASSWORD or in ~/.pgpass (docs/team-store.md)',
    { cause },
  );
}

function denied(store: string, cause: unknown): StoreError {
  return new StoreError(
    `the store ${store} refused: ${(cause as PgLikeError).message}`,
    'STORE_PRIVILEGE',
    "grant the store's role the privileges docs/team-store.md lists",
    { cause },
  );
}
