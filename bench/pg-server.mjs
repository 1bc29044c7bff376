// A throwaway PostgreSQL server for the team store's benchmarks (test/support/postgres.ts does the same for the
// tests): initdb in a temporary folder, 127.0.0.1 on a free port, stopped with the process (its stdin closes).
// fsync stays ON here, unlike the tests: the durable step is measured against a durable baseline.
// BENCH_PG_URL instead points the benchmarks at an existing server (each run uses a fresh database on it).
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const PASSWORD = 'bench-pw';

export function postgresBin() {
  if (process.env.CUTOVER_PG_BIN)
    return existsSync(path.join(process.env.CUTOVER_PG_BIN, 'initdb')) ? process.env.CUTOVER_PG_BIN : null;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const dirs = readdirSync(root)
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => path.join(root, v, 'bin'));
  return dirs.find((d) => existsSync(path.join(d, 'initdb'))) ?? null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** { url(db), createDatabase(name), stop() }; null when there is neither BENCH_PG_URL nor a PostgreSQL install. */
export async function benchPostgres() {
  const { default: pg } = await import('pg');
  if (process.env.BENCH_PG_URL) return over(pg, process.env.BENCH_PG_URL, async () => {});
  const bin = postgresBin();
  if (!bin) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cutover-bench-pg-'));
  const asRoot = os.userInfo().uid === 0;
  const uid = asRoot ? Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })) : null;
  const gid = asRoot ? Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) : null;
  writeFileSync(path.join(dir, 'pw'), PASSWORD);
  if (asRoot) for (const p of [dir, path.join(dir, 'pw')]) chownSync(p, uid, gid);
  const prefix = asRoot ? ['runuser', '-u', 'postgres', '--'] : [];
  const initdb = [
    path.join(bin, 'initdb'),
    '-D',
    path.join(dir, 'data'),
    '-U',
    'postgres',
    '--auth-host=scram-sha-256',
  ];
  initdb.push('--auth-local=trust', `--pwfile=${path.join(dir, 'pw')}`, '--no-sync');
  const [cmd, ...args] = [...prefix, ...initdb];
  execFileSync(cmd, args, { stdio: 'ignore' });
  const port = await freePort();
  const server = `'${path.join(bin, 'postgres')}' -D '${path.join(dir, 'data')}' -p ${port} -k '${dir}' -c listen_addresses=127.0.0.1`;
  const script = `${server} >'${dir}/log' 2>&1 & pid=$!; cat >/dev/null; kill -INT $pid; wait $pid`;
  const [sh, ...shArgs] = [...prefix, 'sh', '-c', script];
  const child = spawn(sh, shArgs, { stdio: ['pipe', 'ignore', 'ignore'] });
  for (let i = 0; ; i++) {
    try {
      execFileSync(path.join(bin, 'pg_isready'), ['-q', '-h', dir, '-p', String(port)]);
      break;
    } catch {
      if (i > 300) throw new Error(`postgres did not start; see ${dir}/log`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return over(pg, `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`, async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.stdin.end();
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });
}

function over(pg, adminUrl, stop) {
  let n = 0;
  const url = (db) => {
    const u = new URL(adminUrl);
    u.pathname = `/${db}`;
    return u.toString();
  };
  return {
    url,
    async createDatabase(prefix) {
      const name = `${prefix}_${process.pid}_${++n}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`CREATE DATABASE ${name}`);
      await client.end();
      return url(name);
    },
    stop,
  };
}
