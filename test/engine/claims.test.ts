// Drives under a claimed lease (engine/claims.ts): a worker's claim takes the lease and the drive runs under it
// without acquiring another, with the same fencing; a claimed lease that moved before the drive began refuses
// the drive's first write (LEASE_LOST) and nothing is written; a lease held by a dead process on this host is
// claimed at once, with its TAKEOVER row, so a restarted one-host watch does not wait for the lease to expire.
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { fleetClaims } from '../../src/engine/claims.js';
import { FencedError } from '../../src/errors.js';
import type { MigrationStore } from '../../src/ports.js';
import { rig, samplePlan } from './helpers.js';

/** The store, counting the leases drives acquire themselves. */
function counting(store: MigrationStore) {
  const calls = { acquire: 0 };
  const view = new Proxy(store, {
    get(target, key) {
      if (key === 'acquireLease') calls.acquire++;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { view, calls };
}

describe('drives under claimed leases', () => {
  it('drives a claimed migration under the claimed lease, without acquiring one, and releases it', async () => {
    const first = rig();
    const { view, calls } = counting(first.store);
    const r = rig({ dbFile: first.dbFile, store: view, services: first.services, clock: first.clock });
    const id = await r.engine.create(samplePlan(), 'ana', 'm-claimed');
    const claims = fleetClaims({ store: view, clock: r.clock, holder: 'w1@host-w1:1', ttlMs: 60_000 });
    const taken = await claims.take([{ id }]);
    const lease = taken.get(id)!;
    expect((await r.store.currentLease(id))?.nonce).toBe(lease.nonce);
    const result = await r.engine.drive(id, { mode: 'until-waiting', lease });
    expect(result.status).toBe('waiting');
    expect(calls.acquire).toBe(0);
    expect(await r.store.currentLease(id)).toBeNull();
    // Claimed again, it is refused to a second worker while the first holds it.
    const again = await claims.take([{ id }]);
    expect([...again.keys()]).toEqual([id]);
    const other = fleetClaims({ store: view, clock: r.clock, holder: 'w2@host-w2:2', ttlMs: 60_000 });
    expect((await other.take([{ id }])).size).toBe(0);
  });

  it('refuses the first write with LEASE_LOST when the claimed lease moved before the drive began', async () => {
    const r = rig();
    const id = await r.engine.create(samplePlan(), 'ana', 'm-moved');
    const claims = fleetClaims({ store: r.store, clock: r.clock, holder: 'w1@host-w1:1', ttlMs: 60_000 });
    const lease = (await claims.take([{ id }])).get(id)!;
    const row = { kind: 'operator' as const, at: new Date(r.clock.now()).toISOString(), name: 'TAKEOVER' };
    const thief = { migrationId: id, nonce: 'feedfacecafe', holder: 'bo@host-b:2', ttlMs: 60_000 };
    expect(await r.store.takeOverLease(id, lease.nonce, thief, [row])).toBe(true);
    const before = await r.store.journal(id);
    const err = await r.engine.drive(id, { mode: 'until-waiting', lease }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FencedError);
    expect((err as FencedError).code).toBe('LEASE_LOST');
    expect(await r.store.journal(id)).toEqual(before);
    expect((await r.store.get(id))?.state).toBe('draft');
    expect((await r.store.currentLease(id))?.nonce).toBe('feedfacecafe');
  });

  it('claims at once a lease whose holder on this host is dead, with its TAKEOVER row; a live one stays', async () => {
    const r = rig({ isProcessAlive: (pid) => pid !== 4242 });
    const dead = await r.engine.create(samplePlan(), 'ana', 'm-dead');
    const live = await r.engine.create(samplePlan(), 'ana', 'm-live');
    const hold = (id: string, pid: number) =>
      r.store.acquireLease({
        migrationId: id,
        nonce: `n-${pid}`,
        holder: `ana@${hostname()}:${pid}`,
        ttlMs: 3_600_000,
      });
    await hold(dead, 4242);
    await hold(live, 4343);
    const claims = fleetClaims({
      store: r.store,
      clock: r.clock,
      holder: 'w1@host-w1:1',
      ttlMs: 60_000,
      isProcessAlive: (pid) => pid !== 4242,
    });
    const taken = await claims.take([{ id: live }, { id: dead }]);
    expect([...taken.keys()]).toEqual([dead]);
    expect((await r.store.currentLease(dead))?.nonce).toBe(taken.get(dead)!.nonce);
    expect((await r.store.journal(dead)).map((j) => j.name)).toContain('TAKEOVER');
    expect((await r.store.currentLease(live))?.nonce).toBe('n-4343');
  });
});
