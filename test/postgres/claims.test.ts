// Claims on the team store across connections (several watch workers on several machines): claimers racing over
// one fleet get disjoint sets of leases, and a claimer that holds rows locked in an open transaction (a busy or
// stalled worker mid-claim) blocks no one: the others skip those rows (FOR NO KEY UPDATE SKIP LOCKED) and finish.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/adapters/postgres/open.js';
import type { PostgresStore } from '../../src/adapters/postgres/store.js';
import type { Lease } from '../../src/ports.js';
import { lease, newMigration } from '../sqlite/helpers.js';
import { describeWithPostgres, type PgServer, startPostgres } from '../support/postgres.js';

const FLEET = 40;
const ids = Array.from({ length: FLEET }, (_, i) => `m-${String(i).padStart(2, '0')}`);
const ask = (worker: number, which = ids) => which.map((id) => lease(id, `w${worker}-${id}`, 5, `w${worker}@host:1`));

describeWithPostgres('claims on the team store across connections', () => {
  let server: PgServer;
  const opened: PostgresStore[] = [];
  const open = async (url: string) => {
    const store = await openPostgresStore(url);
    opened.push(store);
    return store;
  };
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  let url = '';
  async function fleet(name: string, workers: number): Promise<PostgresStore[]> {
    url = await server.createDatabase(name);
    const stores = await Promise.all(Array.from({ length: workers }, () => open(url)));
    for (const id of ids) await stores[0]!.create(newMigration(id));
    return stores;
  }

  it('gives 6 claimers racing over one fleet disjoint sets, each the lease the store holds', async () => {
    const stores = await fleet('race', 6);
    // Every worker asks for the whole fleet in its own urgency order, at once.
    const rounds = await Promise.all(stores.map((s, w) => s.claimLeases(w % 2 ? ask(w).reverse() : ask(w), 12)));
    const granted = rounds.flat();
    expect(new Set(granted.map((l) => l.migrationId)).size).toBe(granted.length);
    for (const [w, leases] of rounds.entries()) {
      expect(leases.length).toBeLessThanOrEqual(12);
      for (const l of leases) expect(l.holder).toBe(`w${w}@host:1`);
    }
    // The store holds exactly the granted leases: none was overwritten by a later claimer.
    for (const l of granted) expect(await stores[0]!.currentLease(l.migrationId)).toEqual(l);
    // What no one got on the first round, a second round shares out too, still disjoint.
    const second = (await Promise.all(stores.map((s, w) => s.claimLeases(ask(w + 10), 12)))).flat();
    const all = [...granted, ...second].map((l) => l.migrationId);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(FLEET);
  });

  it('lets a claimer finish while another holds rows locked in an open transaction, skipping those rows', async () => {
    const [store] = await fleet('skip', 1);
    const busy = new pg.Client({ connectionString: url });
    await busy.connect();
    try {
      await busy.query('BEGIN');
      await busy.query("SELECT id FROM cutover.migrations WHERE id IN ('m-00', 'm-01') FOR NO KEY UPDATE");
      const started = Date.now();
      const claim = store!.claimLeases(ask(1, ids.slice(0, 4)), 10);
      const outcome = await Promise.race([
        claim.then((leases: Lease[]) => leases.map((l) => l.migrationId)),
        new Promise<string>((resolve) => setTimeout(() => resolve('blocked'), 5_000)),
      ]);
      expect(outcome).toEqual(['m-02', 'm-03']);
      expect(Date.now() - started).toBeLessThan(5_000);
      // The first claimer is still mid-transaction: its rows stay locked while the other has finished.
      expect(
        (await busy.query('SELECT count(*)::int AS n FROM pg_locks WHERE pid = pg_backend_pid()')).rows[0].n,
      ).toBeGreaterThan(0);
      await busy.query('COMMIT');
      const later = await store!.claimLeases(ask(2, ids.slice(0, 4)), 10);
      expect(later.map((l) => l.migrationId)).toEqual(['m-00', 'm-01']);
    } finally {
      await busy.end();
    }
  });
});
