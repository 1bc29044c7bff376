// The CLI as shipped: dist/cli/main.js (tsc's output) bundled into CommonJS chunks in dist/bundle/, which
// bin/cutover.cjs requires. A command's start then reads a handful of files through the CommonJS loader
// instead of resolving ~30 ES modules through the ESM loader, about a fifth of `cutover list`'s start
// (docs/benchmarks.md §2). Commands stay lazily loaded: each dynamic import becomes its own chunk. Packages stay external (better-sqlite3 finds its
// native addon relative to itself; xstate and the prompts load only with the commands that need them) except
// commander, which every command loads: bundled, it is compiled with the entry chunk instead of going through
// the CommonJS loader. date-fns and @date-fns/tz (the business days of a plan's time zone) are bundled too: the
// few functions used are compiled into the chunk that uses them instead of a dozen files read at start.
import { defineConfig } from 'rolldown';

const BUNDLED_PACKAGES = new Set(['commander', 'better-sqlite3', 'date-fns', '@date-fns/tz']);

/** The package an import names: "date-fns" for date-fns/addDays, "@date-fns/tz" for @date-fns/tz/date. */
const packageOf = (id) =>
  id
    .split('/')
    .slice(0, id.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * commander requires node:child_process at load time, for executable subcommands, which cutover has none of;
 * Node's child_process module (and the net module under it) costs ~10 ms of every start. In the bundle,
 * commander's handle on it loads the real module on the first spawn instead. Fails the build if commander's
 * source changes shape, rather than silently losing the saving.
 */
const EAGER = "const childProcess = require('node:child_process');";
const LAZY = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
const lazyChildProcessInCommander = {
  name: 'lazy-child-process-in-commander',
  transform(code, id) {
    if (!id.replaceAll('\\', '/').endsWith('/node_modules/commander/lib/command.js')) return null;
    if (!code.includes(EAGER)) throw new Error(`${id}: expected "${EAGER}" (see rolldown.config.mjs)`);
    // Same line count and positions before the change: the existing source map still holds.
    return { code: code.replace(EAGER, LAZY), map: null };
  },
};

export default defineConfig({
  input: { cli: 'dist/cli/main.js' },
  platform: 'node',
  external: (id) => /^[@a-z]/.test(id) && !BUNDLED_PACKAGES.has(packageOf(id)),
  plugins: [lazyChildProcessInCommander],
  output: {
    dir: 'dist/bundle',
    cleanDir: true,
    format: 'cjs',
    sourcemap: true,
    entryFileNames: '[name].cjs',
    chunkFileNames: '[name]-[hash].cjs',
  },
});
