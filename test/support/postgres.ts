// A throwaway PostgreSQL server for the tests that need a real one: initdb in a temporary folder, listening on
// 127.0.0.1 on a free port (and on a socket in that folder), password authentication over TCP, stopped at the end.
// The server runs under a small shell that stops it when its stdin closes, so a test process that dies (even by
// SIGKILL) takes its server with it. As root the server runs as the `postgres` system user (PostgreSQL refuses
// root). Without the binaries a developer's run skips these tests and lists them (specs-reporter.ts); under CI
// they fail, so a run cannot pass by dropping them.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
import { runningInCi } from './specs.js';

declare module 'vitest' {
  interface TaskMeta {
    /** Set on tests that need a PostgreSQL server, so the reporter can list the ones that did not run. */
    needsPostgres?: boolean;
  }
}

export const PG_PASSWORD = 's3cret-pg-pw';
export const PG_HINT =
  'install PostgreSQL (Debian: apt-get install postgresql) or set CUTOVER_PG_BIN to its bin folder';

/** The folder of initdb/pg_ctl/postgres, or null when none is installed (CUTOVER_PG_BIN, when set, is the only one). */
export function postgresBin(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = env.CUTOVER_PG_BIN ? [env.CUTOVER_PG_BIN] : versionedBins();
  return candidates.find((dir) => existsSync(path.join(dir, 'initdb'))) ?? null;
}

function versionedBins(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => path.join(root, v, 'bin'));
}

export interface PgServer {
  port: number;
  /** postgres://postgres:PASSWORD@127.0.0.1:port/NAME */
  url(database?: string): string;
  /** A fresh, empty database; its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Stops the server (fast shutdown), then, when `back` resolves, starts it again on the same port and data. */
  restart(back: Promise<unknown>): Promise<void>;
  /** Stops the server (fast shutdown) and removes its folder. */
  stop(): Promise<void>;
}

let counter = 0;

export async function startPostgres(): Promise<PgServer> {
  const bin = postgresBin();
  if (!bin) throw new Error(`no PostgreSQL server binaries: ${PG_HINT}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cutover-pg-'));
  const data = path.join(dir, 'data');
  const asPostgres = os.userInfo().uid === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  if (asPostgres.length > 0) chownSync(dir, pgUid(), pgGid());
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, PG_PASSWORD, { mode: 0o600 });
  if (asPostgres.length > 0) chownSync(pwfile, pgUid(), pgGid());
  run(asPostgres, path.join(bin, 'initdb'), [
    ...['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`],
    ...['-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'],
  ]);
  const port = await freePort();
  let server = serve(asPostgres, bin, data, dir, port);
  await waitReady(bin, dir, port, server);
  const url = (database = 'postgres') =>
    `postgres://postgres:${encodeURIComponent(PG_PASSWORD)}@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    async createDatabase(prefix = 'db') {
      const name = `${prefix}_${process.pid}_${++counter}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
      run([], path.join(bin, 'createdb'), ['-h', dir, '-p', String(port), '-U', 'postgres', name]);
      return url(name);
    },
    async restart(back) {
      await stopServer(server);
      await back;
      server = serve(asPostgres, bin, data, dir, port);
      await waitReady(bin, dir, port, server);
    },
    async stop() {
      await stopServer(server);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function pgUid(): number {
  return Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
}
function pgGid(): number {
  return Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
}

function run(prefix: string[], cmd: string, args: string[]): void {
  const [file, ...rest] = prefix.length > 0 ? [...prefix, cmd, ...args] : [cmd, ...args];
  execFileSync(file!, rest, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** postgres under `sh`, which stops it (SIGINT: fast shutdown) when our end of its stdin closes. */
function serve(prefix: string[], bin: string, data: string, dir: string, port: number): ChildProcess {
  const postgres = [path.join(bin, 'postgres'), '-D', data, '-p', String(port), '-k', dir]
    .concat(['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'])
    .map((a) => `'${a}'`)
    .join(' ');
  const script = `${postgres} >'${dir}/log' 2>&1 & pid=$!; cat >/dev/null; kill -INT $pid; wait $pid`;
  const [file, ...args] = [...prefix, 'sh', '-c', script];
  return spawn(file!, args, { stdio: ['pipe', 'ignore', 'ignore'] });
}

async function waitReady(bin: string, dir: string, port: number, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (server.exitCode !== null) throw new Error(`postgres exited early (${server.exitCode}); see ${dir}/log`);
    try {
      execFileSync(path.join(bin, 'pg_isready'), ['-q', '-h', dir, '-p', String(port)]);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`postgres did not become ready on port ${port}; see ${dir}/log`);
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.stdin?.end();
  await exited;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface PgProxy {
  port: number;
  /** Drops every connection and stops listening: new ones are refused, as from a host cut off the network. */
  cut(): void;
  /** Listens again (on the same port). */
  heal(): Promise<void>;
  /** The next `n` connections are accepted and dropped at once, before the server sees them. */
  dropNext(n: number): void;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 in front of the server at `target` (its port), for connection faults. */
export async function pgProxy(target: number): Promise<PgProxy> {
  const sockets = new Set<net.Socket>();
  let drop = 0;
  const proxy = net.createServer((client) => {
    client.on('error', () => {});
    if (drop > 0 && drop--) return void client.destroy();
    const upstream = net.connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number) => new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const port = (proxy.address() as net.AddressInfo).port;
  return {
    port,
    cut() {
      proxy.close();
      for (const s of sockets) s.destroy();
    },
    heal: () => listen(port),
    dropNext(n) {
      drop = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        proxy.close(() => resolve());
      }),
  };
}

/**
 * `describe` for tests that need a PostgreSQL server: runs them when the binaries are installed, skips (and lists)
 * them on a developer's machine without, and fails under CI=true without.
 */
export function describeWithPostgres(name: string, fn: () => void): void {
  const options = { meta: { needsPostgres: true } } as const;
  if (postgresBin()) return void describe(name, options, fn);
  if (runningInCi()) {
    return void describe(name, options, () => {
      fn();
      throw new Error(`no PostgreSQL server binaries (CI=true: PostgreSQL tests may not be skipped): ${PG_HINT}`);
    });
  }
  describe.skip(name, options, fn);
}
