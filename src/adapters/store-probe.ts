// What `cutover doctor` says about the state store: which kind, where (a URL with its password masked), the
// schema version (the last migration applied) and one round trip's time. Reads only; creates nothing.
export interface StoreProbe {
  kind: 'sqlite' | 'postgres';
  /** The file, or the URL with its password masked. */
  location: string;
  ok: boolean;
  /** The last applied migration's name; null when the store does not exist yet. */
  schemaVersion: string | null;
  /** The migrations this cutover ships: the version it would migrate the store to. */
  latestVersion: string;
  roundTripMs: number | null;
  detail: string;
  fix?: string;
}

/** The fastest of a few round trips (the first pays for the connection). */
export async function fastestOf(times: number, once: () => Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await once();
    best = Math.min(best, performance.now() - t0);
  }
  return Math.round(best * 100) / 100;
}
