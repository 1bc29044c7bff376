// Benchmark 2, CLI start: wall time of `cutover --version`, `cutover list` on an empty database and on one
// holding 1,000 migrations (seeded through SqliteStore, each with a realistic snapshot), against `node -e 0`
// measured in the same run, interleaved round by round. Target: each ≤ 1.5× `node -e 0`.
// With --explain (or when a target is missed) it also prints what the start loads: the ESM modules imported
// by `cutover --version` and `cutover list`, and the time spent importing the CLI entry point.
//
//   node bench/cli-start.mjs [--rounds 15] [--explain]
import path from 'node:path';
import { argFlag, argValue, check, finish, fromDist, machine, max, median, ms, ratio, removeDir, runChild, tempDir, timeCommands } from './lib.mjs';
import { realisticMigration, realisticTransition } from './fixtures.mjs';

const ROUNDS = Number(argValue('--rounds', 15));
const SEEDED = Number(argValue('--migrations', 1000));
const CLI = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'bin', 'cutover.cjs');

const { openStore } = await fromDist('adapters/sqlite/store.js');

async function seedThroughStore(file, count) {
  const store = openStore(file);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const id = `m-${String(i).padStart(10, '0')}`;
    const { newMigration, persisted } = await realisticMigration(id, `BENCH${String(i % 50).padStart(19, '0')}@AdobeOrg`);
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
  console.log(`cli start: seeded ${SEEDED} migrations through the store in ${ms(seedMs)}; ${ROUNDS} interleaved rounds`);

  const env = { ...process.env, NO_COLOR: '1', CUTOVER_DB: '' };
  const commands = [
    { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], env },
    { name: 'cutover --version', cmd: process.execPath, args: [CLI, '--version'], env },
    { name: 'cutover list (empty)', cmd: process.execPath, args: [CLI, '--db', emptyDb, 'list'], env },
    { name: `cutover list (${SEEDED})`, cmd: process.execPath, args: [CLI, '--db', fullDb, 'list'], env },
    { name: `cutover list --json (${SEEDED})`, cmd: process.execPath, args: [CLI, '--db', fullDb, 'list', '--json'], env },
  ];
  const times = await timeCommands(commands, ROUNDS);
  const base = median(times['node -e 0']);
  console.log(`  baseline  node -e 0: median ${ms(base)} (max ${ms(max(times['node -e 0']))})`);
  const figures = { baselineMs: base, seeded: SEEDED, commands: {} };
  const checks = [];
  for (const c of commands.slice(1)) {
    const m = median(times[c.name]);
    figures.commands[c.name] = { medianMs: m, maxMs: max(times[c.name]), ratio: m / base };
    console.log(`  measured  ${c.name}: median ${ms(m)} (max ${ms(max(times[c.name]))}) = ${ratio(m / base)} node -e 0`);
  }
  for (const c of commands.slice(1)) checks.push(check(`${c.name} / node -e 0`, ratio(figures.commands[c.name].ratio), '≤ 1.50×', figures.commands[c.name].ratio <= 1.5));

  if (argFlag('--explain') || checks.some((c) => !c.ok)) figures.explain = await explain(emptyDb, fullDb, env);
  finish('cli-start', { machine: machine(), figures, checks });
} finally {
  removeDir(dir);
}

/** What a start loads: ESM modules per command (a resolve hook counts them), and import vs run time. */
async function explain(emptyDb, fullDb, env) {
  console.log('\n  what loads at start:');
  const hook = path.join(dir, 'count-hook.mjs');
  const fs = await import('node:fs');
  fs.writeFileSync(
    hook,
    `import { register } from 'node:module';
import { writeSync } from 'node:fs';
const { port1, port2 } = new MessageChannel();
const seen = [];
port1.on('message', (url) => seen.push(url));
port1.unref();
register('data:text/javascript,' + encodeURIComponent(\`
  let port;
  export function initialize(data) { port = data.port; }
  export async function load(url, context, next) { port.postMessage(url); return next(url, context); }
\`), { data: { port: port2 }, transferList: [port2] });
process.on('exit', () => {
  const own = seen.filter((u) => u.includes('/dist/'));
  const deps = seen.filter((u) => u.includes('/node_modules/'));
  const pkgs = [...new Set(deps.map((u) => u.split('/node_modules/').pop().split('/').slice(0, u.split('/node_modules/').pop().startsWith('@') ? 2 : 1).join('/')))];
  const natives = process.moduleLoadList.filter((m) => m.startsWith('NativeModule')).length;
  writeSync(2, '\\nBENCH-MODULES ' + JSON.stringify({ esm: seen.length, own: own.length, deps: deps.length, packages: pkgs, builtins: natives }) + '\\n');
});
`,
  );
  const out = {};
  for (const [name, args] of [
    ['--version', [CLI, '--version']],
    ['list (empty)', [CLI, '--db', emptyDb, 'list']],
    ['list (1,000)', [CLI, '--db', fullDb, 'list']],
  ]) {
    const r = await runChild(process.execPath, ['--import', hook, ...args], { env, sampleMs: 0 });
    const line = r.stderr.split('\n').find((l) => l.startsWith('BENCH-MODULES '));
    const info = line ? JSON.parse(line.slice('BENCH-MODULES '.length)) : null;
    out[name] = info;
    if (info) console.log(`    ${name}: ${info.esm} ESM modules loaded (${info.own} of dist/, ${info.deps} from node_modules: ${info.packages.join(', ')}), ${info.builtins} node builtins`);
  }
  // Import cost of the entry point alone, in a fresh process each time.
  const importTimes = [];
  for (let i = 0; i < 7; i++) {
    const r = await runChild(process.execPath, ['--input-type=module', '-e', `const t=performance.now(); await import(${JSON.stringify(path.join(path.dirname(CLI), '..', 'dist', 'cli', 'main.js'))}); console.log(performance.now()-t)`], { env, sampleMs: 0 });
    importTimes.push(Number(r.stdout.trim()));
  }
  out.importMainMs = median(importTimes);
  console.log(`    import of dist/cli/main.js alone: median ${ms(out.importMainMs)}`);
  return out;
}
