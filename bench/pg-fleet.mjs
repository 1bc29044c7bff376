// The fleet on the team store (issue 16): N migrations of N orgs in one PostgreSQL database, driven by 3 worker
// processes, each the Scheduler of `cutover watch` (bench/fleet-watch-child.mjs with a postgres:// URL, the same
// options as bench/fleet.mjs gives its one worker), against the emulator (latency L on every request). The
// drafts are created in the database; the workers take them through preflight, staging and filing and poll
// their tickets every P; Customer Care resolves each ticket at a random instant within W of its migration
// waiting on it. The workers share the migrations through the store alone (leases): nothing assigns them.
//
// Checks: every migration cut over within P + 5 × L of its ticket's resolution (legacy_stopped →
// connection_established, from the stored marks); drive starts per worker never above --rate in any one-second
// window (the fleet-wide figure is printed too: the limit is each worker's); 0 double drives (a lease of one
// migration that changed hands while its holder still drove it; pg-fleet-checks.mjs); 0 orgs with a duplicate
// ticket, flow or connection (the emulator's world counters). Printed, not judged: how the migrations split
// across the workers, and each worker's locked drives (refused because another worker held the lease).
//
// Default (part of `npm run bench`): 150 migrations, P = 10 s. --full (or BENCH_FULL=1): 1,000 migrations,
// P = 60 s (the plan default).
//
//   node bench/pg-fleet.mjs [--full] [--migrations N] [--workers 3] [--poll-ms P] [--latency-ms L]
//                           [--window-ms W] [--concurrency C] [--rate R] [--time-scale X]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import {
  argFlag,
  argValue,
  check,
  emulatorPlan,
  emulatorProcess,
  finish,
  fromDist,
  machine,
  max,
  maxPerWindow,
  mb,
  median,
  ms,
  orgId,
  quantile,
  ratio,
  ROOT,
  sleep,
  storeEngines,
  worldDuplicates,
} from './lib.mjs';
import {
  doubleDrives,
  installLeaseLog,
  logOverlaps,
  readLeaseLog,
  workerDrives,
  workerSplit,
  workersPerMigration,
} from './pg-fleet-checks.mjs';
import { benchPostgres } from './pg-server.mjs';

const FULL = argFlag('--full') || process.env.BENCH_FULL === '1';
const N = Number(argValue('--migrations', FULL ? 1000 : 150));
const WORKERS = Number(argValue('--workers', 3));
const P = Number(argValue('--poll-ms', FULL ? 60_000 : 10_000));
const L = Number(argValue('--latency-ms', 50));
const W = Number(argValue('--window-ms', P));
const C = Number(argValue('--concurrency', FULL ? 64 : 32));
const R = Number(argValue('--rate', 50));
const TIME_SCALE = Number(argValue('--time-scale', 0.5));
const JIRA_RATE = Number(argValue('--jira-rate', 200));

const server = await benchPostgres();
if (!server) {
  console.log('pg-fleet: no PostgreSQL server (install postgresql or set BENCH_PG_URL); not run');
  finish('pg-fleet', { machine: machine(), figures: {}, checks: [] });
  process.exit(0);
}
const emulator = await emulatorProcess({ timeScale: TIME_SCALE, latencyMs: 0 });
const workers = [];
let db = null;
let hwmTimer;
try {
  console.log(
    `pg-fleet: ${N} migrations in ${N} orgs on one team store, ${WORKERS} workers; L = ${L} ms, P = ${P} ms, resolutions within W = ${W} ms of each migration waiting; each worker --concurrency ${C} --rate ${R}`,
  );
  const url = await server.createDatabase('fleet');
  const orgs = await createDrafts(url);
  db = new pg.Client({ connectionString: url });
  await db.connect();
  await installLeaseLog(db);
  await emulator.setLatency(L);

  const env = {
    ...process.env,
    ...(await fromDist('emulator/index.js')).emulatorEnv(emulator.url),
    CUTOVER_HTTP_TIMEOUT_MS: '10000',
    CUTOVER_JIRA_RATE: String(JIRA_RATE),
    BENCH_FLEET_TRACE: '1',
    NO_COLOR: '1',
  };
  for (let i = 0; i < WORKERS; i++) workers.push(startWorker(url, env));
  hwmTimer = setInterval(() => workers.forEach(readHwm), 200);
  const { elapsed, cut } = await customerCare();
  console.log(`  ${cut} of ${N} cut over after ${ms(elapsed)}`);
  await Promise.all(workers.map(stopWorker));
  clearInterval(hwmTimer);
  workers.forEach(readHwm);
  for (const w of workers) {
    const line = w.out.split('\n').find((l) => l.startsWith('FLEET '));
    w.fleet = line ? JSON.parse(line.slice(6)) : null;
    w.drives = workerDrives(w.err);
  }
  await report(orgs, elapsed);
} finally {
  clearInterval(hwmTimer);
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGTERM');
  await db?.end();
  await emulator.close();
  await server.stop();
}

/** The drafts, one org each (the emulator seeds an org on first use), created through an engine on the store. */
async function createDrafts(url) {
  const t0 = performance.now();
  const { openPostgresStore } = await fromDist('adapters/postgres/open.js');
  const store = await openPostgresStore(url);
  const engineFor = await storeEngines(emulator.url, store);
  const orgs = [];
  for (let i = 0; i < N; i++) {
    const org = orgId(i + 1, 'PGFLEET');
    const plan = await emulatorPlan(await emulator.world(org), P);
    plan.polling.verifyIntervalMs = Math.min(P, 5_000);
    await engineFor(org).create(plan, 'bench');
    orgs.push(org);
  }
  await store.close();
  console.log(`  created ${N} drafts in ${ms(performance.now() - t0)}`);
  return orgs;
}

function startWorker(url, env) {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bench', 'fleet-watch-child.mjs'), url, String(C), String(R)],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const w = { child, pid: child.pid, out: '', err: '', peakRss: 0, fleet: null, drives: [], exitedAt: null };
  child.stdout.on('data', (d) => (w.out += d));
  child.stderr.on('data', (d) => (w.err += d));
  child.on('exit', () => (w.exitedAt ??= Date.now()));
  w.exit = new Promise((resolve) => child.on('close', resolve));
  return w;
}

async function stopWorker(w) {
  if (w.child.exitCode === null) w.child.kill('SIGTERM');
  await w.exit;
}

function readHwm(w) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${w.pid}/status`, 'utf8'));
    if (m) w.peakRss = Math.max(w.peakRss, Number(m[1]) * 1024);
  } catch {
    // gone
  }
}

/** Resolves each ticket within W of its migration waiting; returns once all are cut over or need attention. */
async function customerCare() {
  const scheduled = new Set();
  const timers = [];
  const started = Date.now();
  const deadline = started + Math.max(600_000, 3 * P + W + N * 200);
  let allWaiting = false;
  let cut = 0;
  try {
    while (Date.now() < deadline) {
      const { rows } = await db.query(
        `SELECT id, ticket_key FROM cutover.migrations WHERE state LIKE 'awaiting_resolution.%' AND ticket_key IS NOT NULL`,
      );
      for (const row of rows) {
        if (scheduled.has(row.id)) continue;
        scheduled.add(row.id);
        const resolve = () =>
          emulator.resolve(row.ticket_key).catch((e) => console.error(`resolve ${row.ticket_key}: ${e.message}`));
        timers.push(setTimeout(resolve, Math.random() * W));
      }
      if (!allWaiting && scheduled.size === N) {
        allWaiting = true;
        console.log(`  every migration staged, filed and waiting after ${ms(Date.now() - started)}`);
      }
      const counts = await db.query(`SELECT
        (SELECT count(*) FROM cutover.marks WHERE name = 'connection_established')::int AS cut,
        (SELECT count(*) FROM cutover.migrations WHERE status = 'needs_attention')::int AS attention`);
      cut = counts.rows[0].cut;
      if (cut + counts.rows[0].attention >= N) break;
      // A child killed by a signal has a signalCode and no exitCode.
      const gone = workers.find((w) => w.child.exitCode !== null || w.child.signalCode !== null);
      if (gone) {
        const how = gone.child.exitCode ?? gone.child.signalCode;
        throw new Error(`worker ${gone.pid} exited early (${how}): ${gone.err.slice(-1000)}`);
      }
      await sleep(250);
    }
  } finally {
    for (const t of timers) clearTimeout(t);
  }
  return { elapsed: Date.now() - started, cut };
}

/** The figures from the stored marks, the lease journal, the workers' logs and the emulator; then the checks. */
async function report(orgs, elapsed) {
  const { rows } = await db.query(`SELECT m.id, m.status, s.at AS stopped, c.at AS established
    FROM cutover.migrations m LEFT JOIN cutover.marks s ON s.migration_id = m.id AND s.name = 'legacy_stopped'
    LEFT JOIN cutover.marks c ON c.migration_id = m.id AND c.name = 'connection_established'`);
  const attention = (
    await db.query(`SELECT id, state, last_error FROM cutover.migrations WHERE status = 'needs_attention'`)
  ).rows;
  const takeovers = (await db.query(`SELECT count(*)::int AS n FROM cutover.journal WHERE name = 'TAKEOVER'`)).rows[0]
    .n;
  const latencies = rows
    .filter((r) => r.stopped && r.established)
    .map((r) => Date.parse(r.established) - Date.parse(r.stopped));
  const budget = P + 5 * L;
  const late = latencies.filter((v) => v > budget).length;
  const leaseLog = await readLeaseLog(db);
  const leases = doubleDrives(leaseLog, workers);
  const established = new Map(rows.filter((r) => r.established).map((r) => [r.id, Date.parse(r.established)]));
  const split = workerSplit(workers, established);
  const fleetStarts = maxPerWindow(workers.flatMap((w) => w.drives.map((d) => d.start)));
  const dup = await worldDuplicates(emulator, orgs);
  const figures = {
    migrations: N,
    workers: WORKERS,
    pollMs: P,
    latencyMs: L,
    windowMs: W,
    concurrency: C,
    rate: R,
    elapsedMs: elapsed,
    cutOver: latencies.length,
    needsAttention: attention.length,
    cutoverLatency: { medianMs: median(latencies), p95Ms: quantile(latencies, 0.95), maxMs: max(latencies) },
    overBudget: late,
    perWorker: split,
    fleetMaxStartsPerSecond: fleetStarts,
    workersPerMigration: workersPerMigration(workers),
    leaseHolds: leases.holds.size ? [...leases.holds.values()].reduce((a, b) => a + b, 0) : 0,
    leaseChangesOfHolder: leases.changes,
    takeoverRows: takeovers,
    doubleDrives: leases.doubles.length,
    workerLogOverlaps: logOverlaps(workers, leaseLog),
    duplicates: dup.count,
  };
  printFigures(figures, budget, attention, leases, dup);
  if (late > 0) printWorst(rows);
  const worstRate = Math.max(...split.map((s) => s.maxStartsPerSecond));
  const checks = [
    check('every migration cut over', `${latencies.length}/${N}`, `${N}/${N}`, latencies.length === N),
    check(
      'max resolution → flow / (P + 5L)',
      `${ratio(figures.cutoverLatency.maxMs / budget)} (${late} over)`,
      '≤ 1.00×',
      figures.cutoverLatency.maxMs <= budget,
    ),
    check(
      'max drive starts in one second, per worker',
      `${split.map((s) => s.maxStartsPerSecond).join(' / ')} (fleet-wide ${fleetStarts})`,
      `≤ --rate ${R} each`,
      split.every((s) => s.starts > 0) && worstRate <= R,
    ),
    check('double drives (lease journal)', leases.doubles.length, '0', leases.doubles.length === 0),
    check('orgs with a duplicate write', dup.count, '0', dup.count === 0),
  ];
  finish('pg-fleet', { machine: machine(), figures, checks });
}

function printFigures(f, budget, attention, leases, dup) {
  console.log(`\n  baseline: P = ${P} ms, L = ${L} ms; budget P + 5L = ${budget} ms`);
  console.log(
    `  resolution → flow (legacy_stopped → connection_established): median ${ms(f.cutoverLatency.medianMs)} (${ratio(f.cutoverLatency.medianMs / P)} P), p95 ${ms(f.cutoverLatency.p95Ms)}, max ${ms(f.cutoverLatency.maxMs)} (${ratio(f.cutoverLatency.maxMs / budget)} the budget); ${f.overBudget} of ${f.cutOver} over the budget`,
  );
  for (const [i, s] of f.perWorker.entries())
    console.log(
      `  worker ${i + 1} (pid ${s.pid}): ${s.starts} drive starts (at most ${s.maxStartsPerSecond} in one second), ${s.finished} finished, ${s.migrations} migrations driven, ${s.cutOvers} cut-overs; ${s.locked} locked, ${s.claimedElsewhere} claims not granted, ${s.failed} failed; peak RSS ${mb(s.peakRssBytes)}`,
    );
  console.log(
    `  fleet-wide: at most ${f.fleetMaxStartsPerSecond} drive starts in one second (the limit is each worker's --rate ${R}); migrations driven by 1/2/3 workers: ${[1, 2, 3].map((k) => f.workersPerMigration[k] ?? 0).join(' / ')}`,
  );
  console.log(
    `  leases: ${f.leaseHolds} holds (finished drives: ${f.perWorker.reduce((n, s) => n + s.finished, 0)}), ${f.leaseChangesOfHolder} changed hands without a release (TAKEOVER rows ${f.takeoverRows}); double drives ${f.doubleDrives}`,
  );
  const o = f.workerLogOverlaps;
  console.log(
    `  workers' logs: ${o.count} pair(s) of finished drives of one migration by two workers overlapping from lease acquire to logged end (longest ${ms(o.longestMs)}; ${o.afterRelease} of them acquired after the other's release in the journal: a hand-over, its end logged late; ${o.unmatched} drives without a matching lease; ${o.rawCount} overlaps from the logged start, which includes waiting for a pooled connection)`,
  );
  for (const d of leases.doubles.slice(0, 5))
    console.log(`    ${d.migration_id}: ${d.old_holder} → ${d.new_holder} at ${new Date(d.at).toISOString()}`);
  if (attention.length > 0)
    console.log(`  needs attention: ${attention.slice(0, 5).map((a) => `${a.id} ${a.state} ${a.last_error}`)}`);
  if (dup.examples.length) console.log(`  duplicates: ${dup.examples.join('\n    ')}`);
}

/** The drives of the slowest cut-over by every worker, from a poll interval before its resolution on. */
function printWorst(rows) {
  const worst = rows
    .filter((r) => r.stopped && r.established)
    .sort(
      (a, b) => Date.parse(b.established) - Date.parse(b.stopped) - (Date.parse(a.established) - Date.parse(a.stopped)),
    )[0];
  const stopped = Date.parse(worst.stopped);
  console.log(
    `  slowest: ${worst.id}, resolved ${worst.stopped}, flow ${worst.established}; its drives (t from the resolution):`,
  );
  const drives = workers.flatMap((w, i) =>
    w.drives.filter((d) => d.id === worst.id).map((d) => ({ ...d, worker: i + 1 })),
  );
  for (const d of drives.sort((a, b) => a.start - b.start).filter((d) => d.start >= stopped - P - 5000))
    console.log(
      `    worker ${d.worker}: ${ms(d.start - stopped)} → ${d.end === null ? 'refused (locked)' : `${ms(d.end - stopped)} ${d.state}`}`,
    );
}
