// One runner per migration (DESIGN §5): a second runner is refused with who holds the lease and its lock id;
// an expired lease, or one whose holder on this host is known dead, is taken over; a takeover needs the
// current lock id.
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../support/fakes/clock.js';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { LockedError } from '../../src/errors.js';
import type { LeaseRequest } from '../../src/ports.js';
import { rig, samplePlan, settle, T0, tempDb } from './helpers.js';

const plan = samplePlan();
const iso = (ms: number) => new Date(ms).toISOString();

/** Another runner's lease request, lasting `ttlMs` from the store's now. */
function foreignLease(id: string, holder: string, ttlMs: number, nonce = 'feedfacecafe'): LeaseRequest {
  return { migrationId: id, nonce, holder, ttlMs };
}

async function lockedError(p: Promise<unknown>): Promise<LockedError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LockedError);
  return err as LockedError;
}

describe('leases', () => {
  it('refuses a second runner while the first holds the lease, naming the holder and the lock id (exit 5)', async () => {
    const clock = new FakeClock(T0, false);
    const first = rig({ clock, holder: 'alice@host-a:101' });
    const id = await first.engine.create(plan, 'alice', 'm-lease-busy');
    const ac = new AbortController();
    const running = first.engine.drive(id, { mode: 'until-done', signal: ac.signal });
    await settle();
    const held = (await first.store.currentLease(id))!;
    expect(held.holder).toBe('alice@host-a:101');

    const second = rig({
      dbFile: first.dbFile,
      store: openStore(first.dbFile),
      services: first.services,
      clock,
      holder: 'bob@host-b:202',
    });
    const err = await lockedError(second.engine.drive(id, { mode: 'until-waiting' }));
    expect(err.exitCode).toBe(5);
    expect(err.message).toContain('alice@host-a:101');
    expect(err.message).toContain(held.nonce);
    expect(err.hint).toContain(`--lock-id ${held.nonce}`);
    expect((await second.store.currentLease(id))?.nonce).toBe(held.nonce);

    ac.abort();
    expect((await running).status).toBe('interrupted');
    expect(await first.store.currentLease(id)).toBeNull();
    // Released: the second runner may now drive.
    expect((await second.engine.drive(id, { mode: 'until-waiting' })).status).toBe('waiting');
  });

  it('takes over an expired lease once the clock passes its expiry, not before', async () => {
    // The store's clock judges expiry: it is the one that moves here, not the runner's.
    const clock = new FakeClock(T0, false);
    const storeClock = new FakeClock(T0, false);
    const dbFile = tempDb();
    const r = rig({
      clock,
      dbFile,
      store: openStore(dbFile, undefined, { now: () => storeClock.now() }),
      holder: 'bob@host-b:202',
    });
    const id = await r.engine.create(plan, 'bob', 'm-lease-expired');
    const gone = foreignLease(id, 'ghost@far-away-host:42', 5_000);
    expect(await r.store.acquireLease(gone)).toMatchObject({ ok: true, lease: { expiresAt: iso(T0 + 5_000) } });

    const err = await lockedError(r.engine.drive(id, { mode: 'until-waiting' }));
    expect(err.message).toContain('ghost@far-away-host:42');
    expect(err.message).toContain(gone.nonce);

    clock.set(T0 + 3_600_000);
    expect((await lockedError(r.engine.drive(id, { mode: 'until-waiting' }))).message).toContain(gone.nonce);
    storeClock.set(T0 + 5_000 + 1);
    const result = await r.engine.drive(id, { mode: 'until-waiting' });
    expect(result.status).toBe('waiting');
    expect(await r.store.currentLease(id)).toBeNull();
  });

  it('refuses a takeover with the wrong lock id, and allows it with the right one', async () => {
    const r = rig();
    const id = await r.engine.create(plan, 'bob', 'm-lease-takeover');
    const held = foreignLease(id, 'ghost@far-away-host:42', 60_000);
    await r.store.acquireLease(held);
    const mine = foreignLease(id, 'support@test-host:9', 60_000, 'c0ffee000001');
    expect(await r.store.takeOverLease(id, 'not-the-lock-id', mine, [])).toBe(false);
    expect(await r.store.currentLease(id)).toMatchObject({ nonce: held.nonce, holder: held.holder });
    expect(await r.store.takeOverLease(id, held.nonce, mine, [])).toBe(true);
    expect((await r.store.currentLease(id))?.holder).toBe('support@test-host:9');
  });

  it('takes over at once from a holder on this host whose process is gone, with a TAKEOVER journal row', async () => {
    const deadHolder = `user@${hostname()}:999999`;
    const r = rig({ holder: 'support@test-host:9', isProcessAlive: () => false });
    const id = await r.engine.create(plan, 'admin', 'm-lease-dead');
    const held = foreignLease(id, deadHolder, 3_600_000);
    await r.store.acquireLease(held);

    const result = await r.engine.drive(id, { mode: 'until-waiting' });
    expect(result.status).toBe('waiting');
    const takeover = (await r.store.journal(id)).filter((j) => j.name === 'TAKEOVER');
    expect(takeover).toHaveLength(1);
    expect(takeover[0]).toMatchObject({ kind: 'operator', actor: 'support@test-host:9', data: { lockId: held.nonce } });
    expect(takeover[0]!.reason).toContain(deadHolder);
  });

  it('does not take over from a live holder on this host', async () => {
    const liveHolder = `user@${hostname()}:999999`;
    const r = rig({ holder: 'support@test-host:9', isProcessAlive: () => true });
    const id = await r.engine.create(plan, 'admin', 'm-lease-alive');
    await r.store.acquireLease(foreignLease(id, liveHolder, 3_600_000));
    const err = await lockedError(r.engine.drive(id, { mode: 'until-waiting' }));
    expect(err.message).toContain(liveHolder);
    expect((await r.store.journal(id)).some((j) => j.name === 'TAKEOVER')).toBe(false);
  });
});
