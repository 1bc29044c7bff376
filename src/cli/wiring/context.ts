// What every command gets: its streams, environment and clock (all injectable, so tests run commands
// in-process), and lazily built heavy parts: the store, the service clients, the engine.
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { accountName } from '../../adapters/account.js';
import { isPostgresUrl, maskUrl } from '../../adapters/postgres/url.js';
import { systemClock } from '../../adapters/clock.js';
import { UsageError } from '../../errors.js';
import type { Clock } from '../../ports.js';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export interface CliContext {
  io: Io;
  env: NodeJS.ProcessEnv;
  cwd: string;
  clock: Clock;
  /** Aborted on SIGINT/SIGTERM: long commands stop cleanly and say how to resume. */
  signal: AbortSignal;
  /** user@host, written into the journal with every operator action. */
  actor: string;
}

export interface GlobalOptions {
  db?: string;
  json?: boolean;
  config?: string;
}

export function defaultContext(signal: AbortSignal): CliContext {
  const env = process.env;
  return {
    // stdin on demand: Node builds the stream (and loads its tty or net module) on first access, and most
    // commands never read it.
    io: {
      stdout: process.stdout,
      stderr: process.stderr,
      get stdin() {
        return process.stdin;
      },
    },
    env,
    cwd: process.cwd(),
    clock: systemClock,
    signal,
    actor: `${accountName(env)}@${hostname()}`,
  };
}

/** A flag given an empty value (`--out ''`) is a mistake, never a request for the default. */
export function nonEmptyFlag(flag: string, value: string | undefined, hint: string): string | undefined {
  if (value === '') throw new UsageError(`${flag} is empty`, hint);
  return value;
}

/** --config FILE, refused when empty (an empty flag would silently mean "no configuration file"). */
export function configFile(opts: GlobalOptions): string | undefined {
  const hint =
    'give the configuration file, or leave --config out to use $CUTOVER_CONFIG or ~/.config/cutover/config.json';
  return nonEmptyFlag('--config', opts.config, hint);
}

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * Where the state lives: a SQLite file, or a PostgreSQL team store. `label` is the file, or the URL with its
 * password masked: the only form ever printed.
 */
export type StoreTarget =
  | { kind: 'sqlite'; file: string; label: string }
  | { kind: 'postgres'; url: string; label: string };

/**
 * A store location as given to --db or CUTOVER_DB: a postgres:// or postgresql:// URL names a team store; any
 * other URL is refused (naming only its scheme: it may hold a password); anything else is a SQLite file path.
 */
export function storeLocation(value: string, source: '--db' | 'CUTOVER_DB'): StoreTarget {
  const hint =
    source === '--db'
      ? 'give a file path (--db ./state.db) or a PostgreSQL URL (--db postgres://user@host/db)'
      : 'set CUTOVER_DB to a file path or a postgres:// URL, or unset it';
  nonEmptyFlag('--db', value, `${hint}; without --db, $CUTOVER_DB or ~/.local/share/cutover/state.db is used`);
  if (isPostgresUrl(value)) return { kind: 'postgres', url: value, label: maskUrl(value) };
  const scheme = URL_SCHEME.exec(value)?.[1] ?? (/^postgres(ql)?:/i.test(value) ? value.split(':')[0] : undefined);
  if (scheme !== undefined) {
    const message =
      `${source} ${scheme}://…: not a store location; cutover keeps its state in a SQLite file or on a ` +
      'PostgreSQL server (postgres://…); nothing was created';
    throw new UsageError(message, hint);
  }
  return { kind: 'sqlite', file: value, label: value };
}

/**
 * --db > CUTOVER_DB > the user's data directory (XDG_DATA_HOME honoured). `--db ''` is refused; an empty
 * CUTOVER_DB counts as unset, as an empty environment variable does by common convention (`${VAR:-default}`).
 */
export function storeTarget(ctx: CliContext, opts: GlobalOptions): StoreTarget {
  if (opts.db !== undefined) return storeLocation(opts.db, '--db');
  if (ctx.env.CUTOVER_DB) return storeLocation(ctx.env.CUTOVER_DB, 'CUTOVER_DB');
  const file = defaultDatabaseFile(ctx);
  return { kind: 'sqlite', file, label: file };
}

function defaultDatabaseFile(ctx: CliContext): string {
  const base = ctx.env.XDG_DATA_HOME || join(ctx.env.HOME ?? homedir(), '.local', 'share');
  return join(base, 'cutover', 'state.db');
}

/**
 * The local state file, or, with a team store, where it would be by default: local files (drafts) live beside
 * it. Refuses a bad --db or CUTOVER_DB as storeTarget does.
 */
export function databasePath(ctx: CliContext, opts: GlobalOptions): string {
  const target = storeTarget(ctx, opts);
  return target.kind === 'sqlite' ? target.file : defaultDatabaseFile(ctx);
}
