// Opening the team store: a pool, then the schema migrated (created on the first writable open) or, for a
// command that only reads, checked. `label` is the masked URL, the only form of it any message carries.
import type { Pool, PoolClient } from 'pg';
import { type ConnectOptions, createPool } from './connect.js';
import { pgError } from './errors.js';
import { migrate, PG_MIGRATIONS_DIR, schemaState } from './migrator.js';
import { PostgresStore, type PostgresStoreOptions } from './store.js';
import { maskUrl } from './url.js';

export interface OpenPostgresOptions extends ConnectOptions, PostgresStoreOptions {
  migrationsDir?: string;
}

/** Opens the store at `url`, creating the cutover schema and applying pending migrations. */
export async function openPostgresStore(url: string, options: OpenPostgresOptions = {}): Promise<PostgresStore> {
  const label = maskUrl(url);
  const pool = await createPool(url, options);
  try {
    await withClient(pool, label, (c) => migrate(c, options.migrationsDir ?? PG_MIGRATIONS_DIR, label));
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  return new PostgresStore(pool, label, options);
}

/**
 * For commands that only read: null when the schema does not exist yet (nothing is created). A schema older
 * than the code is migrated first, as the SQLite read-only open does.
 */
export async function openPostgresReadStore(
  url: string,
  options: OpenPostgresOptions = {},
): Promise<PostgresStore | null> {
  const label = maskUrl(url);
  const dir = options.migrationsDir ?? PG_MIGRATIONS_DIR;
  const pool = await createPool(url, { max: 2, ...options });
  try {
    const state = await withClient(pool, label, (c) => schemaState(c, dir, label));
    if (state.applied.length === 0) {
      await pool.end();
      return null;
    }
    if (state.applied.length < state.known.length) await withClient(pool, label, (c) => migrate(c, dir, label));
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  return new PostgresStore(pool, label, options);
}

export async function withClient<T>(pool: Pool, label: string, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw pgError(err, label);
  }
  try {
    return await fn(client);
  } catch (err) {
    throw pgError(err, label);
  } finally {
    client.release();
  }
}
