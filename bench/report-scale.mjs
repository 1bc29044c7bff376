// Benchmark 4, report scale: `cutover report --format json` (the built CLI, dist/cli/main.js through
// bin/cutover.cjs, in a child process) over databases of 10,000 and 100,000 migrations (10 journal rows each:
// a million at 100,000), seeded by bench/seed.mjs straight into the real schema. Each is measured as wall time
// and peak RSS (the kernel's VmHWM, sampled from /proc) against the baseline, the equivalent raw SQL aggregate
// through better-sqlite3 (bench/raw-aggregate.mjs), in a child process too and interleaved with it.
//
// Targets: 100,000 within 2× the raw aggregate; time grows linearly (100k/10k time ≈ 10, taken as ≤ 12);
// memory does not grow with the number of rows (100k peak RSS ≤ 1.25× the 10k one).
//
// The 100,000 run seeds ~400 MB and takes minutes on a busy machine: it runs with --full (or BENCH_FULL=1);
// without it the sizes are 10,000 and 1,000 (the same checks, scaled down).
//
//   node bench/report-scale.mjs [--full] [--sizes 10000,100000] [--rounds 3] [--keep DIR]
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  argFlag,
  argValue,
  check,
  finish,
  machine,
  mb,
  median,
  ms,
  ratio,
  removeDir,
  ROOT,
  runChild,
  tempDir,
} from './lib.mjs';
import { seedReportDb } from './seed.mjs';

const FULL = argFlag('--full') || process.env.BENCH_FULL === '1';
const SIZES = String(argValue('--sizes', FULL ? '10000,100000' : '1000,10000'))
  .split(',')
  .map(Number);
const ROUNDS = Number(argValue('--rounds', 3));
const KEEP = argValue('--keep', null);
const CLI = path.join(ROOT, 'bin', 'cutover.cjs');

const dir = KEEP ?? tempDir();
const figures = { sizes: {}, full: FULL };
const checks = [];
try {
  console.log(
    `report scale: sizes ${SIZES.join(', ')}; ${ROUNDS} interleaved rounds each${FULL ? '' : ' (quick sizes; --full for 10,000 and 100,000)'}`,
  );
  for (const n of SIZES) {
    const file = path.join(dir, `report-${n}.db`);
    if (!existsSync(file)) {
      const s = await seedReportDb(file, n);
      console.log(`  seeded ${n} migrations (${s.journalRows} journal rows) in ${ms(s.seedMs)}`);
    }
    const out = path.join(dir, `report-${n}.json`);
    const env = { ...process.env, NO_COLOR: '1', CUTOVER_DB: '' };
    const report = [];
    const raw = [];
    const rawRows = [];
    for (let r = 0; r < ROUNDS; r++) {
      const a = await runChild(process.execPath, [CLI, 'report', '--format', 'json', '--db', file, '--out', out], {
        env,
        sampleMs: 10,
      });
      if (a.code !== 0) throw new Error(`cutover report exited ${a.code}: ${a.stderr.slice(0, 500)}`);
      report.push(a);
      const b = await runChild(process.execPath, [path.join(ROOT, 'bench', 'raw-aggregate.mjs'), file], {
        env,
        sampleMs: 10,
      });
      if (b.code !== 0) throw new Error(`raw aggregate exited ${b.code}: ${b.stderr.slice(0, 500)}`);
      raw.push(b);
      const c = await runChild(process.execPath, [path.join(ROOT, 'bench', 'raw-aggregate.mjs'), file, '--rows'], {
        env,
        sampleMs: 10,
      });
      rawRows.push(c);
    }
    const f = {
      reportMs: median(report.map((x) => x.wallMs)),
      reportPeakRss: Math.max(...report.map((x) => x.peakRssBytes)),
      rawMs: median(raw.map((x) => x.wallMs)),
      rawPeakRss: Math.max(...raw.map((x) => x.peakRssBytes)),
      rawRowsMs: median(rawRows.map((x) => x.wallMs)),
    };
    f.ratio = f.reportMs / f.rawMs;
    f.ratioRows = f.reportMs / f.rawRowsMs;
    figures.sizes[n] = f;
    console.log(`\n  ${n} migrations`);
    console.log(
      `    baseline  raw SQL aggregate (child process):            median ${ms(f.rawMs)}, peak RSS ${mb(f.rawPeakRss)}`,
    );
    console.log(`    baseline  raw SQL aggregate + reading every row:        median ${ms(f.rawRowsMs)}`);
    console.log(
      `    measured  cutover report --format json (child process): median ${ms(f.reportMs)}, peak RSS ${mb(f.reportPeakRss)}`,
    );
    console.log(`    ratio: ${ratio(f.ratio)} the aggregate, ${ratio(f.ratioRows)} the aggregate + rows`);
  }
  const [small, large] = SIZES.map((n) => figures.sizes[n]);
  const [ns, nl] = SIZES;
  const growth = large.reportMs / small.reportMs;
  const memGrowth = large.reportPeakRss / small.reportPeakRss;
  console.log(
    `\n  growth ${ns} → ${nl} (×${nl / ns} rows): time ×${growth.toFixed(2)}, peak RSS ×${memGrowth.toFixed(2)}`,
  );
  checks.push(check(`${nl}: report / raw SQL aggregate`, ratio(large.ratio), '≤ 2.00×', large.ratio <= 2));
  checks.push(
    check(
      `time growth ${ns}→${nl}`,
      `×${growth.toFixed(2)}`,
      `≤ ×${((nl / ns) * 1.2).toFixed(0)} (linear)`,
      growth <= (nl / ns) * 1.2,
    ),
  );
  checks.push(check(`peak RSS growth ${ns}→${nl}`, `×${memGrowth.toFixed(2)}`, '≤ ×1.25 (flat)', memGrowth <= 1.25));
  finish('report-scale', { machine: machine(), figures, checks });
} finally {
  if (!KEEP) removeDir(dir);
}
