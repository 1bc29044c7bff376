// The outbox sender (engine/notify-sender.ts) over real SQLite files: several workers on one store send each
// event once between them, a migration's events in order; a failing receiver is retried with a doubling
// backoff and holds up no other receiver.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/clock.js';
import { openStore, type SqliteStore } from '../../src/adapters/sqlite/store.js';
import type { OutboxEvent } from '../../src/core/notifications.js';
import { OutboxSender, type PostResult, retryDelay } from '../../src/engine/notify-sender.js';
import { newMigration, transition } from '../sqlite/helpers.js';

const opened: SqliteStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

function storeFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-sender-')), 'state.db');
}

function open(file: string): SqliteStore {
  const s = openStore(file);
  opened.push(s);
  return s;
}

/** `count` events for each of `migrations` migrations, each written with its own transition. */
async function seed(store: SqliteStore, migrations: number, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let m = 0; m < migrations; m++) {
    const id = `m-${m}`;
    await store.create(newMigration(id));
    for (let n = 0; n < count; n++) {
      const e: OutboxEvent = {
        id: `${id}.e${n}`,
        type: 'needs_attention',
        migrationId: id,
        orgId: 'O',
        at: new Date().toISOString(),
        data: { n },
      };
      await store.commitTransition(id, transition({ outbox: [e] }));
      ids.push(e.id);
    }
  }
  return ids;
}

function recorder(answer: (e: OutboxEvent) => PostResult = () => ({ ok: true, status: 200 })) {
  const posts: { worker: string; event: OutboxEvent }[] = [];
  return {
    posts,
    receiver: (worker: string) => ({
      id: 'r-1',
      post: async (event: OutboxEvent) => {
        posts.push({ worker, event });
        await new Promise((r) => setImmediate(r));
        return answer(event);
      },
    }),
  };
}

async function until(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('OutboxSender', () => {
  it('with three workers on one store, sends each event once, each migration in order', async () => {
    const file = storeFile();
    const writer = open(file);
    await writer.registerReceivers(['r-1']);
    const ids = await seed(writer, 5, 6);
    const rec = recorder();
    const stop = new AbortController();
    const workers = ['w1', 'w2', 'w3'].map(
      (w) =>
        new OutboxSender({
          store: open(file),
          receivers: [rec.receiver(w)],
          worker: w,
          clock: systemClock,
          batch: 2,
          pollMs: 20,
        }),
    );
    const running = workers.map((s) => s.run(stop.signal));
    await until(() => rec.posts.length >= ids.length);
    await new Promise((r) => setTimeout(r, 100));
    stop.abort();
    await Promise.all(running);
    expect(rec.posts.map((p) => p.event.id).sort()).toEqual([...ids].sort());
    expect(new Set(rec.posts.map((p) => p.worker)).size).toBeGreaterThan(1);
    for (let m = 0; m < 5; m++) {
      const mine = rec.posts.filter((p) => p.event.migrationId === `m-${m}`).map((p) => p.event.data.n);
      expect(mine).toEqual([0, 1, 2, 3, 4, 5]);
    }
    expect((await writer.deliveries()).every((d) => d.sentAt !== null && d.attempts === 1)).toBe(true);
  });

  it('retries a failing receiver with a doubling backoff while another receiver is served', async () => {
    const file = storeFile();
    const store = open(file);
    await store.registerReceivers(['r-1', 'r-2']);
    await seed(store, 1, 2);
    let failures = 3;
    const down = recorder(() =>
      failures-- > 0 ? { ok: false, status: 500, error: 'HTTP 500' } : { ok: true, status: 200 },
    );
    const up = recorder();
    const events: string[] = [];
    const stop = new AbortController();
    const sender = new OutboxSender({
      store,
      receivers: [down.receiver('w'), { ...up.receiver('w'), id: 'r-2' }],
      worker: 'w',
      clock: systemClock,
      retryBaseMs: 20,
      retryCapMs: 1000,
      pollMs: 10,
      onEvent: (e) => events.push(e.kind === 'failed' ? `failed ${e.retryInMs}` : e.kind),
    });
    const running = sender.run(stop.signal);
    await until(() => up.posts.length === 2);
    await until(() => down.posts.filter((_, i) => i >= 3).length === 2);
    stop.abort();
    await running;
    expect(down.posts.map((p) => p.event.data.n)).toEqual([0, 0, 0, 0, 1]);
    expect(events.filter((e) => e.startsWith('failed'))).toEqual(['failed 20', 'failed 40', 'failed 80']);
    expect(retryDelay(20, 5000, 900_000)).toBe(900_000);
  });
});
