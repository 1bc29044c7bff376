// Forward-only schema migrator over migrations/NNNN_name.sql. Each file runs in its own immediate transaction;
// a database whose applied migrations the code does not recognise is refused before anything is written.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreError } from '../../errors.js';
import { openSqlite } from './driver.js';
import { assertSqliteFile, storeErrorFrom, type SqliteDatabase } from './open.js';

/**
 * migrations/ at the package root, found by walking up from this module: it runs from src/adapters/sqlite/
 * under the tests, from dist/adapters/sqlite/ as compiled, and from dist/bundle/ in the CLI's bundle.
 */
export const MIGRATIONS_DIR = findMigrationsDir(path.dirname(fileURLToPath(import.meta.url)));

function findMigrationsDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'migrations');
    if (fs.existsSync(path.join(candidate, '0001_init.sql'))) return candidate + path.sep;
    if (path.dirname(dir) === dir)
      throw new StoreError(`no migrations/ folder above ${from}`, 'STORE_MIGRATIONS', 'reinstall cutover');
  }
}

/** node:crypto is loaded on first use: it brings ~17 internal modules, and read-only opens never hash. */
function sha256Hex(text: string): string {
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(text).digest('hex');
}

const FILE_NAME = /^(\d{4}_[A-Za-z0-9_-]+)\.sql$/;

export interface MigrationFile {
  /** File name without `.sql`, e.g. `0001_init`: the key in schema_migrations. */
  name: string;
  file: string;
  sql: string;
  sha256: string;
}

interface AppliedRow {
  name: string;
  sha256: string;
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  const names = fs
    .readdirSync(dir)
    .filter((f) => FILE_NAME.test(f))
    .sort();
  const files = names.map((f) => readMigration(dir, f));
  const numbers = files.map((m) => m.name.slice(0, 4));
  const duplicate = numbers.find((n, i) => numbers.indexOf(n) !== i);
  if (duplicate) throw new StoreError(`${dir}: two migrations are numbered ${duplicate}`, 'STORE_MIGRATIONS');
  return files;
}

function readMigration(dir: string, fileName: string): MigrationFile {
  const file = path.join(dir, fileName);
  // Hash with normalised line endings so a CRLF checkout does not look like an edited migration.
  const sql = fs.readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  const sha256 = sha256Hex(sql);
  return { name: fileName.replace(/\.sql$/, ''), file, sql, sha256 };
}

function appliedMigrations(db: SqliteDatabase): AppliedRow[] {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return [];
  return db.prepare<[], AppliedRow>('SELECT name, sha256 FROM schema_migrations ORDER BY name').all();
}

/** Reads only. Throws StoreError when an applied migration is unknown to this code or was edited since. */
export function verifyApplied(db: SqliteDatabase, known: MigrationFile[]): AppliedRow[] {
  const applied = appliedMigrations(db);
  const byName = new Map(known.map((m) => [m.name, m]));
  for (const row of applied) {
    const mine = byName.get(row.name);
    if (!mine) throw schemaNewer(db.name, row.name);
    if (mine.sha256 !== row.sha256) throw editedMigration(db.name, mine, row.sha256);
  }
  return applied;
}

/** Names of the migrations not yet applied, after verifying the applied ones. Reads only. */
export function pendingMigrations(db: SqliteDatabase, dir: string = MIGRATIONS_DIR): string[] {
  const known = loadMigrations(dir);
  const applied = new Set(verifyApplied(db, known).map((r) => r.name));
  return known.filter((m) => !applied.has(m.name)).map((m) => m.name);
}

/**
 * For read-only opens: true when the database has exactly the migrations this code ships, compared by name.
 * Throws when it has one the code does not know (a newer cutover wrote it). Checksums are not compared, so a
 * read does not read and hash every migration file; every open for writing, and the migration of an older
 * database, still verifies them.
 */
export function isCurrentByName(db: SqliteDatabase, dir: string = MIGRATIONS_DIR, file: string = db.name): boolean {
  const known = new Set(
    fs
      .readdirSync(dir)
      .filter((f) => FILE_NAME.test(f))
      .map((f) => f.replace(/\.sql$/, '')),
  );
  const applied = appliedMigrations(db).map((row) => row.name);
  const unknown = applied.find((name) => !known.has(name));
  if (unknown) throw schemaNewer(file, unknown);
  return applied.length === known.size;
}

/** Applies the pending migrations in order; returns their names. Writes nothing when there are none. */
export function migrate(db: SqliteDatabase, dir: string = MIGRATIONS_DIR): string[] {
  const known = loadMigrations(dir);
  const applied = new Set(verifyApplied(db, known).map((r) => r.name));
  const done: string[] = [];
  for (const m of known) {
    if (!applied.has(m.name) && applyOne(db, m)) done.push(m.name);
  }
  return done;
}

function applyOne(db: SqliteDatabase, m: MigrationFile): boolean {
  const run = db.transaction((): boolean => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations ' +
        '(name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
    );
    // Another process may have applied it between our check and this write lock.
    if (db.prepare('SELECT 1 FROM schema_migrations WHERE name = ?').get(m.name)) return false;
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations (name, sha256, applied_at) VALUES (?, ?, ?)').run(
      m.name,
      m.sha256,
      new Date().toISOString(),
    );
    return true;
  });
  return run.immediate();
}

/**
 * Verifies an existing database file through a read-only connection, before anything opens it for writing
 * (switching a database to WAL mode is itself a write). Throws StoreError; never modifies the file.
 */
export function checkDatabaseFile(file: string, dir: string = MIGRATIONS_DIR): void {
  if (file === ':memory:' || !fs.existsSync(file)) return;
  assertSqliteFile(file);
  if (fs.statSync(file).size === 0) return;
  const db = openSqlite(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    verifyApplied(db, loadMigrations(dir));
  } catch (err) {
    throw storeErrorFrom(err, file);
  } finally {
    db.close();
  }
}

function schemaNewer(file: string, name: string): StoreError {
  return new StoreError(
    `${file}: the database has migration ${name} applied, which this version of cutover does not know ` +
      '(the database was written by a newer cutover); it was left unchanged',
    'STORE_SCHEMA_NEWER',
    'upgrade cutover to the version that last wrote this database, or point --db (CUTOVER_DB) at another file',
  );
}

function editedMigration(file: string, m: MigrationFile, recorded: string): StoreError {
  return new StoreError(
    `${m.file} was changed after it was applied to ${file} ` +
      `(sha256 recorded ${recorded.slice(0, 12)}…, file now ${m.sha256.slice(0, 12)}…); ` +
      'the database was left unchanged',
    'STORE_MIGRATION_EDITED',
    `restore ${path.basename(m.file)} to its released content; schema changes belong in a new migration file`,
  );
}
