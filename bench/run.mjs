// Runs every benchmark, one after the other (each in its own process, so none disturbs another), and prints
// a summary: each check with its figure, its target and PASS or MISS, and the machine. Needs `npm run build`.
//
//   node bench/run.mjs                 the default set, ~5 minutes: report at 1,000 and 10,000, fleet of 100,
//                                      team-store fleet of 150 across 3 workers
//   node bench/run.mjs --full          also the 100,000-migration report and the 1,000-migration fleets
//                                      (BENCH_FULL=1 does the same), ~20 minutes more on a 2-core machine
//   node bench/run.mjs durable-step    only the named ones (cutover-path, cli-start, durable-step,
//                                      report-scale, fleet, pg-durable-step, pg-report-scale, pg-fleet; the pg-* ones
//                                      start a throwaway PostgreSQL server, or use BENCH_PG_URL)
//   --json FILE                        also write every result as JSON
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { argValue, fromDist, machine, ROOT, tempDir } from './lib.mjs';

const ALL = [
  'durable-step',
  'cli-start',
  'cutover-path',
  'report-scale',
  'fleet',
  'pg-durable-step',
  'pg-report-scale',
  'pg-fleet',
];
const full = process.argv.includes('--full') || process.env.BENCH_FULL === '1';
const jsonOut = argValue('--json', null);
const named = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--json');
const unknown = named.filter((n) => !ALL.includes(n));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${ALL.join(', ')}`);
  process.exit(2);
}
const chosen = named.length > 0 ? named : ALL;
await fromDist('cli/main.js'); // fails with a clear message when the build is missing

const dir = tempDir('cutover-bench-run-');
const results = [];
const started = performance.now();
const m = machine();
console.log(`cutover benchmarks${full ? ' (--full)' : ''}: ${chosen.join(', ')}`);
console.log(`machine: ${m.nproc} CPUs (${m.cpu}), ${m.memory}, node ${m.node}, ${m.platform}\n`);
for (const name of chosen) {
  const resultFile = path.join(dir, `${name}.json`);
  // Each script starts with the disk's write queue drained: the previous script's seeding and clean-up leave
  // writeback behind, and an fsync queued behind it was the one cut-over outlier of a combined run.
  settleDisk();
  const t0 = performance.now();
  console.log(`──── ${name} ${'─'.repeat(Math.max(0, 60 - name.length))}`);
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bench', `${name}.mjs`), ...(full ? ['--full'] : [])], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_RESULT: resultFile, ...(full ? { BENCH_FULL: '1' } : {}) },
    });
    child.on('close', resolve);
  });
  let result = null;
  try {
    result = JSON.parse(readFileSync(resultFile, 'utf8'));
  } catch {
    // the script failed before writing its result
  }
  results.push({ name, code, seconds: (performance.now() - t0) / 1000, result });
  console.log('');
}
rmSync(dir, { recursive: true, force: true });

function settleDisk() {
  spawnSync('sync', [], { stdio: 'ignore' });
}

console.log(`════ summary ${'═'.repeat(56)}`);
let misses = 0;
for (const r of results) {
  console.log(`${r.name} (${r.seconds.toFixed(0)} s)${r.code !== 0 ? `  FAILED: exit ${r.code}` : ''}`);
  for (const c of r.result?.checks ?? []) {
    if (!c.ok) misses++;
    console.log(`  ${c.ok ? 'PASS' : 'MISS'}  ${c.name}: ${c.value}  (target ${c.target})`);
  }
  if (r.code !== 0) misses++;
}
console.log(
  `\n${misses === 0 ? 'every target met' : `${misses} target(s) missed or failed`} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine: m, full, results }, null, 2));
// Misses are findings, not failures of the run: exit 1 only when a benchmark itself failed.
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
