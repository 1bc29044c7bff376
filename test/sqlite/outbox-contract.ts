// The notification outbox every MigrationStore must keep, run against both stores from store-contract.ts:
// an event lands with its transition or not at all, once per id, one delivery per registered receiver; claims
// are exclusive and expire by the store's clock; a migration's events reach a receiver in order; a failing
// receiver holds up no other receiver.
import { beforeEach, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../src/core/notifications.js';
import type { MigrationStore } from '../../src/ports.js';
import { at, newMigration, transition } from './helpers.js';

type Current = () => { store: MigrationStore; clock: { now: () => number; set: (minutes: number) => void } };

function event(id: string, migrationId = 'm-1', over: Partial<OutboxEvent> = {}): OutboxEvent {
  return { id, type: 'ticket_resolved', migrationId, orgId: 'ORG1@AdobeOrg', at: at(1), data: { n: id }, ...over };
}

export function outboxContract(current: Current): void {
  describe('notification outbox', () => {
    let store: MigrationStore;
    let clock: ReturnType<Current>['clock'];
    const claim = (worker: string, receiverIds = ['r-a'], claimMs = 60_000) =>
      store.claimDeliveries({ receiverIds, worker, claimMs, limit: 10 });
    const ids = (ds: { event: { id: string } }[]) => ds.map((d) => d.event.id);
    beforeEach(async () => {
      ({ store, clock } = current());
      await store.create(newMigration('m-1'));
      await store.create(newMigration('m-2'));
      await store.registerReceivers(['r-a', 'r-b']);
    });

    it('writes an event with its transition, a delivery per receiver, once per id', async () => {
      await store.commitTransition('m-1', transition({ outbox: [event('e1')] }));
      await store.commitTransition('m-1', transition({ outbox: [event('e1', 'm-1', { data: { again: true } })] }));
      const all = await store.deliveries();
      expect(all.map((d) => [d.event.id, d.receiverId, d.sentAt])).toEqual([
        ['e1', 'r-a', null],
        ['e1', 'r-b', null],
      ]);
      expect(all[0]?.event).toEqual(event('e1'));
    });

    it('writes no event when the transition fails, and nothing for receivers registered later', async () => {
      await expect(store.commitTransition('nope', transition({ outbox: [event('e0', 'nope')] }))).rejects.toThrow();
      await store.commitTransition('m-1', transition({ outbox: [event('e1')] }));
      await store.registerReceivers(['r-late']);
      expect(await claim('w1', ['r-late'])).toEqual([]);
      expect(ids(await store.deliveries())).toEqual(['e1', 'e1']);
    });

    it('gives a claimed delivery to no other worker until the claim expires by the store clock', async () => {
      await store.commitTransition('m-1', transition({ outbox: [event('e1')] }));
      expect(ids(await claim('w1'))).toEqual(['e1']);
      expect(await claim('w2')).toEqual([]);
      clock.set(2);
      const again = await claim('w2');
      expect(again.map((d) => [d.event.id, d.claimedBy])).toEqual([['e1', 'w2']]);
      // The first worker's late mark is refused: the row is w2's now, and w2 sends it with the same id.
      expect(await store.markDelivered('e1', 'r-a', 'w1')).toBe(false);
      expect(await store.markDelivered('e1', 'r-a', 'w2')).toBe(true);
      expect(await store.markDelivered('e1', 'r-a', 'w2')).toBe(false);
      clock.set(10);
      expect(await claim('w3')).toEqual([]);
    });

    it("hands out a migration's events in order: the next only once the one before is sent", async () => {
      await store.commitTransition('m-1', transition({ outbox: [event('e1'), event('e2')] }));
      await store.commitTransition('m-2', transition({ outbox: [event('f1', 'm-2')] }));
      expect(ids(await claim('w1'))).toEqual(['e1', 'f1']);
      await store.markDeliveryFailed({
        eventId: 'e1',
        receiverId: 'r-a',
        worker: 'w1',
        error: 'HTTP 500',
        retryInMs: 60_000,
      });
      await store.markDelivered('f1', 'r-a', 'w1');
      expect(await claim('w1')).toEqual([]);
      clock.set(1);
      expect(ids(await claim('w1'))).toEqual(['e1']);
      await store.markDelivered('e1', 'r-a', 'w1');
      expect(ids(await claim('w1'))).toEqual(['e2']);
    });

    it('keeps a failing receiver to itself, and lists what is stuck', async () => {
      await store.commitTransition('m-1', transition({ outbox: [event('e1')] }));
      const [a, b] = await claim('w1', ['r-a', 'r-b']);
      expect([a?.receiverId, b?.receiverId]).toEqual(['r-a', 'r-b']);
      await store.markDeliveryFailed({
        eventId: 'e1',
        receiverId: 'r-a',
        worker: 'w1',
        error: 'HTTP 500',
        retryInMs: 300_000,
      });
      await store.markDelivered('e1', 'r-b', 'w1');
      const failed = await store.deliveries({ failed: true });
      expect(failed.map((d) => [d.receiverId, d.attempts, d.lastError, d.nextAttemptAt])).toEqual([
        ['r-a', 1, 'HTTP 500', at(5)],
      ]);
      const sent = (await store.deliveries()).find((d) => d.receiverId === 'r-b');
      expect(sent).toMatchObject({ attempts: 1, sentAt: at(0), claimedBy: null });
    });
  });
}
