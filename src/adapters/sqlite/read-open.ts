// The read-only open behind list, show and export: a read-only connection, or, where SQLite cannot create the
// WAL's -shm file beside the database (a read-only or immutable folder, a full disk), a copy of the file in
// memory when that is safe (open.ts openImage). Anything else is refused as the ordinary open would refuse it.
import { openSqlite } from './driver.js';
import { isCurrentByName } from './migrator.js';
import { openImage, storeErrorFrom, type SqliteDatabase } from './open.js';
import { cannotShareWal, storageError } from './storage-errors.js';

/** A read-only connection and whether its schema is current (when not, the caller migrates it first). */
export function openForReading(file: string, migrationsDir: string): { db: SqliteDatabase; current: boolean } {
  const db = openSqlite(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return { db, current: isCurrentByName(db, migrationsDir) };
  } catch (err) {
    db.close();
    if (!cannotShareWal(err)) throw storeErrorFrom(err, file);
    return openCopyForReading(file, migrationsDir, err);
  }
}

/** The in-memory copy (open.ts openImage); refused with the original cause when it is not safe or not current. */
function openCopyForReading(
  file: string,
  migrationsDir: string,
  cause: unknown,
): { db: SqliteDatabase; current: true } {
  const db = openImage(file);
  if (!db) throw storageError(cause, file);
  try {
    if (isCurrentByName(db, migrationsDir, file)) return { db, current: true };
  } catch (err) {
    db.close();
    throw err;
  }
  db.close();
  // An older schema must be migrated before it is read, which is a write.
  throw storageError(cause, file);
}
