// doctor's look at the SQLite store: a read-only connection, one timed round trip, the schema version.
import fs from 'node:fs';
import { fastestOf, type StoreProbe } from '../store-probe.js';
import { openSqlite } from './driver.js';
import { loadMigrations, MIGRATIONS_DIR } from './migrator.js';
import { storageError } from './storage-errors.js';

export async function probeSqlite(file: string): Promise<StoreProbe> {
  const latestVersion = loadMigrations(MIGRATIONS_DIR).at(-1)?.name ?? '';
  const base = { kind: 'sqlite' as const, location: file, latestVersion };
  if (!fs.existsSync(file) || fs.statSync(file).size === 0) {
    const detail = 'no database yet (created on first write)';
    return { ...base, ok: true, schemaVersion: null, roundTripMs: null, detail };
  }
  try {
    const db = openSqlite(file, { readonly: true, fileMustExist: true });
    try {
      const roundTripMs = await fastestOf(3, async () => db.prepare('SELECT 1').get());
      const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
      const last = table
        ? db.prepare<[], { name: string }>('SELECT name FROM schema_migrations ORDER BY name DESC LIMIT 1').get()
        : undefined;
      const schemaVersion = last?.name ?? null;
      return { ...base, ok: true, schemaVersion, roundTripMs, detail: `schema ${schemaVersion ?? 'none'}` };
    } finally {
      db.close();
    }
  } catch (err) {
    const mapped = storageError(err, file) as Error & { hint?: string };
    return { ...base, ok: false, schemaVersion: null, roundTripMs: null, detail: mapped.message, fix: mapped.hint };
  }
}
