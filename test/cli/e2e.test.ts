// End-to-end: the built CLI (npm test builds dist/ first) in a child process, as a support engineer runs it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rig, samplePlan, SECRETS, type Rig } from './helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const LAUNCHER = join(ROOT, 'bin/cutover.cjs');

function cutover(r: Pick<Rig, 'env'>, args: string[]) {
  const result = spawnSync(process.execPath, [LAUNCHER, ...args], {
    env: { ...r.env, PATH: process.env.PATH, USER: 'e2e' },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli/main.js')))
    throw new Error('dist/ is missing: run npm run build (npm test does it first)');
});

describe('the built CLI', () => {
  it('refuses an operator command without --reason with exit 2, before any database is created', () => {
    const r = rig();
    const db = join(r.dir, 'never.db');
    for (const args of [
      ['skip', 'm-1', '--check', 'x'],
      ['cancel', 'm-1'],
      ['unlock', 'm-1', '--lock-id', 'abc'],
      ['set-resolution', 'm-1', '--at', '2026-01-01T00:00:00Z'],
    ]) {
      const run = cutover(r, ['--db', db, ...args]);
      expect(run.code, args[0]).toBe(2);
      expect(run.stderr).toContain('needs --reason');
    }
    expect(existsSync(db)).toBe(false);
  });

  it('exports a migration, imports it into a fresh database, and lists and shows it there', async () => {
    const r = rig();
    const id = await r.engine().create(samplePlan(), 'admin@laptop');
    await r.engine().drive(id, { mode: 'until-waiting' });
    await r.store.close();
    const bundle = join(r.dir, 'bundle.json');
    expect(cutover(r, ['--db', r.dbFile, 'export', id, '--out', bundle]).code).toBe(0);
    const text = readFileSync(bundle, 'utf8');
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    const fresh = join(r.dir, 'fresh.db');
    expect(cutover(r, ['--db', fresh, 'import', bundle]).code).toBe(0);
    const rows = JSON.parse(cutover(r, ['--db', fresh, 'list', '--json']).stdout) as { id: string; state: string }[];
    expect(rows).toEqual([expect.objectContaining({ id, state: 'awaiting_resolution.sleeping' })]);
    const shown = cutover(r, ['--db', fresh, 'show', id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/operator {4}IMPORT .*by e2e@/);
    expect(cutover(r, ['--db', fresh, 'import', bundle]).code).toBe(1);
    writeFileSync(join(r.dir, 'bad.json'), '[]');
    expect(cutover(r, ['--db', fresh, 'import', join(r.dir, 'bad.json')]).code).toBe(2);
  });
});
