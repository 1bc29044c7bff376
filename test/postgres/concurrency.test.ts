// What only a server store has to get right: two connections (two runners on two machines) racing for one
// lease, taking over under contention, fencing across connections; leases on the server's clock; and the
// migrator's rules when two workers start at once or the schema is not this code's.
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS_DIR } from '../../src/adapters/postgres/migrator.js';
import { openPostgresStore } from '../../src/adapters/postgres/open.js';
import type { PostgresStore } from '../../src/adapters/postgres/store.js';
import { NOTIFICATION_TYPES } from '../../src/core/notifications.js';
import { FencedError } from '../../src/errors.js';
import { lease, newMigration, transition } from '../sqlite/helpers.js';
import { describeWithPostgres, type PgServer, startPostgres } from '../support/postgres.js';

describeWithPostgres('PostgresStore across connections', () => {
  let server: PgServer;
  const opened: PostgresStore[] = [];
  const open = async (url: string, migrationsDir?: string) => {
    const store = await openPostgresStore(url, { migrationsDir });
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

  describe('leases', () => {
    it('grants one of 8 concurrent acquires from 8 connections, and names it to the others', async () => {
      const url = await server.createDatabase('race');
      const stores = await Promise.all(Array.from({ length: 8 }, () => open(url)));
      await stores[0]!.create(newMigration('m-1'));
      const results = await Promise.all(stores.map((s, i) => s.acquireLease(lease('m-1', `n${i}`, 5))));
      const granted = results.filter((r) => r.ok);
      expect(granted).toHaveLength(1);
      const winner = granted[0]!.ok ? granted[0]!.lease.nonce : '';
      for (const r of results) if (!r.ok) expect(r.heldBy.nonce).toBe(winner);
    });

    it('stamps leases with the server clock, not the runner', async () => {
      const store = await open(await server.createDatabase('clock'));
      await store.create(newMigration('m-1'));
      const client = new pg.Client({ connectionString: server.url() });
      await client.connect();
      const serverNow = async () =>
        Number((await client.query('SELECT extract(epoch FROM now()) * 1000 AS t')).rows[0].t);
      const before = await serverNow();
      const got = await store.acquireLease(lease('m-1', 'n1', 1));
      const after = await serverNow();
      await client.end();
      expect(got.ok).toBe(true);
      const acquired = got.ok ? Date.parse(got.lease.acquiredAt) : 0;
      expect(acquired).toBeGreaterThanOrEqual(before - 1);
      expect(acquired).toBeLessThanOrEqual(after + 1);
      expect(got.ok && Date.parse(got.lease.expiresAt) - acquired).toBe(60_000);
    });

    it('lets exactly one of several takeovers by the same lock id win, with one journal row', async () => {
      const url = await server.createDatabase('takeover');
      const stores = await Promise.all(Array.from({ length: 5 }, () => open(url)));
      await stores[0]!.create(newMigration('m-1'));
      await stores[0]!.acquireLease(lease('m-1', 'n0', 5));
      const row = (i: number) => [{ kind: 'operator' as const, at: new Date().toISOString(), name: `TAKEOVER${i}` }];
      const took = await Promise.all(
        stores.map((s, i) => s.takeOverLease('m-1', 'n0', lease('m-1', `t${i}`, 5), row(i))),
      );
      expect(took.filter(Boolean)).toHaveLength(1);
      const journal = await stores[0]!.journal('m-1');
      expect(journal.filter((j) => j.name.startsWith('TAKEOVER'))).toHaveLength(1);
    });

    it('refuses the old holder every write once another connection took over, while the new one writes', async () => {
      const url = await server.createDatabase('fence');
      const [old, fresh] = [await open(url), await open(url)];
      await old.create(newMigration('m-1'));
      await old.acquireLease(lease('m-1', 'n-old', 5));
      const racing = Array.from({ length: 20 }, (_, i) =>
        old
          .appendJournal('m-1', [{ kind: 'event', at: new Date().toISOString(), name: `OLD${i}` }], { nonce: 'n-old' })
          .then(
            () => 'written',
            (e: unknown) => e,
          ),
      );
      const took = fresh.takeOverLease('m-1', 'n-old', lease('m-1', 'n-new', 5), [
        { kind: 'operator', at: new Date().toISOString(), name: 'TAKEOVER' },
      ]);
      const outcomes = await Promise.all(racing);
      expect(await took).toBe(true);
      for (const o of outcomes) if (o !== 'written') expect(o).toBeInstanceOf(FencedError);
      // After the takeover committed, nothing of the old holder's lands after the TAKEOVER row.
      const names = (await fresh.journal('m-1')).map((j) => j.name);
      expect(names.slice(names.indexOf('TAKEOVER') + 1).filter((n) => n.startsWith('OLD'))).toEqual([]);
      await expect(old.commitTransition('m-1', transition(), { nonce: 'n-old' })).rejects.toMatchObject({
        code: 'LEASE_LOST',
        heldBy: { nonce: 'n-new' },
      });
      await fresh.commitTransition('m-1', transition(), { nonce: 'n-new' });
      expect((await fresh.get('m-1'))?.state).toBe('staging');
    });
  });

  it('never hands one outbox delivery to two workers claiming at once (FOR UPDATE SKIP LOCKED)', async () => {
    const url = await server.createDatabase('outbox');
    const stores = await Promise.all(Array.from({ length: 4 }, () => open(url)));
    await stores[0]!.registerReceivers(['r1']);
    for (let i = 0; i < 20; i++) {
      const id = `m-${i}`;
      await stores[0]!.create(newMigration(id));
      const event = { id: `${id}:parked`, type: NOTIFICATION_TYPES[0], migrationId: id, orgId: 'ORG1@AdobeOrg' };
      await stores[0]!.commitTransition(id, transition({ outbox: [{ ...event, at: transition().at, data: { i } }] }));
    }
    const claims = await Promise.all(
      stores.map((s, n) => s.claimDeliveries({ receiverIds: ['r1'], worker: `w${n}`, claimMs: 60_000, limit: 20 })),
    );
    const ids = claims.flat().map((d) => d.event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m-${i}:parked`).sort());
  });

  describe('migrations of the schema', () => {
    it('migrates once when four workers open an empty database at the same moment', async () => {
      const url = await server.createDatabase('migrate');
      const stores = await Promise.all(Array.from({ length: 4 }, () => open(url)));
      expect(stores).toHaveLength(4);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query('SELECT name FROM cutover.schema_migrations');
      await client.end();
      expect(rows.map((r) => r.name)).toEqual(['0001_init', '0002_due_at']);
    });

    it('refuses a schema with a migration this code does not know, and leaves it untouched', async () => {
      const url = await server.createDatabase('newer');
      const newer = copyOf(PG_MIGRATIONS_DIR);
      writeFileSync(path.join(newer, '0099_future.sql'), 'CREATE TABLE future (x integer);\n');
      await (await open(url, newer)).close();
      await expect(open(url)).rejects.toMatchObject({ code: 'STORE_SCHEMA_NEWER' });
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query('SELECT name FROM cutover.schema_migrations ORDER BY name');
      await client.end();
      expect(rows.map((r) => r.name)).toEqual(['0001_init', '0002_due_at', '0099_future']);
    });

    it('refuses a schema whose applied migration file was edited since', async () => {
      const url = await server.createDatabase('edited');
      await (await open(url)).close();
      const edited = copyOf(PG_MIGRATIONS_DIR);
      writeFileSync(path.join(edited, '0001_init.sql'), '-- edited\n', { flag: 'a' });
      await expect(open(url, edited)).rejects.toMatchObject({ code: 'STORE_MIGRATION_EDITED' });
    });
  });
});

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function copyOf(dir: string): string {
  const copy = mkdtempSync(path.join(os.tmpdir(), 'cutover-pg-migrations-'));
  copies.push(copy);
  for (const f of readdirSync(dir)) copyFileSync(path.join(dir, f), path.join(copy, f));
  return copy;
}
