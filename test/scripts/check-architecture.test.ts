// scripts/check-architecture.mjs, the import rules `npm run lint` enforces: run as the lint runs it (a spawned
// node), on tiny trees that break one rule each, on a clean tree, and on this repository's own src/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'check-architecture.mjs');

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cutover-arch-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function run(root: string, ...flags: string[]) {
  const r = spawnSync(process.execPath, [SCRIPT, '--root', root, ...flags], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

/** A tree that keeps every rule: the layers, one re-export, one type-only back edge. */
const CLEAN: Record<string, string> = {
  'src/core/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
  'src/core/b.ts': "import type { A } from '../core/types.js';\nexport const b = 1;\nexport type B = A;\n",
  'src/core/types.ts': 'export type A = number;\n',
  'src/ports.ts': "import type { A } from './core/types.js';\nexport type Port = A;\n",
  'src/engine/index.ts': "export { run } from './run.js';\n",
  'src/engine/run.ts':
    "import { a } from '../core/a.js';\nimport type { Port } from '../ports.js';\nexport const run = (p?: Port) => a;\n",
  'src/adapters/x.ts': "import type { Port } from '../ports.js';\nexport const x: Port = 1;\n",
  'src/cli/main.ts':
    "import { run } from '../engine/index.js';\nimport { x } from '../adapters/x.js';\nrun();\nvoid x;\n",
  'src/cli/commands/go.ts': "export default async () => (await import('../main.js')) && 0;\n",
};

describe('check-architecture', () => {
  it('passes a tree that keeps every rule', () => {
    const r = run(tree(CLEAN));
    expect(r.stderr).toContain('0 import-rule violation(s)');
    expect(r.code, r.stderr).toBe(0);
  });

  const cases: [string, Record<string, string>, RegExp][] = [
    [
      'a CLI file that reaches past the engine face',
      { 'src/cli/operator/go.ts': "import { run } from '../../engine/run.js';\nrun();\n" },
      /src\/cli\/operator\/go\.ts:1: src\/cli imports the engine only through src\/engine\/index\.ts, not src\/engine\/run\.ts/,
    ],
    [
      'a CLI file that reaches past the engine face with a dynamic import',
      { 'src/cli/commands/late.ts': "export const f = () => import('../../engine/run.js');\n" },
      /src\/cli\/commands\/late\.ts:1: src\/cli imports the engine only through/,
    ],
    [
      'an engine file that imports an adapter',
      { 'src/engine/bad.ts': "import { x } from '../adapters/x.js';\nexport const y = x;\n" },
      /src\/engine\/bad\.ts:1: src\/engine imports no adapter or CLI module \(src\/adapters\/x\.ts\)/,
    ],
    [
      'an engine file that imports the CLI (even for a type)',
      { 'src/engine/bad.ts': "import type { Nope } from '../cli/main.js';\nexport type Y = Nope;\n" },
      /src\/engine\/bad\.ts:1: src\/engine imports no adapter or CLI module \(src\/cli\/main\.ts\)/,
    ],
    [
      'a core file that imports the ports',
      { 'src/core/c.ts': "import type { Port } from '../ports.js';\nexport type C = Port;\n" },
      /src\/core\/c\.ts:1: src\/core imports nothing outside src\/core \(src\/ports\.ts\)/,
    ],
    [
      'a core file that reads files',
      { 'src/core/c.ts': "import { readFileSync } from 'node:fs';\nexport const c = readFileSync;\n" },
      /src\/core\/c\.ts:1: src\/core is pure and imports no Node built-in \(node:fs\)/,
    ],
    [
      'an import loop',
      {
        'src/engine/p.ts': "import { q } from './q.js';\nexport const p = () => q;\n",
        'src/engine/q.ts': "export { p as q } from './p.js';\n",
      },
      /import loop: src\/engine\/p\.ts -> src\/engine\/q\.ts -> src\/engine\/p\.ts/,
    ],
    [
      'nine files at the top of src/cli',
      Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`src/cli/f${i}.ts`, 'export {};\n'])),
      /src\/cli\/ holds 9 files at its top level \(at most 8\)/,
    ],
  ];
  for (const [name, files, message] of cases) {
    it(`fails on ${name}, naming the file and the rule`, () => {
      const r = run(tree({ ...CLEAN, ...files }), '--max-line-warn');
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain('FAILED');
      expect(r.code).toBe(1);
    });
  }

  it('ignores type-only imports when looking for loops', () => {
    const r = run(
      tree({
        ...CLEAN,
        'src/engine/p.ts': "import { q } from './q.js';\nexport const p = () => q;\nexport type P = 1;\n",
        'src/engine/q.ts': "import { type P } from './p.js';\nexport const q: P = 1;\n",
      }),
    );
    expect(r.code, r.stderr).toBe(0);
  });

  it('lists every long line and long file: an error by default, a count with --max-line-warn', () => {
    const long = `export const s = '${'x'.repeat(120)}';\n`;
    const root = tree({ ...CLEAN, 'src/core/long.ts': long + long, 'src/core/big.ts': 'export {};\n'.repeat(301) });
    const strict = run(root);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('error: src/core/long.ts:1: 140 characters (at most 120)');
    expect(strict.stderr).toContain('error: src/core/long.ts:2: 140 characters');
    expect(strict.stderr).toContain('error: src/core/big.ts: 301 lines (aim for at most 300)');
    const warned = run(root, '--max-line-warn');
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toContain('warning: src/core/long.ts:1: 140 characters');
    expect(warned.stderr).toContain(
      '2 line(s) over 120 characters, 1 file(s) over 300 lines (sizes reported, not enforced)',
    );
  });

  it('with --max-file-warn, lists long files as warnings but still fails on a long line', () => {
    const long = `export const s = '${'x'.repeat(120)}';\n`;
    const big = { ...CLEAN, 'src/core/big.ts': 'export {};\n'.repeat(301) };
    const filesOnly = run(tree(big), '--max-file-warn');
    expect(filesOnly.code, filesOnly.stderr).toBe(0);
    expect(filesOnly.stderr).toContain('warning: src/core/big.ts: 301 lines (aim for at most 300)');
    expect(filesOnly.stderr).toContain('(file sizes reported, not enforced): ok');
    const withLong = run(tree({ ...big, 'src/core/long.ts': long }), '--max-file-warn');
    expect(withLong.code).toBe(1);
    expect(withLong.stderr).toContain('error: src/core/long.ts:1: 140 characters (at most 120)');
    expect(withLong.stderr).toContain('FAILED');
  });

  it("passes on this repository's own src/ as lint runs it: import rules and line lengths enforced", () => {
    const r = run(ROOT, '--max-file-warn');
    expect(r.stderr).toContain('0 import-rule violation(s)');
    expect(r.stderr).toContain('0 line(s) over 120 characters');
    expect(r.code, r.stderr).toBe(0);
  });
});
