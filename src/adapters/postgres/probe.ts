// doctor's look at the team store: connect, time a round trip, read the schema version. Creates nothing.
import { fastestOf, type StoreProbe } from '../store-probe.js';
import { loadMigrations } from '../sqlite/migrator.js';
import { createPool } from './connect.js';
import { pgError } from './errors.js';
import { PG_MIGRATIONS_DIR, schemaState } from './migrator.js';
import { maskUrl } from './url.js';

export async function probePostgres(url: string, env: NodeJS.ProcessEnv): Promise<StoreProbe> {
  const location = maskUrl(url);
  const latestVersion = loadMigrations(PG_MIGRATIONS_DIR).at(-1)?.name ?? '';
  const base = { kind: 'postgres' as const, location, latestVersion };
  let pool: Awaited<ReturnType<typeof createPool>> | null = null;
  try {
    pool = await createPool(url, { env, max: 1 });
    const client = await pool.connect();
    try {
      const roundTripMs = await fastestOf(3, () => client.query('SELECT 1'));
      const { applied } = await schemaState(client, PG_MIGRATIONS_DIR, location);
      const schemaVersion = applied.at(-1) ?? null;
      const detail = schemaVersion ? `schema ${schemaVersion}` : 'no cutover schema yet (created on first write)';
      return { ...base, ok: true, schemaVersion, roundTripMs, detail };
    } finally {
      client.release();
    }
  } catch (err) {
    const mapped = pgError(err, location) as Error & { hint?: string };
    return { ...base, ok: false, schemaVersion: null, roundTripMs: null, detail: mapped.message, fix: mapped.hint };
  } finally {
    await pool?.end().catch(() => {});
  }
}
