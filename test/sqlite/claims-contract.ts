// The fleet listing and the lease claims every MigrationStore must offer the watch scheduler (engine/claims.ts),
// run against all three stores from store-contract.ts: due times stored with each transition, a listing
// without snapshots, and claims that grant only free or expired leases, in the order asked, up to the limit.
import { beforeEach, describe, expect, it } from 'vitest';
import type { MigrationStore } from '../../src/ports.js';
import { at, lease, newMigration, T0, transition } from './helpers.js';

type Current = () => { store: MigrationStore; clock: { now: () => number; set: (minutes: number) => void } };

const sleeping = (minutes: number) =>
  transition({
    state: 'awaiting_resolution.sleeping',
    status: 'waiting',
    snapshot: { value: 'x', context: { waitUntil: Date.parse(at(minutes)) } },
  });

export function claimsContract(current: Current): void {
  describe('the fleet of watch', () => fleetCases(current));
}

function fleetCases(current: Current): void {
  let store: MigrationStore;
  let clock: ReturnType<Current>['clock'];
  const ids = ['m-1', 'm-2', 'm-3', 'm-4'];
  beforeEach(async () => {
    ({ store, clock } = current());
    for (const id of ids) await store.create(newMigration(id));
  });

  describe('fleet listing', () => {
    it('lists the watched migrations with their stored due time, and plans only for ids not known', async () => {
      await store.commitTransition('m-1', sleeping(30));
      await store.commitTransition('m-2', transition({ state: 'retrying', snapshot: { context: {} } }));
      await store.commitTransition('m-3', transition({ state: 'completed', status: 'completed' }));
      await store.create(newMigration('m-9', { orgId: 'ORG9@AdobeOrg' }));
      const listed = await store.fleet({ orgId: 'ORG1@AdobeOrg' }, new Set(['m-4']));
      const byId = new Map(listed.map((m) => [m.id, m]));
      expect([...byId.keys()].sort()).toEqual(['m-1', 'm-2', 'm-4']);
      expect(byId.get('m-1')).toEqual({
        id: 'm-1',
        orgId: 'ORG1@AdobeOrg',
        state: 'awaiting_resolution.sleeping',
        status: 'waiting',
        ticketKey: 'MIG-1',
        dueAt: at(30),
        plan: { orgId: 'ORG1@AdobeOrg', audiences: ['seg-1'], nested: { list: [1, 2] } },
      });
      // Retrying without a deadline, and a draft: due at once.
      expect(byId.get('m-2')).toMatchObject({ dueAt: null, state: 'retrying' });
      expect(byId.get('m-4')).toMatchObject({ dueAt: null, state: 'planned' });
      expect(byId.get('m-4')).not.toHaveProperty('plan');
      expect((await store.fleet()).map((m) => m.id).sort()).toEqual(['m-1', 'm-2', 'm-4', 'm-9']);
    });

    it('clears the due time once the migration wakes, and keeps it through an import', async () => {
      await store.commitTransition('m-1', sleeping(30));
      await store.commitTransition('m-1', transition({ state: 'awaiting_resolution.checking', at: at(31) }));
      expect((await store.fleet()).find((m) => m.id === 'm-1')?.dueAt).toBeNull();
      await store.commitTransition('m-2', sleeping(45));
      const record = (await store.get('m-2'))!;
      await store.importMigration({ record: { ...record, id: 'm-copy' }, journal: [], effects: [] });
      expect((await store.fleet()).find((m) => m.id === 'm-copy')?.dueAt).toBe(at(45));
    });
  });

  describe('lease claims', () => {
    const ask = (nonce: string, which = ids, minutes = 5) =>
      which.map((id) => lease(id, `${nonce}-${id}`, minutes, `${nonce}@host-${nonce}:1`));

    it('grants free leases in the order asked, at most the limit, stamped by the store clock', async () => {
      const granted = await store.claimLeases(ask('a', ['m-3', 'm-1', 'm-4', 'm-2']), 3);
      expect(granted.map((l) => l.migrationId)).toEqual(['m-3', 'm-1', 'm-4']);
      expect(granted[0]).toEqual({
        migrationId: 'm-3',
        nonce: 'a-m-3',
        holder: 'a@host-a:1',
        acquiredAt: T0,
        heartbeatAt: T0,
        expiresAt: at(5),
      });
      expect(await store.currentLease('m-2')).toBeNull();
      expect(await store.currentLease('m-4')).toMatchObject({ nonce: 'a-m-4' });
    });

    it('never grants a live lease to a second holder, and grants it once expired by the store clock', async () => {
      await store.acquireLease(lease('m-2', 'held', 10, 'bo@host-b:2'));
      expect((await store.claimLeases(ask('a', ['m-1', 'm-2']), 10)).map((l) => l.migrationId)).toEqual(['m-1']);
      clock.set(4);
      expect(await store.claimLeases(ask('c'), 10)).toEqual([
        expect.objectContaining({ migrationId: 'm-3', nonce: 'c-m-3' }),
        expect.objectContaining({ migrationId: 'm-4', nonce: 'c-m-4' }),
      ]);
      expect(await store.currentLease('m-1')).toMatchObject({ nonce: 'a-m-1' });
      clock.set(5);
      const late = await store.claimLeases(ask('d'), 10);
      expect(late.map((l) => l.migrationId)).toEqual(['m-1']);
      expect(late[0]).toMatchObject({ acquiredAt: at(5), expiresAt: at(10) });
      expect(await store.heartbeat('m-1', 'a-m-1', 60_000)).toBe(false);
      clock.set(10);
      expect((await store.claimLeases(ask('e', ['m-2']), 10)).map((l) => l.nonce)).toEqual(['e-m-2']);
    });

    it('refuses a claim picked from a stale listing: the stored due time moved later since', async () => {
      await store.commitTransition('m-1', sleeping(30)); // another worker drove m-1: due at 30 now
      const claim = async (id: string, seenDueAt?: string | null) => {
        const request = { ...lease(id, `n-${id}-${String(seenDueAt)}`, 5, 'a@host-a:1'), seenDueAt };
        if (seenDueAt === undefined) delete request.seenDueAt;
        const granted = await store.claimLeases([request], 1);
        for (const l of granted) await store.releaseLease(l.migrationId, l.nonce);
        return granted.length === 1;
      };
      expect(await claim('m-1', null)).toBe(false); // seen due at once, before that drive
      expect(await claim('m-1', at(10))).toBe(false); // seen due earlier
      expect(await claim('m-1', at(30))).toBe(true); // seen as it is
      expect(await claim('m-1', at(45))).toBe(true); // seen due later: it is at least as due as that
      expect(await claim('m-1')).toBe(true); // a wake: due whatever the stored time
      expect(await claim('m-2', at(10))).toBe(true); // stored due at once
    });

    it('skips migrations no longer watched and unknown ids; a limit of 0 grants nothing', async () => {
      await store.commitTransition('m-1', transition({ state: 'completed', status: 'completed' }));
      await store.commitTransition('m-2', transition({ state: 'x', status: 'needs_attention' }));
      expect(await store.claimLeases(ask('a'), 0)).toEqual([]);
      const granted = await store.claimLeases([...ask('a', ['m-1', 'm-2', 'm-3']), lease('m-nope', 'z', 5)], 10);
      expect(granted.map((l) => l.migrationId)).toEqual(['m-3']);
      expect(await store.currentLease('m-1')).toBeNull();
    });
  });
}
