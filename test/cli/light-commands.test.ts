// `list`, `show` and `export` start fast because they load only the store: no xstate (the machine), no pg, no
// prom-client, no HTTP clients. Checked on the built CLI as users run it, by listing every module it required.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../wizard/helpers.js';
import { rig, samplePlan } from './helpers.js';

const HEAVY = ['xstate', 'pg', 'prom-client', 'undici', 'date-fns', '@date-fns/tz'];

let db: string;
let id: string;
let hook: string;
beforeAll(async () => {
  ensureBuilt();
  const r = rig();
  id = await r.engine().create(samplePlan(), 'tester');
  db = r.dbFile;
  hook = join(mkdtempSync(join(tmpdir(), 'cutover-light-')), 'modules-hook.cjs');
  // At exit, the packages the process required, on stderr (a preload script: nothing of cutover changes).
  writeFileSync(
    hook,
    `process.on('exit', () => {
  const pkgs = new Set(Object.keys(require.cache).filter((f) => f.includes('/node_modules/')).map((f) => {
    const tail = f.split('/node_modules/').pop().split('/');
    return tail.slice(0, tail[0].startsWith('@') ? 2 : 1).join('/');
  }));
  require('node:fs').writeSync(2, '\\nPACKAGES ' + JSON.stringify([...pkgs]) + '\\n');
});`,
  );
}, 120_000);

function packagesOf(args: string[]): { code: number | null; packages: string[]; stderr: string } {
  const run = spawnSync(process.execPath, ['-r', hook, join(ROOT, 'bin', 'cutover.cjs'), '--db', db, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const line = run.stderr.split('\n').find((l) => l.startsWith('PACKAGES '));
  return { code: run.status, packages: line ? (JSON.parse(line.slice(9)) as string[]) : [], stderr: run.stderr };
}

describe('light commands load no heavy module', () => {
  for (const args of [['list'], ['list', '--json'], ['show', 'ID'], ['export', 'ID']]) {
    it(`cutover ${args.join(' ')}`, () => {
      const run = packagesOf(args.map((a) => (a === 'ID' ? id : a)));
      expect(run.code, run.stderr).toBe(0);
      expect(run.packages).toContain('better-sqlite3');
      for (const heavy of HEAVY) expect(run.packages, `${args.join(' ')} loaded ${heavy}`).not.toContain(heavy);
    });
  }

  it('while a command that drives does load the machine (the check can see it)', () => {
    const run = packagesOf(['resume', 'm-0000000000']);
    expect(run.packages).toContain('xstate');
  });
});
