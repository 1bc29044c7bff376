// The read-only opener that list, show and export use: it creates nothing, writes nothing, and still refuses
// a database it must not read.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openImage } from '../../src/adapters/sqlite/open.js';
import { openReadOnlyStore, openStore } from '../../src/adapters/sqlite/store.js';
import { StoreError } from '../../src/errors.js';
import { newMigration, sha256File, tempDir } from './helpers.js';

describe('openReadOnlyStore', () => {
  it('returns null for a database that does not exist, and creates no file or folder', () => {
    const file = path.join(tempDir(), 'not-yet', 'state.db');
    expect(openReadOnlyStore(file)).toBeNull();
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });

  it('reads what the writer committed, and leaves the database bytes as they were', async () => {
    const file = path.join(tempDir(), 'state.db');
    const writer = openStore(file);
    await writer.create(newMigration('m-1'));
    await writer.close();
    const before = sha256File(file);
    const reader = openReadOnlyStore(file)!;
    expect((await reader.list()).map((m) => m.id)).toEqual(['m-1']);
    await expect(reader.create(newMigration('m-2'))).rejects.toThrow();
    await reader.close();
    expect(sha256File(file)).toBe(before);
  });

  it('refuses a database written by a newer cutover, naming the migration, and leaves it unchanged', async () => {
    const file = path.join(tempDir(), 'state.db');
    await openStore(file).close();
    const raw = new Database(file);
    raw
      .prepare(
        "INSERT INTO schema_migrations (name, sha256, applied_at) VALUES ('9999_future', 'x', '2030-01-01T00:00:00.000Z')",
      )
      .run();
    raw.close();
    const before = sha256File(file);
    expect(() => openReadOnlyStore(file)).toThrow(StoreError);
    expect(() => openReadOnlyStore(file)).toThrow(/9999_future/);
    expect(sha256File(file)).toBe(before);
  });

  // The copy a reader uses where it cannot create the -shm file (a read-only folder, a full disk; the spawned
  // cases are in storage-errors.test.ts) must never miss a committed transaction.
  it('reads a copy in memory only when the main file holds every commit: never while the -wal has frames', async () => {
    const file = path.join(tempDir(), 'state.db');
    const writer = openStore(file);
    await writer.create(newMigration('m-1'));
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);
    expect(openImage(file)).toBeNull();
    await writer.close();
    const before = sha256File(file);
    const image = openImage(file)!;
    expect(image.prepare('SELECT id FROM migrations').all()).toEqual([{ id: 'm-1' }]);
    image.close();
    expect(sha256File(file)).toBe(before);
  });
});
