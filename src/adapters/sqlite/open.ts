// Opening the SQLite file: private permissions, durable pragmas, and a refusal (never a repair) when the file
// is not a SQLite database.
import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from '../../errors.js';
import { openSqlite, type SqliteDatabase } from './driver.js';
import { recoveryHint } from './storage-errors.js';

export type { SqliteDatabase };

const HEADER = Buffer.from('SQLite format 3\0', 'latin1');
/** A database file is at least its 100-byte header; an empty file is a database still to be created. */
const MIN_SIZE = 100;
const SIDECARS = ['-wal', '-shm', '-journal'] as const;

export function openDatabase(file: string): SqliteDatabase {
  if (file !== ':memory:') prepareFile(file);
  const db = openSqlite(file);
  try {
    applyPragmas(db);
  } catch (err) {
    db.close();
    throw storeErrorFrom(err, file);
  }
  if (file !== ':memory:') secureSidecars(file);
  return db;
}

function applyPragmas(db: SqliteDatabase): void {
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = FULL');
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal' && db.name !== ':memory:') {
    throw new StoreError(`${db.name}: could not switch the database to WAL mode (got ${String(mode)})`, 'STORE_WAL');
  }
  // Reading the schema opens the -wal and -shm files now, so secureSidecars can see them.
  db.prepare('SELECT count(*) FROM sqlite_master').get();
}

/** Creates the directory (0700) and the file (0600) before SQLite does, so neither is ever world-readable. */
export function prepareFile(file: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
  }
  if (!fs.existsSync(file)) {
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    fs.chmodSync(file, 0o600);
  }
  assertSqliteFile(file);
}

/** Throws StoreError, reading only, when the file exists and is not a SQLite database. */
export function assertSqliteFile(file: string): void {
  const size = fs.statSync(file).size;
  if (size === 0) return;
  if (size < MIN_SIZE || !readHead(file).equals(HEADER)) throw corrupted(file);
}

function readHead(file: string): Buffer {
  const head = Buffer.alloc(HEADER.length);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  return head;
}

/**
 * The database as a read-only copy in memory, for a reader that cannot create the -wal/-shm files a WAL database
 * needs (a read-only folder, a full disk). Safe only when the main file holds every committed transaction: null
 * when the write-ahead log has frames, or when the file changed while it was read (a writer was at work).
 */
export function openImage(file: string): SqliteDatabase | null {
  if (walHasFrames(file)) return null;
  const before = fs.statSync(file);
  const image = fs.readFileSync(file);
  const after = fs.statSync(file);
  const unchanged = before.mtimeMs === after.mtimeMs && before.size === after.size && image.length === after.size;
  if (!unchanged || walHasFrames(file)) return null;
  // Bytes 18-19 say "WAL" (2); an in-memory database has no WAL, so the copy is marked rollback-journal (1).
  image[18] = 1;
  image[19] = 1;
  return openSqlite(image, { readonly: true });
}

function walHasFrames(file: string): boolean {
  try {
    return fs.statSync(`${file}-wal`).size > 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** SQLite gives its -wal/-shm files the database's mode; chmod anyway, in case the database was created elsewhere. */
export function secureSidecars(file: string): void {
  for (const suffix of SIDECARS) {
    try {
      fs.chmodSync(file + suffix, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

export function corrupted(file: string, cause?: unknown): StoreError {
  return new StoreError(
    `${file} is not a SQLite database, or it is corrupted; cutover left it untouched`,
    'STORE_CORRUPT',
    recoveryHint(file),
    { cause },
  );
}

/** Maps SQLite's "not a database" and "corrupt" errors to a StoreError; anything else is returned as is. */
export function storeErrorFrom(err: unknown, file: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))) {
    return corrupted(file, err);
  }
  return err;
}
