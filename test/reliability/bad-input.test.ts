// Bad input: flags, plan files, unknown ids, and database files that cutover must refuse without touching
// (random bytes, a header followed by garbage, a schema from a newer cutover).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun } from './harness/cli.js';
import { recordFigure } from './harness/figures.js';
import { createMigration, startRig, type Rig } from './harness/rig.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(() => rig.close());

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function planFile(name: string, content: string): string {
  const file = join(rig.dir, name);
  writeFileSync(file, content);
  return file;
}

describe('arguments and plan files', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['an unknown flag', () => ['resume', 'm-x', '--bogus'], /unknown option '--bogus'/],
    ['an unknown command', () => ['frobnicate'], /unknown command 'frobnicate'/],
    ['resume of an unknown id', () => ['resume', 'm-doesnotexist'], /no migration with id m-doesnotexist/],
    ['retry without --reason', () => ['retry', 'm-x'], /needs --reason/],
    [
      'a plan with wrong types',
      () => ['start', '--yes', '--plan', planFile('types.json', '{"orgId": 5, "audiences": "x"}')],
      /orgId.*found number 5/,
    ],
    [
      'a plan that is not JSON',
      () => ['start', '--yes', '--plan', planFile('nj.json', 'orgId: nope')],
      /not valid JSON/,
    ],
    [
      'a missing plan file',
      () => ['start', '--yes', '--plan', join(rig.dir, 'missing.json')],
      /cannot read the plan file/,
    ],
    ['plan (dry run) of a bad plan', () => ['plan', '--plan', planFile('empty.json', '[]')], /error/],
  ];
  it.each(cases)('%s → exit 2 with the reason, nothing created', async (_name, args, message) => {
    const run = await rig.cli(args(), {}, { db: join(rig.dir, 'usage.db') });
    recordFigure('bad-input', { case: _name, code: run.code });
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(existsSync(join(rig.dir, 'usage.db')) ? rowCount(join(rig.dir, 'usage.db')) : 0).toBe(0);
  });
});

function rowCount(db: string): number {
  const conn = new Database(db, { readonly: true });
  try {
    const table = conn.prepare("SELECT 1 FROM sqlite_master WHERE name = 'migrations'").get();
    return table ? (conn.prepare('SELECT count(*) AS n FROM migrations').get() as { n: number }).n : 0;
  } finally {
    conn.close();
  }
}

describe('database files cutover must refuse, untouched', () => {
  const header = Buffer.from('SQLite format 3\0', 'latin1');
  const files: Array<[string, () => Buffer]> = [
    ['random bytes', () => randomBytes(16_384)],
    ['a SQLite header followed by random bytes', () => Buffer.concat([header, randomBytes(16_384)])],
    ['a file shorter than a header', () => Buffer.from('SQLite')],
  ];
  it.each(files)('%s → exit 1, "corrupted", file unchanged', async (name, bytes) => {
    const db = join(rig.dir, `corrupt-${name.length}.db`);
    writeFileSync(db, bytes(), { mode: 0o600 });
    const before = sha(db);
    for (const args of [['resume', 'm-x'], ['list']]) {
      const run = await rig.cli(args, {}, { db });
      recordFigure('bad-input', { case: `corrupt db: ${name}`, command: args[0], code: run.code });
      expect(run.code, describeRun(run)).toBe(1);
      expect(run.stderr).toMatch(/not a SQLite database, or it is corrupted; cutover left it untouched/);
      expect(sha(db)).toBe(before);
      expect(existsSync(`${db}-wal`)).toBe(false);
    }
  });

  it('a database from a newer schema → exit 1, refused, unchanged', async () => {
    const db = join(rig.dir, 'newer.db');
    const id = await createMigration(rig, undefined, db);
    const conn = new Database(db);
    conn
      .prepare(
        "INSERT INTO schema_migrations (name, sha256, applied_at) VALUES ('9999_from_the_future', 'x', '2030-01-01T00:00:00Z')",
      )
      .run();
    conn.close(); // a clean close checkpoints the WAL into the file, so the hash below is the whole database
    const before = sha(db);
    const run = await rig.cli(['resume', id], {}, { db });
    recordFigure('bad-input', { case: 'newer schema', code: run.code });
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stderr).toMatch(/migration 9999_from_the_future applied, which this version of cutover does not know/);
    expect(sha(db)).toBe(before);
  });
});
