import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { openDatabase } from '../../src/adapters/sqlite/open.js';
import { migrate, MIGRATIONS_DIR, pendingMigrations } from '../../src/adapters/sqlite/migrator.js';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { newMigration, sha256File, tempDir } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A private copy of the shipped migrations, safe to edit. */
function copyMigrations(): string {
  const dir = path.join(tempDir(), 'migrations');
  fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

function withDb<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe('migrator', () => {
  it('finds migrations/ at the package root (from src/ here; the bundled CLI opens databases in test/e2e)', () => {
    expect(MIGRATIONS_DIR).toBe(path.join(ROOT, 'migrations') + path.sep);
  });

  it('brings a fresh database to the current schema, once', () => {
    const db = openDatabase(path.join(tempDir(), 'cutover.db'));
    try {
      expect(pendingMigrations(db)).toEqual([
        '0001_init',
        '0002_listing_index',
        '0003_operator_inbox',
        '0004_listing_time_zone',
        '0005_outbox',
        '0006_due_at',
      ]);
      expect(migrate(db)).toEqual([
        '0001_init',
        '0002_listing_index',
        '0003_operator_inbox',
        '0004_listing_time_zone',
        '0005_outbox',
        '0006_due_at',
      ]);
      expect(migrate(db)).toEqual([]);
      expect(pendingMigrations(db)).toEqual([]);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      expect(tables).toEqual(
        expect.arrayContaining([
          'effects',
          'journal',
          'leases',
          'marks',
          'migrations',
          'operator_inbox',
          'schema_migrations',
        ]),
      );
      const sha = createHash('sha256')
        .update(fs.readFileSync(path.join(MIGRATIONS_DIR, '0001_init.sql'), 'utf8'))
        .digest('hex');
      expect(db.prepare('SELECT name, sha256 FROM schema_migrations').all()).toContainEqual({
        name: '0001_init',
        sha256: sha,
      });
    } finally {
      db.close();
    }
  });

  it('applies a new migration on top, and rolls back one that fails half-way', async () => {
    const dir = copyMigrations();
    const file = path.join(tempDir(), 'cutover.db');
    await openStore(file, dir).close();
    fs.writeFileSync(path.join(dir, '0901_notes.sql'), 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\n');
    fs.writeFileSync(
      path.join(dir, '0902_broken.sql'),
      'CREATE TABLE half (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n',
    );
    const db = openDatabase(file);
    try {
      expect(() => migrate(db, dir)).toThrow(/nowhere/);
      expect(pendingMigrations(db, dir)).toEqual(['0902_broken']);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('notes', 'half')").pluck().all()).toEqual([
        'notes',
      ]);
    } finally {
      db.close();
    }
  });

  it('refuses a database whose applied migration was edited, naming the file', async () => {
    const dir = copyMigrations();
    const file = path.join(tempDir(), 'cutover.db');
    await openStore(file, dir).close();
    fs.appendFileSync(path.join(dir, '0001_init.sql'), '\n-- an innocent-looking edit\n');
    const before = sha256File(file);
    expect(() => openStore(file, dir)).toThrow(StoreError);
    expect(() => openStore(file, dir)).toThrow(/0001_init\.sql was changed after it was applied/);
    expect(sha256File(file)).toBe(before);
  });

  it('does not mistake a CRLF checkout for an edit', async () => {
    const dir = copyMigrations();
    const file = path.join(tempDir(), 'cutover.db');
    await openStore(file, dir).close();
    const init = path.join(dir, '0001_init.sql');
    fs.writeFileSync(init, fs.readFileSync(init, 'utf8').replace(/\n/g, '\r\n'));
    await openStore(file, dir).close();
  });

  for (const journalMode of ['WAL', 'DELETE']) {
    it(`refuses a database with a migration newer than the code, unchanged (${journalMode} journal)`, async () => {
      const file = path.join(tempDir(), 'cutover.db');
      const store = openStore(file);
      await store.create(newMigration('m-1'));
      await store.close();
      withDb(file, (db) => {
        db.pragma(`journal_mode = ${journalMode}`);
        db.prepare("INSERT INTO schema_migrations VALUES ('0901_future', 'abc', '2030-01-01T00:00:00.000Z')").run();
      });
      const before = { db: sha256File(file), wal: sha256File(`${file}-wal`) };
      let error: unknown;
      try {
        openStore(file);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ code: 'STORE_SCHEMA_NEWER', message: expect.stringContaining('0901_future') });
      expect((error as StoreError).hint).toMatch(/upgrade cutover/);
      expect(sha256File(file)).toBe(before.db);
      if (before.wal !== null) expect(sha256File(`${file}-wal`)).toBe(before.wal);
    });
  }

  it('refuses an unknown applied migration from migrate() itself, before writing', () => {
    const file = path.join(tempDir(), 'cutover.db');
    const db = openDatabase(file);
    try {
      migrate(db);
      db.prepare("INSERT INTO schema_migrations VALUES ('0000_older_branch', 'abc', '2030-01-01T00:00:00.000Z')").run();
      const dir = copyMigrations();
      fs.writeFileSync(path.join(dir, '0901_more.sql'), 'CREATE TABLE more (id INTEGER);\n');
      expect(() => migrate(db, dir)).toThrow(/0000_older_branch/);
      expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'more'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });
});
