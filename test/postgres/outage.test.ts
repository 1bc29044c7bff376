// The team store's server going away under a runner: a statement the server never ran is sent again until the
// server is back (within the store's wait), so a restart costs a pause, not the run; a server that stays away
// stops the runner with a clear error (exit 1) that names the store with its password masked; nothing committed
// is lost either way. A connection that fails while being opened (reset or cut during start-up, as a server
// coming back does to the first ones) carried no statement yet: the statement is sent again on another.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPool } from '../../src/adapters/postgres/connect.js';
import { openPostgresStore } from '../../src/adapters/postgres/open.js';
import { lease, newMigration, transition } from '../sqlite/helpers.js';
import { describeWithPostgres, PG_PASSWORD, type PgServer, pgProxy, startPostgres } from '../support/postgres.js';

describeWithPostgres('the team store when its server restarts', () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('survives a connection dropped while checked out (a transaction between statements): no crash', async () => {
    const pool = await createPool(await server.createDatabase('dropped'));
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      // The dropped socket's 'error' event arrives now; unheard, it would end the process (and fail this run).
      await new Promise((resolve) => setTimeout(resolve, 500));
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('carries a runner over a restart: its next writes wait for the server, nothing committed is lost', async () => {
    const store = await openPostgresStore(await server.createDatabase('restart'), { waitMs: 30_000 });
    try {
      await store.create(newMigration('m-1'));
      await store.acquireLease(lease('m-1', 'n1', 5));
      const fence = { nonce: 'n1' };
      let release = () => {};
      const down = server.restart(new Promise<void>((resolve) => (release = resolve)));
      // Sent while the server is stopping or stopped: retried until it is back.
      setTimeout(() => release(), 1_500);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await store.commitTransition('m-1', transition(), fence);
      await down;
      expect(await store.heartbeat('m-1', 'n1', 60_000)).toBe(true);
      expect((await store.get('m-1'))?.state).toBe('staging');
      expect((await store.journal('m-1')).map((j) => j.name)).toEqual(['start', 'STAGED']);
    } finally {
      await store.close();
    }
  });

  it('stops a runner with a clear error when the server stays away, naming the store masked', async () => {
    const url = await server.createDatabase('away');
    const store = await openPostgresStore(url, { waitMs: 500 });
    try {
      await store.create(newMigration('m-1'));
      let release = () => {};
      const down = server.restart(new Promise<void>((resolve) => (release = resolve)));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const err = await store.commitTransition('m-1', transition()).catch((e: unknown) => e);
      release();
      await down;
      expect(err).toMatchObject({ code: 'STORE_UNREACHABLE', exitCode: 1 });
      expect((err as Error).message).toContain(`cannot reach the store ${url.replace(PG_PASSWORD, '****')}`);
      expect((err as Error).message).not.toContain(PG_PASSWORD);
      expect((await store.get('m-1'))?.state).toBe('planned');
    } finally {
      await store.close();
    }
  });

  it('sends a statement again when its connection failed while being opened, and not a refused password', async () => {
    const url = await server.createDatabase('opening');
    const proxy = await pgProxy(server.port);
    const viaProxy = url.replace(`:${server.port}/`, `:${proxy.port}/`);
    const store = await openPostgresStore(viaProxy, { waitMs: 10_000, max: 1 });
    try {
      await store.create(newMigration('m-1'));
      // Drop the pool's connection (and let the pool see it go), then the next three attempts to open one.
      proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await proxy.heal();
      proxy.dropNext(3);
      await store.commitTransition('m-1', transition());
      expect((await store.get('m-1'))?.state).toBe('staging');
    } finally {
      await store.close();
      await proxy.close();
    }
    const wrong = url.replace(encodeURIComponent(PG_PASSWORD), 'wrong');
    const started = Date.now();
    await expect(openPostgresStore(wrong, { waitMs: 10_000 })).rejects.toMatchObject({ code: 'STORE_AUTH' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
