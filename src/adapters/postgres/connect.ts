// Connecting to the team store: `pg` (loaded here, on the PostgreSQL path only), a pool whose `json` columns come
// back as the text the store wrote (rows.ts of the SQLite adapter parses them, for both stores), and libpq's
// conventions: PGPASSWORD and ~/.pgpass (pg reads the file when no password is given), sslmode and sslrootcert.
import fs from 'node:fs';
import type { Client, Pool, PoolConfig } from 'pg';
import { StoreError } from '../../errors.js';
import { connectFailed } from './errors.js';
import { maskUrl } from './url.js';

const JSON_OID = 114;

export interface ConnectOptions {
  env?: NodeJS.ProcessEnv;
  /** Pool size; a CLI command needs one or two connections. */
  max?: number;
}

export async function createPool(url: string, options: ConnectOptions = {}): Promise<Pool> {
  const { default: pg } = await import('pg');
  const config = poolConfig(url, options.env ?? process.env);
  const pool = new pg.Pool({
    ...config,
    Client: markingClient(pg.Client),
    max: options.max ?? 4,
    connectionTimeoutMillis: 10_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === JSON_OID ? (text: string) => text : pg.types.getTypeParser(oid, format)) as never,
    },
  });
  // An idle connection the server drops (a restart) must not crash the process: the next query reconnects.
  pool.on('error', () => {});
  // Nor one dropped while checked out (a transaction between statements when the server restarts): its
  // statements fail with the error, which the store handles, but the client's own 'error' event has no other
  // listener then, and an unheard 'error' event ends the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

type Connect = (callback?: (err: Error | undefined) => void) => Promise<void> | undefined;

/**
 * The pool's clients mark a failure while connecting (connectFailed): the statement waiting for that
 * connection never went out, so the store may send it again on another (store.ts `send`).
 */
function markingClient(Base: typeof Client): typeof Client {
  return class extends Base {
    override connect = ((callback?: (err: Error | undefined) => void) => {
      const connect = super.connect.bind(this) as Connect;
      if (callback) return void connect((err) => callback(err && (connectFailed(err) as Error)));
      return connect()!.catch((err: unknown) => Promise.reject(connectFailed(err)));
    }) as Client['connect'];
  };
}

/** Connection settings from the URL; sslmode and sslrootcert are read here, as libpq reads them. */
export function poolConfig(url: string, env: NodeJS.ProcessEnv): PoolConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new StoreError(`${maskUrl(url)} is not a valid URL`, 'STORE_URL', URL_HINT, { cause: err });
  }
  const params = parsed.searchParams;
  const sslmode = params.get('sslmode') ?? env.PGSSLMODE ?? 'disable';
  const rootCert = params.get('sslrootcert') ?? env.PGSSLROOTCERT;
  const password = parsed.password ? decodeURIComponent(parsed.password) : (params.get('password') ?? env.PGPASSWORD);
  return {
    host: decodeURIComponent(parsed.hostname) || params.get('host') || env.PGHOST || 'localhost',
    port: Number(parsed.port || params.get('port') || env.PGPORT || 5432),
    user: decodeURIComponent(parsed.username) || params.get('user') || env.PGUSER || env.USER,
    database: decodeURIComponent(parsed.pathname.slice(1)) || env.PGDATABASE || undefined,
    ...(password ? { password } : {}),
    application_name: params.get('application_name') ?? 'cutover',
    ssl: sslConfig(sslmode, rootCert, url),
  };
}

const URL_HINT = 'e.g. --db postgres://cutover@db.example.com:5432/cutover?sslmode=verify-full (docs/team-store.md)';

/** libpq's sslmode: disable/allow/prefer connect in clear; require encrypts; verify-ca/verify-full check the CA. */
function sslConfig(mode: string, rootCert: string | undefined, url: string): PoolConfig['ssl'] {
  const ca = rootCert ? readRootCert(rootCert, url) : undefined;
  switch (mode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      return false;
    case 'require':
      // As libpq: with a root certificate, require also verifies the CA.
      return ca ? { ca, checkServerIdentity: () => undefined } : { rejectUnauthorized: false };
    case 'verify-ca':
      return { ca, checkServerIdentity: () => undefined };
    case 'verify-full':
      return ca ? { ca } : {};
    default:
      throw new StoreError(
        `${maskUrl(url)}: sslmode=${mode} is not one of disable, allow, prefer, require, verify-ca, verify-full`,
        'STORE_URL',
        URL_HINT,
      );
  }
}

function readRootCert(file: string, url: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    const message = `${maskUrl(url)}: cannot read sslrootcert ${file} (${code})`;
    throw new StoreError(message, 'STORE_URL', 'give the CA certificate file the server was issued by', {
      cause: err,
    });
  }
}
