// Storage failures as a person can act on them: SQLite's result codes (and the file system's errno) mapped to
// StoreErrors that name the file, say what is wrong and what to do, with SQLite's error as the cause. Each
// mapped case leaves the database as it was: SQLite rolls back a transaction it could not commit, and the
// openers write nothing before they know they can.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CutoverError, StoreError } from '../../errors.js';

/** Below this much free space, SQLite's "disk I/O error" on a write is the disk being full (ENOSPC). */
const FULL_BELOW_BYTES = 1024 * 1024;

const codeOf = (err: unknown): string => String((err as { code?: unknown } | null)?.code ?? '');

/** Maps a storage failure on `file` to its StoreError; anything else (including a CutoverError) is returned as is. */
export function storageError(err: unknown, file: string): unknown {
  if (err instanceof CutoverError) return err;
  const code = codeOf(err);
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || err instanceof SyntaxError) {
    return damaged(file, err);
  }
  if (['SQLITE_CANTOPEN', 'EACCES', 'EPERM'].includes(code) && unreadable(file)) return cannotRead(file, err);
  if (code.startsWith('SQLITE_READONLY') || ['EACCES', 'EPERM', 'EROFS'].includes(code)) return readOnly(file, err);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return diskFull(file, err);
  if (code.startsWith('SQLITE_IOERR')) {
    return freeBytes(file) < FULL_BELOW_BYTES ? diskFull(file, err) : ioError(file, err);
  }
  if (code === 'SQLITE_CANTOPEN' && unwritable(file)) return readOnly(file, err);
  return err;
}

/**
 * True when SQLite could not create or grow the -wal/-shm files a reader of a WAL database needs: READONLY_* for
 * a folder it may not write, CANTOPEN where the folder is immutable (EPERM), IOERR_SHM* or FULL on a full disk.
 */
export function cannotShareWal(err: unknown): boolean {
  const code = codeOf(err);
  return ['SQLITE_READONLY', 'SQLITE_IOERR_SHM', 'SQLITE_CANTOPEN', 'SQLITE_FULL'].some((c) => code.startsWith(c));
}

/** The same object, with every method's failure (thrown or rejected) mapped by storageError. */
export function withStorageErrors<T extends object>(target: T, file: string): T {
  return new Proxy(target, {
    get(obj, key) {
      const value: unknown = Reflect.get(obj, key);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          const result: unknown = value.apply(obj, args);
          if (!(result instanceof Promise)) return result;
          return result.catch((err: unknown) => Promise.reject(storageError(err, file)));
        } catch (err) {
          throw storageError(err, file);
        }
      };
    },
  });
}

export function damaged(file: string, cause: unknown): StoreError {
  const detail = cause instanceof SyntaxError ? `a stored value is not JSON: ${cause.message}` : sqliteSays(cause);
  const message = `${file} is damaged (${detail}); cutover changed nothing`;
  return new StoreError(message, 'STORE_CORRUPT', recoveryHint(file), { cause });
}

/** What to do with a damaged file; also the hint for a file that is not a database at all. */
export function recoveryHint(file: string): string {
  return (
    'restore the file from a backup, or `cutover import` a support bundle into a new --db; ' +
    `\`sqlite3 ${file} .recover | sqlite3 recovered.db\` salvages what is still readable`
  );
}

export function readOnly(file: string, cause: unknown, note = ''): StoreError {
  const where = unwritable(file);
  const verb = where?.includes(' and ') ? 'are' : 'is';
  const what = where ? `${where} ${verb} not writable by ${account()}` : 'SQLite could not write it';
  return new StoreError(
    `${file}: cannot write the database: ${what}${note}; nothing was changed`,
    'STORE_READ_ONLY',
    `make ${where ?? 'it'} writable by ${account()} (chown or chmod), or point --db (CUTOVER_DB) at a writable ` +
      'copy of the file; list, show and export can read it where it is',
    { cause },
  );
}

function cannotRead(file: string, cause: unknown): StoreError {
  return new StoreError(
    `${file}: cannot read the database: the file is not readable by ${account()}; nothing was changed`,
    'STORE_UNREADABLE',
    `run cutover as the account that owns ${file}, or point --db (CUTOVER_DB) at a readable copy of it`,
    { cause },
  );
}

function diskFull(file: string, cause: unknown): StoreError {
  const dir = path.dirname(path.resolve(file));
  return new StoreError(
    `${file}: the disk is full (${formatBytes(freeBytes(file))} free at ${dir}); nothing was written`,
    'STORE_DISK_FULL',
    `free some space on that disk (df -h ${dir}), or point --db (CUTOVER_DB) at a file on another disk; ` +
      'then run the command again',
    { cause },
  );
}

function ioError(file: string, cause: unknown): StoreError {
  return new StoreError(
    `${file}: the disk failed to read or write the database (${sqliteSays(cause)}); the last change was not saved`,
    'STORE_IO',
    `check the disk and the file system holding ${path.dirname(path.resolve(file))} (dmesg, df -h), ` +
      'then run the command again',
    { cause },
  );
}

function sqliteSays(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = codeOf(cause);
  return code ? `${code}: ${message}` : `SQLite: ${message}`;
}

/** "the folder X" and/or "the file X" that this user cannot write, or null when both can be written. */
function unwritable(file: string): string | null {
  const target = path.resolve(file);
  let dir = path.dirname(target);
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const parts = [
    ...(fs.existsSync(target) && !canWrite(target) ? [`the file ${target}`] : []),
    ...(canWrite(dir) ? [] : [`the folder ${dir}`]),
  ];
  return parts.length === 0 ? null : parts.join(' and ');
}

const canWrite = (p: string): boolean => accessible(p, fs.constants.W_OK);
const unreadable = (file: string): boolean => fs.existsSync(file) && !accessible(file, fs.constants.R_OK);

function accessible(p: string, mode: number): boolean {
  try {
    fs.accessSync(p, mode);
    return true;
  } catch {
    return false;
  }
}

function account(): string {
  try {
    return `user ${os.userInfo().username}`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

function freeBytes(file: string): number {
  let dir = path.dirname(path.resolve(file));
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  try {
    const stats = fs.statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return 'unknown space';
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
