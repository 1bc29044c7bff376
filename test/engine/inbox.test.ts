// The runner's side of the operator inbox, in one process over a real SQLite file with a manual clock: while a
// drive holds the lease it takes the events posted for it, applies those its state takes, refuses the others,
// and settles each once, with the transition it caused.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../support/fakes/clock.js';
import type { MigrationStore } from '../../src/ports.js';
import { deliverAudiences, resolveTicket, rig, samplePlan, T0 } from './helpers.js';

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
const operator = { by: 'bo@desk', reason: 'checked by hand', at: iso(T0) };

function post(store: MigrationStore, id: string, event: object, expiresAt = iso(T0 + 60_000)): Promise<number> {
  return store.postOperatorEvent({ migrationId: id, event, postedAt: iso(T0), postedBy: 'bo@desk', expiresAt });
}

async function settled(store: MigrationStore, id: string, seq: number) {
  await until(`event ${seq} is settled`, async () => (await store.operatorEvent(id, seq))?.settledAt != null);
  return (await store.operatorEvent(id, seq))!;
}

describe('engine: the operator inbox while a drive holds the lease', () => {
  it('refuses what the state does not take, applies what it does, once, and the drive goes on to the end', async () => {
    const r = rig({ clock: new FakeClock(T0) });
    const plan = samplePlan({ solutions: ['audience_manager', 'target'] });
    const id = await r.engine.create(plan, 'admin@laptop');
    await r.engine.drive(id, { mode: 'until-waiting' });
    resolveTicket(r.services.world);
    deliverAudiences(r.services.world, plan.audiences);
    const driving = r.engine.drive(id, { mode: 'until-done' });
    await until('verification waits for Target', async () => (await r.store.get(id))?.state === 'verifying.sleeping');

    const expired = await post(r.store, id, { type: 'CONFIRM', solution: 'target', ...operator }, iso(T0));
    const skip = await post(r.store, id, { type: 'SKIP', check: 'verification', ...operator });
    const unsigned = await post(r.store, id, { type: 'CONFIRM', solution: 'target' });
    expect((await settled(r.store, id, skip)).outcome).toEqual({
      status: 'refused',
      state: 'verifying.sleeping',
      migrationStatus: 'waiting',
      by: 'tester@test-host:1',
    });
    expect((await settled(r.store, id, unsigned)).outcome).toMatchObject({ status: 'refused' });
    expect((await r.store.get(id))?.state).toBe('verifying.sleeping');

    const confirm = await post(r.store, id, { type: 'CONFIRM', solution: 'target', ...operator });
    expect((await settled(r.store, id, confirm)).outcome).toEqual({
      status: 'accepted',
      state: 'handoff',
      migrationStatus: 'active',
      by: 'tester@test-host:1',
    });
    expect((await driving).status).toBe('completed');
    const journal = await r.store.journal(id);
    expect(journal.filter((row) => row.kind === 'operator' && row.name !== 'CREATE')).toEqual([
      expect.objectContaining({ name: 'CONFIRM', actor: 'bo@desk', reason: 'checked by hand' }),
    ]);
    expect(await r.store.operatorEvent(id, expired)).toMatchObject({ claimedAt: null, settledAt: null });
  }, 30_000);
});
