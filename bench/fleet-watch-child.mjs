// The watch side of the fleet benchmark, in a process of its own so that its memory is measured alone: the
// Scheduler of `cutover watch` (dist/engine/fleet/scheduler.js) wired exactly as src/cli/commands/watch.ts wires
// it (openRuntime → runtime.engineFor(plan).drive(id, {mode: 'until-waiting'})), plus an onEvent hook that
// records each drive start (to check the configured rate) and failures. The command's own progress printer is
// replaced by that hook; nothing else differs. BENCH_FLEET_BATCH=0 turns the batched ticket reads off. Stops on SIGTERM and prints one JSON line: `FLEET {...}`.
//
//   node bench/fleet-watch-child.mjs DB CONCURRENCY RATE     (environment: the CUTOVER_* of the emulator)
import { fromDist } from './lib.mjs';

const [db, concurrency, rate] = process.argv.slice(2);
const { openRuntime } = await fromDist('cli/wiring/runtime.js');
const { defaultContext } = await fromDist('cli/wiring/context.js');
const { Scheduler } = await fromDist('engine/fleet/scheduler.js');
const { fleetClaims, DEFAULT_SETTINGS } = await fromDist('engine/index.js');
const { defaultHolder } = await fromDist('adapters/account.js');

const controller = new AbortController();
const ctx = defaultContext(controller.signal);
const runtime = openRuntime(ctx, { db });
const starts = [];
const failures = [];
let finished = 0;
// Due migrations a claim did not grant (another worker held them, or the listing was stale).
let claimedElsewhere = 0;
const scheduler = new Scheduler({
  store: runtime.store,
  drive: (m, options) => runtime.engineFor(m.plan).drive(m.id, { mode: 'until-waiting', ...options }),
  clock: ctx.clock,
  concurrency: Number(concurrency),
  ratePerSecond: Number(rate),
  // As watch-run.ts wires it: each pass claims its due migrations in one statement.
  claims: fleetClaims({
    store: runtime.store,
    clock: ctx.clock,
    holder: defaultHolder(),
    ttlMs: DEFAULT_SETTINGS.leaseTtlMs,
  }),
  // BENCH_FLEET_BATCH=0: every poll reads its own ticket (the scheduler before issue 17), for the baseline.
  ...(process.env.BENCH_FLEET_BATCH === '0' ? {} : { trackerFor: (m) => runtime.servicesFor(m.plan).tracker }),
  onEvent: (e) => {
    if (e.kind === 'started') starts.push(Date.now());
    else if (e.kind === 'finished') finished++;
    else if (e.kind === 'claimed-elsewhere') claimedElsewhere += e.count;
    if (process.env.BENCH_FLEET_TRACE && (e.kind === 'started' || e.kind === 'finished' || e.kind === 'batch')) {
      process.stderr.write(`TRACE ${Date.now()} ${traceLine(e)}\n`);
    } else if (e.kind === 'failed' || e.kind === 'locked')
      failures.push({ kind: e.kind, id: e.id, message: e.message });
  },
});
function traceLine(e) {
  if (e.kind === 'batch') return `batch ${e.site} keys=${e.keys} found=${e.found} done=${e.done}`;
  if (e.kind === 'started') return `started ${e.id}${e.woken ? ' woken' : ''}`;
  return `finished ${e.id} ${e.result.state} next=${e.nextAt}`;
}
process.on('SIGTERM', () => controller.abort());
process.stdout.write('READY\n');
const summary = await scheduler.run(controller.signal, 'forever');
await runtime.close();
// The most drive starts in any one-second window (sliding, over every start instant).
let maxPerSecond = 0;
for (let i = 0, j = 0; i < starts.length; i++) {
  while (starts[i] - starts[j] >= 1000) j++;
  maxPerSecond = Math.max(maxPerSecond, i - j + 1);
}
process.stdout.write(
  `FLEET ${JSON.stringify({ summary, drives: starts.length, finished, claimedElsewhere, maxStartsPerSecond: maxPerSecond, failures: failures.slice(0, 20), failureCount: failures.length, memory: process.memoryUsage() })}\n`,
);
