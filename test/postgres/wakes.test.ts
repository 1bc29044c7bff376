// The wakes `watch` workers share on a team store (LISTEN/NOTIFY): a worker's announcement reaches the others,
// not itself (its caller woke its own migrations already); and a listener whose connection the server's restart
// cut listens again once the server is back, so the other workers' wakes reach it again.
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

  it('listens again after the server restarts: a wake published once it is back reaches the listener', async () => {
    const url = await server.createDatabase('relisten');
    const [listener, publisher] = [new PostgresWakes(url, {}), new PostgresWakes(url, {})];
    const seen: string[] = [];
    await listener.subscribe((key) => seen.push(key));
    try {
      await publisher.publish('CC-BEFORE');
      expect(await until(() => seen.includes('CC-BEFORE'), 5_000)).toBe(true);
      await server.restart(new Promise((resolve) => setTimeout(resolve, 1_000)));
      // A wake announced while the listener is still away is missed (by design: the poll catches up), so the
      // publisher announces until one arrives; the listener must be back within a few reconnect pauses.
      const backAt = Date.now();
      let n = 0;
      const arrived = await until(async () => {
        await publisher.publish(`CC-AFTER-${++n}`);
        return seen.some((k) => k.startsWith('CC-AFTER-'));
      }, 15_000);
      expect(arrived, `seen: ${seen.join(', ')}`).toBe(true);
      expect(Date.now() - backAt).toBeLessThan(10_000);
      expect(seen[0]).toBe('CC-BEFORE');
    } finally {
      await listener.close();
      await publisher.close();
    }
  }, 30_000);
});

async function until(done: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return done();
}
