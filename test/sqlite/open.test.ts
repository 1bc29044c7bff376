import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { openDatabase } from '../../src/adapters/sqlite/open.js';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { modeOf, newMigration, sha256File, tempDir } from './helpers.js';

describe('openDatabase permissions', () => {
  it('creates the directory 0700 and the database, -wal and -shm 0600, whatever the umask', async () => {
    const dir = path.join(tempDir(), 'state', 'cutover');
    const file = path.join(dir, 'cutover.db');
    const previous = process.umask(0o277);
    try {
      const store = openStore(file);
      await store.create(newMigration('m-1'));
      expect(modeOf(dir)).toBe(0o700);
      expect(modeOf(file)).toBe(0o600);
      expect(modeOf(`${file}-wal`)).toBe(0o600);
      expect(modeOf(`${file}-shm`)).toBe(0o600);
      await store.close();
    } finally {
      process.umask(previous);
    }
  });

  it('leaves an existing directory alone', async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    await openStore(path.join(dir, 'cutover.db')).close();
    expect(modeOf(dir)).toBe(0o755);
  });

  it('turns an existing empty file into a database', async () => {
    const file = path.join(tempDir(), 'cutover.db');
    fs.writeFileSync(file, '', { mode: 0o600 });
    const store = openStore(file);
    await store.create(newMigration('m-1'));
    expect(await store.get('m-1')).not.toBeNull();
    await store.close();
  });
});

describe('a file that is not a SQLite database', () => {
  const cases: [string, () => Buffer][] = [
    ['random bytes', () => randomBytes(4096)],
    [
      'a SQLite header over garbage',
      () => Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), randomBytes(4080)]),
    ],
    ['a truncated header', () => Buffer.from('SQLite format 3\0', 'latin1')],
  ];
  for (const [name, content] of cases) {
    it(`is refused with a clear StoreError and left untouched: ${name}`, () => {
      const file = path.join(tempDir(), 'cutover.db');
      fs.writeFileSync(file, content());
      const before = sha256File(file);
      let error: unknown;
      try {
        openStore(file);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ code: 'STORE_CORRUPT' });
      expect((error as StoreError).message).toContain(file);
      expect((error as StoreError).message).toMatch(/not a SQLite database/);
      expect((error as StoreError).hint).toMatch(/backup.*--db/);
      expect(sha256File(file)).toBe(before);
      expect(() => openDatabase(file)).toThrow(StoreError);
      expect(sha256File(file)).toBe(before);
    });
  }
});
