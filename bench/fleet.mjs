// Benchmark 5, the fleet: the Scheduler of `cutover watch` (bench/fleet-watch-child.mjs, in a process of its
// own) drives N migrations of N orgs against the emulator (a child process too, latency L on every request).
// Each migration is created as a draft in the database; watch takes it through preflight, staging and filing
// and polls its ticket every P. Customer Care resolves each ticket at a random instant within W of the
// migration starting to wait on it.
//
// Checks: every migration cut over within P + 5 × L of its ticket's resolution (legacy_stopped →
// connection_established, from the stored marks, whose sources are Jira's resolutiondate and the Flow
// Service's createdAt); drive starts never above the configured --rate in any one-second window; the watch
// process's peak RSS ≤ 300 MB; no duplicates (one ticket, one flow, one create of each connection per org,
// from the emulator's world counters). The baseline printed with the latency figures is P (and L).
//
// Default (part of `npm run bench`): 100 migrations, P = 10 s. --full (or BENCH_FULL=1): 1,000 migrations,
// P = 60 s (the plan default), about 5 minutes.
//
// --steady resolves no ticket before every migration waits (steady state, without the set-up ramp). It also
// counts the ticket reads (search/jql, issue GETs, changelog pages) the emulator answers over one interval with
// all N tickets waiting: first with the batched reads of watch (issue 17; target ⌈N/100⌉), then, in the same
// run on the same tickets, with a watch whose every poll reads its own ticket (BENCH_FLEET_BATCH=0: ~N), then
// the batched watch again for the resolutions and the cut-over checks. The watch runs with --jira-rate 200
// (CUTOVER_JIRA_RATE): the emulator is nobody's shared site.
//
//   node bench/fleet.mjs [--full] [--steady] [--migrations N] [--poll-ms P] [--latency-ms L] [--window-ms W]
//                        [--concurrency C] [--rate R] [--time-scale X]
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  argFlag,
  argValue,
  check,
  emulatorPlan,
  emulatorProcess,
  engineRig,
  finish,
  fromDist,
  machine,
  max,
  mb,
  median,
  ms,
  orgId,
  quantile,
  ratio,
  removeDir,
  ROOT,
  sleep,
  tempDir,
  worldDuplicates,
} from './lib.mjs';

const FULL = argFlag('--full') || process.env.BENCH_FULL === '1';
const N = Number(argValue('--migrations', FULL ? 1000 : 100));
const P = Number(argValue('--poll-ms', FULL ? 60_000 : 10_000));
const L = Number(argValue('--latency-ms', 50));
const W = Number(argValue('--window-ms', P));
const C = Number(argValue('--concurrency', FULL ? 64 : 32));
const R = Number(argValue('--rate', 50));
// --steady: no ticket resolves before every migration waits on its own (the fleet's set-up is over), so the
// figure is the steady state; by default resolutions overlap the set-up of the later migrations (the ramp).
const STEADY = argFlag('--steady');
// The emulator's time scale (its default, 0.5: audiences reach Audience Manager about two seconds after the
// flow is created), so a cut-over drive stops at verifying.sleeping as it would against the real services.
const TIME_SCALE = Number(argValue('--time-scale', 0.5));
// The watch's Jira budget (CUTOVER_JIRA_RATE): the emulator is nobody's shared site, and the set-up of N
// migrations files N tickets; the reads per interval are what this benchmark counts, not their rate.
const JIRA_RATE = Number(argValue('--jira-rate', 200));
const MEMORY_LIMIT = 300 * 1024 * 1024;

const { emulatorEnv } = await fromDist('emulator/index.js');
const dir = tempDir();
const dbFile = path.join(dir, 'fleet.db');
const emulator = await emulatorProcess({ timeScale: TIME_SCALE, latencyMs: 0 });
let watch = null;
try {
  console.log(
    `fleet: ${N} migrations in ${N} orgs; L = ${L} ms, P = ${P} ms, resolutions within W = ${W} ms of ${STEADY ? 'every migration waiting (--steady)' : 'each migration waiting'}; watch --concurrency ${C} --rate ${R}`,
  );
  // 1. The drafts (one org each; the emulator seeds an org on first use).
  const t0 = performance.now();
  const rig = await engineRig(emulator.url, dbFile);
  const orgs = [];
  for (let i = 0; i < N; i++) {
    const org = orgId(i + 1, 'FLEET');
    const plan = await emulatorPlan(await emulator.world(org), P);
    plan.polling.verifyIntervalMs = Math.min(P, 5_000);
    await rig.engineFor(org).create(plan, 'bench');
    orgs.push(org);
  }
  await rig.close();
  await emulator.setLatency(L);
  console.log(`  created ${N} drafts in ${ms(performance.now() - t0)}`);

  // 2. The watch, in its own process; its peak RSS is the kernel's high-water mark.
  const env = {
    ...process.env,
    ...emulatorEnv(emulator.url),
    CUTOVER_HTTP_TIMEOUT_MS: '10000',
    CUTOVER_JIRA_RATE: String(JIRA_RATE),
    NO_COLOR: '1',
  };
  let watchOut = '';
  let watchErr = '';
  let watchExit = null;
  const startWatch = (batch = true) => {
    watchOut = '';
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'bench', 'fleet-watch-child.mjs'), dbFile, String(C), String(R)],
      { env: { ...env, BENCH_FLEET_BATCH: batch ? '1' : '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.on('data', (d) => (watchOut += d));
    child.stderr.on('data', (d) => (watchErr += d));
    watchExit = new Promise((resolve) => child.on('close', resolve));
    return child;
  };
  watch = startWatch();
  let peakRss = 0;
  const readHwm = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${watch.pid}/status`, 'utf8'));
      if (m) peakRss = Math.max(peakRss, Number(m[1]) * 1024);
    } catch {
      // gone
    }
  };
  const hwmTimer = setInterval(readHwm, 200);
  // Ticket reads (batch searches, single GETs, changelog pages) the emulator has answered so far.
  const ticketReads = async () => {
    const r = (await emulator.world(orgs[0])).globalCounters.requests;
    return (r['jira.search.jql'] ?? 0) + (r['jira.issue.get'] ?? 0) + (r['jira.changelog'] ?? 0);
  };
  const readsOverOneInterval = async () => {
    const before = await ticketReads();
    await sleep(P);
    return (await ticketReads()) - before;
  };
  const requestFigures = { batched: null, single: null };

  // 3. Customer Care: resolve each ticket at a random instant within W of its migration waiting on it.
  const ro = new Database(dbFile, { readonly: true });
  ro.pragma('busy_timeout = 5000');
  const waitingStmt = ro.prepare(
    `SELECT id, org_id, ticket_key FROM migrations WHERE state LIKE 'awaiting_resolution.%' AND ticket_key IS NOT NULL`,
  );
  const cutStmt = ro.prepare(`SELECT count(*) AS n FROM marks WHERE name = 'connection_established'`);
  const attentionStmt = ro.prepare(
    `SELECT id, org_id, state, last_error FROM migrations WHERE status = 'needs_attention'`,
  );
  const scheduled = new Map();
  const resolveTimers = [];
  const started = Date.now();
  const requestRates = [];
  let lastRequests = null;
  let lastSample = Date.now();
  let allWaitingAt = null;
  let cut = 0;
  const deadline = started + Math.max(600_000, 3 * P + W + N * 200);
  while (Date.now() < deadline) {
    const waitingNow = waitingStmt.all();
    for (const row of waitingNow) {
      if (scheduled.has(row.id)) continue;
      if (STEADY && (waitingNow.length < N || requestFigures.batched === null)) break;
      const delay = Math.random() * W;
      scheduled.set(row.id, { org: row.org_id, key: row.ticket_key, resolvedAt: null });
      resolveTimers.push(
        setTimeout(async () => {
          scheduled.get(row.id).resolvedAt = Date.now();
          await emulator.resolve(row.ticket_key).catch((e) => console.error(`resolve ${row.ticket_key}: ${e.message}`));
        }, delay),
      );
    }
    if (allWaitingAt === null && scheduled.size === N) {
      allWaitingAt = Date.now();
      console.log(`  every migration staged, filed and waiting after ${ms(allWaitingAt - started)}`);
    }
    if (STEADY && requestFigures.batched === null && waitingNow.length === N) {
      // N waiting tickets, none resolving: one interval for the fleet's groups to merge, then one measured;
      // then the same interval with every poll reading its own ticket (the scheduler before the batching).
      await sleep(P);
      requestFigures.batched = await readsOverOneInterval();
      watch.kill('SIGTERM');
      await watchExit;
      watch = startWatch(false);
      await sleep(P / 2);
      requestFigures.single = await readsOverOneInterval();
      watch.kill('SIGTERM');
      await watchExit;
      watch = startWatch(true);
      // Customer Care starts once the batched watch has run an interval again (its start-up is not measured).
      await sleep(P);
      console.log(
        `  ticket reads in one interval, ${N} waiting: ${requestFigures.batched} batched, ${requestFigures.single} one GET per ticket`,
      );
      continue;
    }
    cut = cutStmt.get().n;
    const attention = attentionStmt.all();
    if (cut + attention.length >= N) break;
    if (Date.now() - lastSample >= 1000) {
      const w = await emulator.world(orgs[0]);
      const total = Object.values(w.globalCounters.requests).reduce((a, b) => a + b, 0);
      if (lastRequests !== null) requestRates.push(((total - lastRequests) * 1000) / (Date.now() - lastSample));
      lastRequests = total;
      lastSample = Date.now();
    }
    // A child killed by a signal has a signalCode and no exitCode.
    if (watch.exitCode !== null || watch.signalCode !== null)
      throw new Error(`watch exited early (${watch.exitCode ?? watch.signalCode}): ${watchErr.slice(0, 1000)}`);
    await sleep(250);
  }
  const elapsed = Date.now() - started;
  console.log(`  ${cut} of ${N} cut over after ${ms(elapsed)}`);
  watch.kill('SIGTERM');
  await watchExit;
  clearInterval(hwmTimer);
  readHwm();
  for (const t of resolveTimers) clearTimeout(t);
  const fleetLine = watchOut.split('\n').find((l) => l.startsWith('FLEET '));
  const fleet = fleetLine ? JSON.parse(fleetLine.slice(6)) : null;

  // 4. The figures, from the stored marks.
  const rows = ro
    .prepare(`SELECT m.id, m.org_id, m.status, s.at AS stopped, c.at AS established, d.at AS detected
    FROM migrations m LEFT JOIN marks s ON s.migration_id = m.id AND s.name = 'legacy_stopped'
    LEFT JOIN marks c ON c.migration_id = m.id AND c.name = 'connection_established'
    LEFT JOIN marks d ON d.migration_id = m.id AND d.name = 'resolution_detected'`)
    .all();
  const attention = attentionStmt.all();
  ro.close();
  const latencies = rows
    .filter((r) => r.stopped && r.established)
    .map((r) => Date.parse(r.established) - Date.parse(r.stopped));
  const detections = rows
    .filter((r) => r.stopped && r.detected)
    .map((r) => Date.parse(r.detected) - Date.parse(r.stopped));
  const missing = rows.filter((r) => !r.established).length;

  // 5. Duplicates, from the emulator's world of each org.
  const { count: duplicates, examples: dupExamples } = await worldDuplicates(emulator, orgs);

  const budget = P + 5 * L;
  const figures = {
    migrations: N,
    steady: STEADY,
    pollMs: P,
    latencyMs: L,
    windowMs: W,
    concurrency: C,
    rate: R,
    elapsedMs: elapsed,
    cutOver: latencies.length,
    missing,
    needsAttention: attention.length,
    cutoverLatency: { medianMs: median(latencies), p95Ms: quantile(latencies, 0.95), maxMs: max(latencies) },
    detection: { medianMs: median(detections), maxMs: max(detections) },
    watchPeakRssBytes: peakRss,
    maxDriveStartsPerSecond: fleet?.maxStartsPerSecond ?? null,
    drives: fleet?.drives ?? null,
    watchSummary: fleet?.summary ?? null,
    failures: fleet?.failureCount ?? null,
    httpRequestsPerSecond: { median: median(requestRates), max: max(requestRates) },
    ticketReadsPerInterval: requestFigures,
    ticketReadsTarget: Math.ceil(N / 100),
    duplicates,
  };
  console.log(`\n  baseline: P = ${P} ms, L = ${L} ms; budget P + 5L = ${budget} ms`);
  console.log(
    `  resolution → flow (legacy_stopped → connection_established): median ${ms(figures.cutoverLatency.medianMs)} (${ratio(figures.cutoverLatency.medianMs / P)} P), p95 ${ms(figures.cutoverLatency.p95Ms)}, max ${ms(figures.cutoverLatency.maxMs)} (${ratio(figures.cutoverLatency.maxMs / budget)} the budget)`,
  );
  console.log(
    `  detection (legacy_stopped → resolution_detected): median ${ms(figures.detection.medianMs)}, max ${ms(figures.detection.maxMs)}`,
  );
  console.log(
    `  watch: ${fleet?.drives} drives, at most ${fleet?.maxStartsPerSecond} started in any one second (--rate ${R}); ${fleet?.failureCount} failed or locked drives, ${fleet?.claimedElsewhere} claims not granted; peak RSS ${mb(peakRss)}`,
  );
  console.log(
    `  emulator: ${figures.httpRequestsPerSecond.median?.toFixed?.(0)} requests/s median, ${figures.httpRequestsPerSecond.max?.toFixed?.(0)} max (all routes)`,
  );
  if (attention.length > 0)
    console.log(
      `  needs attention: ${attention
        .slice(0, 5)
        .map((a) => `${a.id} ${a.state} ${a.last_error}`)
        .join('\n    ')}`,
    );
  if (fleet?.failures?.length)
    console.log(
      `  failures: ${fleet.failures
        .slice(0, 5)
        .map((f) => `${f.kind} ${f.id}: ${f.message}`)
        .join('\n    ')}`,
    );
  if (process.env.BENCH_FLEET_TRACE) {
    const traceFile = path.join(os.tmpdir(), 'cutover-fleet-trace.log');
    writeFileSync(traceFile, `${watchErr}\nROWS ${JSON.stringify(rows)}\n`);
    console.log(`  the watch's whole trace: ${traceFile}`);
    const worst = rows
      .filter((r) => r.stopped && r.detected)
      .sort(
        (a, b) => Date.parse(b.detected) - Date.parse(b.stopped) - (Date.parse(a.detected) - Date.parse(a.stopped)),
      )[0];
    if (worst) {
      console.log(`  worst: ${worst.id} stopped ${worst.stopped} detected ${worst.detected}`);
      console.log(
        watchErr
          .split('\n')
          .filter((l) => l.includes(worst.id))
          .join('\n'),
      );
    }
  }
  if (dupExamples.length) console.log(`  duplicates: ${dupExamples.join('\n    ')}`);
  const checks = [
    check('every migration cut over', `${latencies.length}/${N}`, `${N}/${N}`, latencies.length === N),
    check(
      'max resolution → flow / (P + 5L)',
      ratio(figures.cutoverLatency.maxMs / budget),
      '≤ 1.00×',
      figures.cutoverLatency.maxMs <= budget,
    ),
    check(
      'max drive starts in one second',
      fleet?.maxStartsPerSecond,
      `≤ --rate ${R}`,
      fleet !== null && fleet.maxStartsPerSecond <= R,
    ),
    check('watch peak RSS', mb(peakRss), '≤ 300 MB', peakRss > 0 && peakRss <= MEMORY_LIMIT),
    check('orgs with a duplicate write', duplicates, '0', duplicates === 0),
    ...(STEADY
      ? [
          check(
            `ticket reads per interval, ${N} waiting (batched)`,
            requestFigures.batched,
            `≤ ⌈N/100⌉ = ${Math.ceil(N / 100)} (one GET per ticket: ${requestFigures.single})`,
            requestFigures.batched !== null && requestFigures.batched <= Math.ceil(N / 100),
          ),
        ]
      : []),
  ];
  finish('fleet', { machine: machine(), figures, checks });
} finally {
  if (watch && watch.exitCode === null) watch.kill('SIGTERM');
  await emulator.close();
  removeDir(dir);
}
