// An interrupted drive (Ctrl-C, `watch` stopping) must not leave an effect of its own running after it has
// returned and released the lease: the next runner's reconcile lookup would miss an object that is still
// being created and create a second one. One runner per migration means one runner's effects too.
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { deliverAudiences, resolveTicket, rig, samplePlan, settle } from './helpers.js';
import { stateName } from '../../src/core/machine-logic.js';

const plan = samplePlan();

describe('interrupted drive', () => {
  // Fixed: Engine.run awaits the in-flight effects (EffectDeps.inFlight) before it releases the lease.
  it('does not return (or release the lease) while one of its effects is still creating', async () => {
    const r = rig();
    const world = r.services.world;
    const platform = r.services.platform;
    const create = platform.createBaseConnection.bind(platform);
    // A remote that takes a little while to answer, as every real one does.
    platform.createBaseConnection = async (input) => {
      await settle(30);
      return create(input);
    };
    const id = await r.engine.create(plan, 'admin@example.com', 'm-interrupt');
    deliverAudiences(world, plan.audiences);
    const ac = new AbortController();
    const first = await r.engine.drive(id, {
      mode: 'until-done',
      signal: ac.signal,
      onSnapshot: (s) => stateName(s) === 'staging.base' && ac.abort(),
    });
    expect(first.status).toBe('interrupted');
    expect(await r.store.currentLease(id)).toBeNull();

    // The next runner starts at once (same process, as `watch` or a retry loop would).
    const store = openStore(r.dbFile);
    const r2 = rig({ dbFile: r.dbFile, store, services: r.services, clock: r.clock, holder: 'support@test-host:2' });
    const done = await r2.engine.drive(id, {
      mode: 'until-done',
      onSnapshot: (s) => stateName(s) === 'awaiting_resolution.sleeping' && resolveTicket(world),
    });
    await settle(50);
    expect(done.status).toBe('completed');
    expect(world.connections.filter((c) => c.kind === 'base' && c.specId === 'eca-spec')).toHaveLength(1);
    expect(world.creates.base).toBe(1);
  });
});
