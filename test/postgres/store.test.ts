// The store contract against a real PostgreSQL server (a database per test), plus what only a server store has:
// two connections racing for one lease, takeover under contention, fencing across connections, the server's clock.
import { afterAll, beforeAll } from 'vitest';
import { openPostgresStore } from '../../src/adapters/postgres/open.js';
import { storeContract } from '../sqlite/store-contract.js';
import { describeWithPostgres, type PgServer, startPostgres } from '../support/postgres.js';

describeWithPostgres('PostgresStore', () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  storeContract('PostgresStore', async (now) => openPostgresStore(await server.createDatabase('contract'), { now }));
});
