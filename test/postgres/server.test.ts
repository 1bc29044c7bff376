import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres, type PgServer, startPostgres } from '../support/postgres.js';

describeWithPostgres('the throwaway PostgreSQL server', () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers over TCP with the password, in a fresh database', async () => {
    const client = new pg.Client({ connectionString: await server.createDatabase() });
    await client.connect();
    const { rows } = await client.query('SELECT current_user AS who, 1 + 1 AS two');
    await client.end();
    expect(rows[0]).toEqual({ who: 'postgres', two: 2 });
  });
});
