// The report on the team store at scale: `cutover report --format json --db URL` (the built CLI, a child
// process) over 10,000 and 100,000 migrations (1,000 and 10,000 without --full), against the equivalent raw SQL
// aggregate on the server (bench/pg-raw-aggregate.mjs, a child process too), interleaved round by round.
// The data is bench/seed.mjs's (the SQLite report benchmark's), loaded into the PostgreSQL schema in bulk:
// migrations with their plans and snapshots, and marks (journal rows are left out: the report never reads them).
// Target: the report ≤ 2× the raw aggregate at the largest size.
//
//   node bench/pg-report-scale.mjs [--full] [--sizes 10000,100000] [--rounds 3]
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  argFlag,
  argValue,
  check,
  finish,
  fromDist,
  machine,
  median,
  ms,
  ratio,
  removeDir,
  ROOT,
  runChild,
  tempDir,
} from './lib.mjs';
import { benchPostgres } from './pg-server.mjs';
import { seedReportDb } from './seed.mjs';

const FULL = argFlag('--full') || process.env.BENCH_FULL === '1';
const SIZES = String(argValue('--sizes', FULL ? '10000,100000' : '1000,10000'))
  .split(',')
  .map(Number);
const ROUNDS = Number(argValue('--rounds', 3));
const CLI = path.join(ROOT, 'bin', 'cutover.cjs');

/** Copies migrations and marks of the seeded SQLite file into the team store at `url`, 5,000 rows a statement. */
async function load(file, url) {
  const { openPostgresStore } = await fromDist('adapters/postgres/open.js');
  await (await openPostgresStore(url)).close(); // the real schema
  const src = new Database(file, { readonly: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const json = (v) => (v === null ? null : JSON.parse(v));
  const batches = [
    [
      'migrations',
      'SELECT * FROM migrations',
      (r) => ({ ...r, plan: json(r.plan), snapshot: json(r.snapshot), last_error: json(r.last_error) }),
    ],
    ['marks', 'SELECT * FROM marks', (r) => r],
  ];
  for (const [table, sql, shape] of batches) {
    let batch = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await client.query(
        `INSERT INTO cutover.${table} SELECT * FROM json_populate_recordset(NULL::cutover.${table}, $1)`,
        [JSON.stringify(batch)],
      );
      batch = [];
    };
    for (const row of src.prepare(sql).iterate()) {
      batch.push(shape(row));
      if (batch.length === 5_000) await flush();
    }
    await flush();
  }
  await client.query('ANALYZE');
  await client.end();
  src.close();
}

const server = await benchPostgres();
if (!server) {
  console.log('pg-report-scale: no PostgreSQL server (install postgresql or set BENCH_PG_URL); not run');
  finish('pg-report-scale', { machine: machine(), figures: {}, checks: [] });
  process.exit(0);
}
const dir = tempDir();
const figures = { sizes: {}, full: FULL };
const checks = [];
try {
  console.log(`pg report scale: sizes ${SIZES.join(', ')}; ${ROUNDS} interleaved rounds each`);
  for (const n of SIZES) {
    const file = path.join(dir, `report-${n}.db`);
    await seedReportDb(file, n);
    const url = await server.createDatabase(`report${n}`);
    const t0 = performance.now();
    await load(file, url);
    console.log(`  loaded ${n} migrations into PostgreSQL in ${ms(performance.now() - t0)}`);
    const out = path.join(dir, `report-${n}.json`);
    const env = { ...process.env, NO_COLOR: '1', CUTOVER_DB: '' };
    const report = [];
    const raw = [];
    for (let r = 0; r < ROUNDS; r++) {
      const a = await runChild(process.execPath, [CLI, 'report', '--format', 'json', '--db', url, '--out', out], {
        env,
        sampleMs: 10,
      });
      if (a.code !== 0) throw new Error(`cutover report exited ${a.code}: ${a.stderr.slice(0, 500)}`);
      report.push(a);
      const b = await runChild(process.execPath, [path.join(ROOT, 'bench', 'pg-raw-aggregate.mjs'), url], {
        env,
        sampleMs: 10,
      });
      if (b.code !== 0) throw new Error(`raw aggregate exited ${b.code}: ${b.stderr.slice(0, 500)}`);
      raw.push(b);
    }
    const f = {
      reportMs: median(report.map((x) => x.wallMs)),
      reportPeakRss: Math.max(...report.map((x) => x.peakRssBytes)),
      rawMs: median(raw.map((x) => x.wallMs)),
    };
    f.ratio = f.reportMs / f.rawMs;
    figures.sizes[n] = f;
    console.log(`\n  ${n} migrations`);
    console.log(`    baseline  raw SQL aggregate on the server (child process): median ${ms(f.rawMs)}`);
    console.log(
      `    measured  cutover report --format json --db URL:           median ${ms(f.reportMs)}, peak RSS ${(f.reportPeakRss / 1048576).toFixed(1)} MB`,
    );
    console.log(`    ratio: ${ratio(f.ratio)}`);
  }
  const largest = SIZES.at(-1);
  const f = figures.sizes[largest];
  checks.push(check(`${largest}: PostgreSQL report / raw SQL aggregate`, ratio(f.ratio), '≤ 2.00×', f.ratio <= 2));
  finish('pg-report-scale', { machine: machine(), figures, checks });
} finally {
  removeDir(dir);
  await server.stop();
}
