// Forward-only schema migrations for the team store, from migrations/postgres/NNNN_name.sql, with the SQLite
// migrator's rules (name + sha256 recorded; an edited applied file refused; a schema newer than the code
// refused and left untouched). Everything runs in one transaction under a transaction-level advisory lock, so
// two workers starting at once migrate once: the second waits, then finds nothing left to apply.
import path from 'node:path';
import type { PoolClient } from 'pg';
import { StoreError } from '../../errors.js';
import { loadMigrations, MIGRATIONS_DIR, type MigrationFile } from '../sqlite/migrator.js';

export const PG_MIGRATIONS_DIR = path.join(MIGRATIONS_DIR, 'postgres') + path.sep;
/** pg_advisory_xact_lock's key: "cutv" as a number, the same for every cutover that migrates this database. */
const MIGRATION_LOCK = 0x63757476;

export interface SchemaState {
  /** Applied migration names, oldest first; empty when the schema does not exist yet. */
  applied: string[];
  /** The names this code ships. */
  known: string[];
}

interface AppliedRow {
  name: string;
  sha256: string;
}

async function appliedRows(client: PoolClient): Promise<AppliedRow[]> {
  const exists = await client.query("SELECT to_regclass('cutover.schema_migrations') IS NOT NULL AS ok");
  if (!exists.rows[0].ok) return [];
  const { rows } = await client.query<AppliedRow>('SELECT name, sha256 FROM cutover.schema_migrations ORDER BY name');
  return rows;
}

/** Reads only: which migrations are applied, compared by name (what a read-only open needs). */
export async function schemaState(client: PoolClient, dir = PG_MIGRATIONS_DIR, store = ''): Promise<SchemaState> {
  const known = loadMigrations(dir).map((m) => m.name);
  const applied = (await appliedRows(client)).map((r) => r.name);
  const unknown = applied.find((name) => !known.includes(name));
  if (unknown) throw schemaNewer(store, unknown);
  return { applied, known };
}

/** Creates the schema on first use and applies the pending migrations; returns their names. */
export async function migrate(client: PoolClient, dir = PG_MIGRATIONS_DIR, store = ''): Promise<string[]> {
  const known = loadMigrations(dir);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const applied = verify(await appliedRows(client), known, store);
    const pending = known.filter((m) => !applied.has(m.name));
    if (pending.length > 0) await applyAll(client, pending);
    await client.query('COMMIT');
    return pending.map((m) => m.name);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

function verify(rows: AppliedRow[], known: MigrationFile[], store: string): Set<string> {
  const byName = new Map(known.map((m) => [m.name, m]));
  for (const row of rows) {
    const mine = byName.get(row.name);
    if (!mine) throw schemaNewer(store, row.name);
    if (mine.sha256 !== row.sha256) throw editedMigration(store, mine, row.sha256);
  }
  return new Set(rows.map((r) => r.name));
}

async function applyAll(client: PoolClient, pending: MigrationFile[]): Promise<void> {
  await client.query('CREATE SCHEMA IF NOT EXISTS cutover');
  await client.query(
    `CREATE TABLE IF NOT EXISTS cutover.schema_migrations
       (name text PRIMARY KEY, sha256 text NOT NULL, applied_at text NOT NULL)`,
  );
  await client.query('SET LOCAL search_path TO cutover');
  for (const m of pending) {
    await client.query(m.sql);
    await client.query(
      'INSERT INTO cutover.schema_migrations (name, sha256, applied_at) VALUES ($1, $2, cutover.iso(now()))',
      [m.name, m.sha256],
    );
  }
}

function schemaNewer(store: string, name: string): StoreError {
  return new StoreError(
    `${store}: the store has migration ${name} applied, which this version of cutover does not know ` +
      '(the store was written by a newer cutover); it was left unchanged',
    'STORE_SCHEMA_NEWER',
    'upgrade cutover to the version that last wrote this store, or point --db (CUTOVER_DB) at another store',
  );
}

function editedMigration(store: string, m: MigrationFile, recorded: string): StoreError {
  return new StoreError(
    `${m.file} was changed after it was applied to ${store} ` +
      `(sha256 recorded ${recorded.slice(0, 12)}…, file now ${m.sha256.slice(0, 12)}…); the store was left unchanged`,
    'STORE_MIGRATION_EDITED',
    `restore ${path.basename(m.file)} to its released content; schema changes belong in a new migration file`,
  );
}
