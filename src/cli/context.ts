// What every command gets: its streams, environment and clock (all injectable, so tests run commands
// in-process), and lazily built heavy parts: the store, the service clients, the engine.
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { accountName } from '../adapters/account.js';
import { systemClock } from '../adapters/clock.js';
import type { Clock } from '../ports.js';

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

/** --db > CUTOVER_DB > the user's data directory (XDG_DATA_HOME honoured). */
export function databasePath(ctx: CliContext, opts: GlobalOptions): string {
  if (opts.db) return opts.db;
  if (ctx.env.CUTOVER_DB) return ctx.env.CUTOVER_DB;
  const base = ctx.env.XDG_DATA_HOME || join(ctx.env.HOME ?? homedir(), '.local', 'share');
  return join(base, 'cutover', 'state.db');
}
