// The lease rules every MigrationStore must keep, run against both stores from store-contract.ts: a write made
// under a fence is refused, with nothing written, once the migration's lease is not that fence's.
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../support/fakes/clock.js';
import { acquire } from '../../src/engine/lease.js';
import { FencedError } from '../../src/errors.js';
import type { MigrationStore } from '../../src/ports.js';
import { at, lease, newMigration, transition } from './helpers.js';

type Current = () => { store: MigrationStore; clock: { now: () => number; set: (minutes: number) => void } };

export function leaseContract(current: Current): void {
  describe('fenced writes', () => {
    let store: MigrationStore;
    let clock: ReturnType<Current>['clock'];
    const mine = { nonce: 'n1' };
    const stale = { nonce: 'n0' };
    const intent = { migrationId: 'm-1', key: 'm-1:flow', step: 'flow', fingerprint: 'f1', at: at(1) };
    const entry = { kind: 'event' as const, at: at(1), name: 'TICK' };
    beforeEach(async () => {
      ({ store, clock } = current());
      await store.create(newMigration('m-1'));
      await store.acquireLease(lease('m-1', 'n1', 60, 'ana@host-a:1'));
    });

    /** Everything a fenced write could have changed. */
    const written = async () => ({
      record: await store.get('m-1'),
      journal: await store.journal('m-1'),
      effects: await store.effects('m-1'),
      inbox: await store.operatorEvent('m-1', 1),
    });

    it('lets the holder write under its fence', async () => {
      await store.commitTransition('m-1', transition({ at: at(2), intents: [intent] }), mine);
      await store.appendJournal('m-1', [entry], mine);
      await store.recordIntent(intent, mine);
      await store.recordOutcome({ key: intent.key, status: 'created', remoteId: 'flow-1', at: at(3) }, mine);
      expect((await store.effects('m-1'))[0]).toMatchObject({ attempts: 2, status: 'created' });
    });

    it('refuses every runner write under a stale fence, naming the holder, and writes nothing', async () => {
      await store.recordIntent(intent, mine);
      const event = { type: 'RETRY' };
      const posted = { migrationId: 'm-1', event, postedAt: at(1), postedBy: 'bo', expiresAt: at(9) };
      const seq = await store.postOperatorEvent(posted);
      const before = await written();
      // One at a time: a store that answers over a connection would otherwise reject before anyone listens.
      const refusals = [
        () => store.commitTransition('m-1', transition({ at: at(2), intents: [intent], settles: [] }), stale),
        () => store.appendJournal('m-1', [entry], stale),
        () => store.recordIntent(intent, stale),
        () => store.recordOutcome({ key: intent.key, status: 'created', remoteId: 'flow-1', at: at(3) }, stale),
        () => store.claimOperatorEvent('m-1', seq, 'cy@host-c:3', at(2), stale),
        () => store.settleOperatorEvent('m-1', { seq, at: at(2), outcome: { status: 'withdrawn', why: 'x' } }, stale),
      ];
      for (const refusal of refusals) {
        const err = await refusal().then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(FencedError);
        expect(err).toMatchObject({ code: 'LEASE_LOST', exitCode: 5, heldBy: { holder: 'ana@host-a:1', nonce: 'n1' } });
      }
      expect(await written()).toEqual(before);
    });

    it('refuses a fenced write once the lease was taken over or released', async () => {
      expect(await store.takeOverLease('m-1', 'n1', lease('m-1', 'n2', 60, 'bo@host-b:2'), [])).toBe(true);
      const takenOver = store.appendJournal('m-1', [entry], mine);
      await expect(takenOver).rejects.toMatchObject({ heldBy: { holder: 'bo@host-b:2' } });
      await store.releaseLease('m-1', 'n2');
      const released = store.appendJournal('m-1', [entry], mine);
      await expect(released).rejects.toMatchObject({ code: 'LEASE_LOST', heldBy: null });
      expect((await store.journal('m-1')).map((j) => j.name)).toEqual(['start']);
    });

    it("refuses a fenced write once the lease expired by the store's clock, whatever the runner's time", async () => {
      clock.set(60);
      const late = store.appendJournal('m-1', [{ ...entry, at: at(1) }], mine);
      await expect(late).rejects.toMatchObject({ code: 'LEASE_LOST' });
      expect((await store.journal('m-1')).map((j) => j.name)).toEqual(['start']);
    });
  });

  describe("lease expiry by the store's clock", () => {
    it('does not let a runner whose clock runs 10 minutes ahead take over a live lease', async () => {
      const { store, clock } = current();
      await store.create(newMigration('m-1'));
      const base = { store, ttlMs: 60_000, isProcessAlive: () => true };
      const onTime = new FakeClock(clock.now());
      await acquire({ ...base, clock: onTime, holder: 'ana@host-a:1' }, 'm-1');
      clock.set(0.5);
      const ahead = new FakeClock(clock.now() + 10 * 60_000);
      const stealing = acquire({ ...base, clock: ahead, holder: 'bo@host-b:2' }, 'm-1');
      const err = await stealing.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'LOCKED', exitCode: 5 });
      expect((err as Error).message).toContain('ana@host-a:1');
      expect(await store.currentLease('m-1')).toMatchObject({ holder: 'ana@host-a:1', expiresAt: at(1) });
    });
  });
}
