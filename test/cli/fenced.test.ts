// A runner whose lease is taken over while its remote call is in flight: its next write is refused by the
// store, it stops at once, and the command exits 5 naming the new holder. The call is held open by the fake
// Jira until the takeover has happened, so the order is fixed without any sleep.
import { describe, expect, it, vi } from 'vitest';
import type { NewTicket, TicketRef } from '../../src/ports.js';
import { cli, rig, samplePlan } from './helpers.js';

vi.mock('../../src/adapters/services.js', () => import('./fake-services.js'));

describe('cutover resume, fenced off mid-drive', () => {
  it('exits 5 naming the new holder, and writes nothing after the takeover', async () => {
    const r = rig();
    const id = await r.engine().create(samplePlan(), 'admin@laptop');
    let calling = () => {};
    let answer = () => {};
    const called = new Promise<void>((resolve) => (calling = resolve));
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const tracker = r.services.tracker;
    const create = tracker.create.bind(tracker);
    tracker.create = async (ticket: NewTicket): Promise<TicketRef> => {
      calling();
      await answered;
      return create(ticket);
    };

    const run = cli(r, ['resume', id]);
    await called;
    const held = (await r.store.currentLease(id))!;
    const bo = { migrationId: id, nonce: 'b0b000000001', holder: 'bo@host-b:2', ttlMs: 60_000 };
    const row = { kind: 'operator' as const, at: new Date(r.clock.now()).toISOString(), name: 'UNLOCK', actor: 'bo' };
    expect(await r.store.takeOverLease(id, held.nonce, bo, [row])).toBe(true);
    const journal = await r.store.journal(id);
    const effects = await r.store.effects(id);
    answer();

    const result = await run;
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr).toContain(`migration ${id} was taken over by bo@host-b:2 (lock id b0b000000001)`);
    expect(await r.store.journal(id)).toEqual(journal);
    expect(await r.store.effects(id)).toEqual(effects);
    expect((await r.store.effects(id)).find((e) => e.step === 'ticket')).toMatchObject({ status: null });
    expect(await r.store.currentLease(id)).toMatchObject({ nonce: bo.nonce });
  });
});
