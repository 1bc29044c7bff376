#!/usr/bin/env node
// The layering rules of docs/architecture.md ("Import rules"), checked over src/ on every `npm run lint`:
//   1. a file under src/cli imports src/engine/ only through src/engine/index.ts;
//   2. a file under src/engine imports nothing from src/adapters or src/cli;
//   3. a file under src/core imports nothing outside src/core, and no Node built-in (core is pure);
//   4. no import loop in src/ among static imports (type-only imports are erased by the compiler and cannot
//      make a loop at run time, so they are ignored; dynamic `import()` is ignored too: it runs later);
//   5. src/cli/ holds at most 8 files at its top level;
//   6. no line in src/ is over 120 characters, and no file is over 300 lines.
// Rules 1-5 fail the run. Rule 6 fails it too, unless `--max-line-warn` is given: then the long lines and long
// files are listed and counted but do not fail (while files that other work owns are being split). With
// `--max-file-warn` only the long files are warnings: a line over 120 characters still fails.
// Usage: node scripts/check-architecture.mjs [--root DIR] [--max-line-warn | --max-file-warn]
//   (DIR defaults to the current one)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const MAX_LINE = 120;
const MAX_FILE_LINES = 300;
const MAX_CLI_TOP_FILES = 8;

function parseArgs(argv) {
  const args = { root: process.cwd(), warnOnly: false, fileWarnOnly: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--root') args.root = resolve(argv[++i] ?? '.');
    else if (argv[i] === '--max-line-warn') args.warnOnly = true;
    else if (argv[i] === '--max-file-warn') args.fileWarnOnly = true;
    else
      throw new Error(
        `unknown argument ${argv[i]} (usage: check-architecture.mjs [--root DIR] [--max-line-warn | --max-file-warn])`,
      );
  }
  return args;
}

function sourceFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const STATIC_IMPORT = /^\s*import\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT_IMPORT = /^\s*import\s*['"]([^'"]+)['"]/gm;
const RE_EXPORT = /^\s*export\s+(type\s+)?(\*(?:\s+as\s+\w+)?|\{[^}]*\})\s*from\s*['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** `{ type A, type B }`: every name is a type, so the compiler erases the import. */
function onlyTypes(clause) {
  const braces = clause.match(/^\{([^}]*)\}$/);
  if (!braces) return false;
  const names = braces[1]
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  return names.length > 0 && names.every((n) => n.startsWith('type '));
}

/** Every import of a file: its specifier, its line, whether it is type-only, and whether it is dynamic. */
export function importsOf(text) {
  const lineAt = (index) => text.slice(0, index).split('\n').length;
  const found = [];
  for (const m of text.matchAll(STATIC_IMPORT))
    found.push({
      spec: m[3],
      line: lineAt(m.index),
      typeOnly: Boolean(m[1]) || onlyTypes(m[2].trim()),
      dynamic: false,
    });
  for (const m of text.matchAll(SIDE_EFFECT_IMPORT))
    found.push({ spec: m[1], line: lineAt(m.index), typeOnly: false, dynamic: false });
  for (const m of text.matchAll(RE_EXPORT))
    found.push({
      spec: m[3],
      line: lineAt(m.index),
      typeOnly: Boolean(m[1]) || onlyTypes(m[2].trim()),
      dynamic: false,
    });
  for (const m of text.matchAll(DYNAMIC_IMPORT))
    found.push({ spec: m[1], line: lineAt(m.index), typeOnly: false, dynamic: true });
  return found;
}

/** The file a relative specifier names (`./x.js` is `./x.ts` in src/), or null for a package. */
function resolveSpec(fromFile, spec) {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(fromFile), spec);
  const candidates = [base, base.replace(/\.m?js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`];
  candidates.push(join(base, 'index.ts'));
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base.replace(/\.m?js$/, '.ts');
}

const isBuiltin = (spec) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);

/** The layering rules (1-3) for one import; a message when it breaks one. */
function layeringProblem(rel, target, spec) {
  const under = (path, folder) => path === folder || path.startsWith(`${folder}/`);
  if (under(rel, 'src/cli') && target && under(target, 'src/engine') && target !== 'src/engine/index.ts')
    return `src/cli imports the engine only through src/engine/index.ts, not ${target}`;
  if (under(rel, 'src/engine') && target && (under(target, 'src/adapters') || under(target, 'src/cli')))
    return `src/engine imports no adapter or CLI module (${target}); pass it in through a port or a parameter`;
  if (under(rel, 'src/core') && target && !under(target, 'src/core'))
    return `src/core imports nothing outside src/core (${target}); move the helper into core or pass it in`;
  if (under(rel, 'src/core') && !target && isBuiltin(spec))
    return `src/core is pure and imports no Node built-in (${spec}); effects live in adapters behind ports`;
  return null;
}

/** Every loop in the graph of static, non-type imports, each once (as the path from its least file). */
function findLoops(graph) {
  const loops = [];
  const seen = new Set();
  const state = new Map(); // file -> 'open' | 'done'
  const stack = [];
  const visit = (file) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') {
        const loop = stack.slice(stack.indexOf(next));
        const key = [...loop].sort().join(' ');
        if (!seen.has(key)) {
          seen.add(key);
          loops.push([...loop, next]);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return loops;
}

export function check(root) {
  const src = join(root, 'src');
  const files = sourceFiles(src);
  const rel = (path) => relative(root, path).split(sep).join('/');
  const errors = [];
  const longLines = [];
  const longFiles = [];
  const graph = new Map();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const from = rel(file);
    const edges = [];
    for (const imp of importsOf(text)) {
      const targetPath = resolveSpec(file, imp.spec);
      const target = targetPath ? rel(targetPath) : null;
      const problem = layeringProblem(from, target, imp.spec);
      if (problem) errors.push(`${from}:${imp.line}: ${problem}`);
      if (target && !imp.typeOnly && !imp.dynamic) edges.push(target);
    }
    graph.set(from, edges);
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      if (line.length > MAX_LINE) longLines.push(`${from}:${i + 1}: ${line.length} characters (at most ${MAX_LINE})`);
    });
    const count = text.endsWith('\n') ? lines.length - 1 : lines.length;
    if (count > MAX_FILE_LINES) longFiles.push(`${from}: ${count} lines (aim for at most ${MAX_FILE_LINES})`);
  }
  for (const loop of findLoops(graph)) errors.push(`import loop: ${loop.join(' -> ')}`);
  const cliTop = existsSync(join(src, 'cli'))
    ? readdirSync(join(src, 'cli'), { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
    : [];
  if (cliTop.length > MAX_CLI_TOP_FILES)
    errors.push(
      `src/cli/ holds ${cliTop.length} files at its top level (at most ${MAX_CLI_TOP_FILES}): ${cliTop.sort().join(', ')}; ` +
        'move them into a folder by role (commands, wiring, operator, terminal)',
    );
  return { files: files.length, errors, longLines, longFiles };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const { files, errors, longLines, longFiles } = check(args.root);
  const linesWarn = args.warnOnly;
  const filesWarn = args.warnOnly || args.fileWarnOnly;
  for (const e of errors) console.error(`error: ${e}`);
  for (const l of longLines) console.error(`${linesWarn ? 'warning' : 'error'}: ${l}`);
  for (const f of longFiles) console.error(`${filesWarn ? 'warning' : 'error'}: ${f}`);
  const sizes = `${longLines.length} line(s) over ${MAX_LINE} characters, ${longFiles.length} file(s) over ${MAX_FILE_LINES} lines`;
  const failed = errors.length > 0 || (!linesWarn && longLines.length > 0) || (!filesWarn && longFiles.length > 0);
  const summary = `check-architecture: ${files} files; ${errors.length} import-rule violation(s); ${sizes}`;
  const leniency = linesWarn
    ? ' (sizes reported, not enforced)'
    : filesWarn
      ? ' (file sizes reported, not enforced)'
      : '';
  console.error(failed ? `${summary}: FAILED` : `${summary}${leniency}: ok`);
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
