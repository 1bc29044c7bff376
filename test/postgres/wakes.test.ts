// The wakes `watch` workers share on a team store (LISTEN/NOTIFY): a worker's announcement reaches the others,
// not itself (its caller woke its own migrations already).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PostgresWakes } from '../../src/adapters/postgres/wakes.js';
import { describeWithPostgres, type PgServer, startPostgres } from '../support/postgres.js';

describeWithPostgres('PostgresWakes', () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("passes a worker's wake to the other workers and not back to itself", async () => {
    const url = await server.createDatabase('wakes');
    const [a, b] = [new PostgresWakes(url, {}), new PostgresWakes(url, {})];
    const seenByA: string[] = [];
    const seenByB: string[] = [];
    let bGotY = () => {};
    const yArrived = new Promise<void>((resolve) => (bGotY = resolve));
    await a.subscribe((key) => seenByA.push(key));
    await b.subscribe((key) => {
      seenByB.push(key);
      if (key === 'CC-Y') bGotY();
    });
    try {
      await b.publish('CC-X');
      await a.publish('CC-Y');
      await yArrived;
      // Notifications reach each listener in commit order: had B not skipped its own CC-X, it would come first.
      expect(seenByB).toEqual(['CC-Y']);
      expect(seenByA[0]).toBe('CC-X');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
