// Benchmark 2, CLI start: wall time of `cutover --version`, `cutover list` on an empty database and on one
// holding 1,000 migrations (seeded through SqliteStore, each with a realistic snapshot), against `node -e 0`
// measured in the same run, interleaved round by round. Target: each ≤ 1.5× `node -e 0`. `list` shows the 50
// most recently updated by default; `list --limit 0` (all 1,000 rows) is measured too and printed, not judged.
// With --explain (or when a target is missed) it also prints what the start loads: the files required by
// `cutover --version` and `cutover list`, and the time spent requiring the bundled CLI's entry chunk.
//
//   node bench/cli-start.mjs [--rounds 25] [--explain]
import path from 'node:path';
import {
  argFlag,
  argValue,
  check,
  finish,
  fromDist,
  machine,
  max,
  median,
  ms,
  ratio,
  removeDir,
  runChild,
  tempDir,
  timeCommands,
} from './lib.mjs';
import { realisticMigration, realisticTransition } from './fixtures.mjs';

const ROUNDS = Number(argValue('--rounds', 25));
const SEEDED = Number(argValue('--migrations', 1000));
const CLI = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'bin', 'cutover.cjs');

const { openStore } = await fromDist('adapters/sqlite/store.js');

async function seedThroughStore(file, count) {
  const store = openStore(file);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const id = `m-${String(i).padStart(10, '0')}`;
    const { newMigration, persisted } = await realisticMigration(
      id,
      `BENCH${String(i % 50).padStart(19, '0')}@AdobeOrg`,
    );
    await store.create(newMigration);
    await store.commitTransition(id, realisticTransition(newMigration, i, persisted));
  }
  await store.close();
  return performance.now() - t0;
}

const dir = tempDir();
try {
  const emptyDb = path.join(dir, 'empty.db');
  const fullDb = path.join(dir, 'full.db');
  // The empty database is created (and migrated) once beforehand, as it is after a first command.
  await openStore(emptyDb).close();
  const seedMs = await seedThroughStore(fullDb, SEEDED);
  console.log(
    `cli start: seeded ${SEEDED} migrations through the store in ${ms(seedMs)}; ${ROUNDS} interleaved rounds`,
  );

  const env = { ...process.env, NO_COLOR: '1', CUTOVER_DB: '' };
  const commands = [
    { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], env },
    { name: 'cutover --version', cmd: process.execPath, args: [CLI, '--version'], env },
    { name: 'cutover list (empty)', cmd: process.execPath, args: [CLI, '--db', emptyDb, 'list'], env },
    { name: `cutover list (${SEEDED})`, cmd: process.execPath, args: [CLI, '--db', fullDb, 'list'], env },
    {
      name: `cutover list --json (${SEEDED})`,
      cmd: process.execPath,
      args: [CLI, '--db', fullDb, 'list', '--json'],
      env,
    },
    // Not a target of its own: every one of the 1,000 rows built and printed, for the record (docs/benchmarks.md §2).
    {
      name: `cutover list --limit 0 (${SEEDED})`,
      cmd: process.execPath,
      args: [CLI, '--db', fullDb, 'list', '--limit', '0'],
      env,
      informational: true,
    },
  ];
  const times = await timeCommands(commands, ROUNDS);
  const base = median(times['node -e 0']);
  console.log(`  baseline  node -e 0: median ${ms(base)} (max ${ms(max(times['node -e 0']))})`);
  const figures = { baselineMs: base, seeded: SEEDED, commands: {} };
  const checks = [];
  for (const c of commands.slice(1)) {
    const m = median(times[c.name]);
    figures.commands[c.name] = { medianMs: m, maxMs: max(times[c.name]), ratio: m / base };
    console.log(
      `  measured  ${c.name}: median ${ms(m)} (max ${ms(max(times[c.name]))}) = ${ratio(m / base)} node -e 0`,
    );
  }
  for (const c of commands.slice(1).filter((c) => !c.informational))
    checks.push(
      check(
        `${c.name} / node -e 0`,
        ratio(figures.commands[c.name].ratio),
        '≤ 1.50×',
        figures.commands[c.name].ratio <= 1.5,
      ),
    );

  if (argFlag('--explain') || checks.some((c) => !c.ok)) figures.explain = await explain(emptyDb, fullDb, env);
  finish('cli-start', { machine: machine(), figures, checks });
} finally {
  removeDir(dir);
}

/** What a start loads: the files each command requires (a preload script lists them at exit), and the cost of the entry chunk. */
async function explain(emptyDb, fullDb, env) {
  console.log('\n  what loads at start:');
  const hook = path.join(dir, 'count-hook.cjs');
  const fs = await import('node:fs');
  fs.writeFileSync(
    hook,
    `const { writeSync } = require('node:fs');
process.on('exit', () => {
  const files = Object.keys(require.cache);
  const own = files.filter((f) => f.includes('/dist/'));
  const deps = files.filter((f) => f.includes('/node_modules/'));
  const pkgs = [...new Set(deps.map((f) => { const tail = f.split('/node_modules/').pop().split('/'); return tail.slice(0, tail[0].startsWith('@') ? 2 : 1).join('/'); }))];
  const natives = process.moduleLoadList.filter((m) => m.startsWith('NativeModule')).length;
  writeSync(2, '\\nBENCH-MODULES ' + JSON.stringify({ files: files.length, own: own.length, deps: deps.length, packages: pkgs, builtins: natives }) + '\\n');
});
`,
  );
  const out = {};
  for (const [name, args] of [
    ['--version', [CLI, '--version']],
    ['list (empty)', [CLI, '--db', emptyDb, 'list']],
    ['list (1,000)', [CLI, '--db', fullDb, 'list']],
  ]) {
    const r = await runChild(process.execPath, ['--require', hook, ...args], { env, sampleMs: 0 });
    const line = r.stderr.split('\n').find((l) => l.startsWith('BENCH-MODULES '));
    const info = line ? JSON.parse(line.slice('BENCH-MODULES '.length)) : null;
    out[name] = info;
    if (info)
      console.log(
        `    ${name}: ${info.files} files required (${info.own} of dist/, ${info.deps} from node_modules: ${info.packages.join(', ') || 'none'}), ${info.builtins} node builtins`,
      );
  }
  // Cost of requiring the bundle's entry chunk alone, in a fresh process each time.
  const entry = path.join(path.dirname(CLI), '..', 'dist', 'bundle', 'cli.cjs');
  const requireTimes = [];
  for (let i = 0; i < 7; i++) {
    const r = await runChild(
      process.execPath,
      ['-e', `const t=performance.now(); require(${JSON.stringify(entry)}); console.log(performance.now()-t)`],
      { env, sampleMs: 0 },
    );
    requireTimes.push(Number(r.stdout.trim()));
  }
  out.requireEntryMs = median(requireTimes);
  console.log(`    require of dist/bundle/cli.cjs alone: median ${ms(out.requireEntryMs)}`);
  return out;
}
