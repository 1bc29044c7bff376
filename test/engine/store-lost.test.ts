// A drive whose write is lost with the store's server (STORE_UNREACHABLE: the team store's connection cut
// mid-statement, so the write may or may not have committed) writes nothing more: it ends with that error, and
// the failure is not recorded as the migration's own (no needs_attention, no error row, once the server is back).
// The next drive carries on from what was committed and completes, each effect made once.
import { describe, expect, it } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import { openStore } from '../../src/adapters/sqlite/store.js';
import type { migrationMachine } from '../../src/core/machine.js';
import { stateName } from '../../src/core/machine-logic.js';
import { StoreError } from '../../src/errors.js';
import type { MigrationStore } from '../../src/ports.js';
import { deliverAudiences, resolveTicket, rig, samplePlan } from './helpers.js';

type Snapshot = SnapshotFrom<typeof migrationMachine>;
const plan = samplePlan();

/** The store, except that the first outcome recorded for `step` is written and then reported lost. */
function losingOutcome(inner: MigrationStore, step: string): { store: MigrationStore; lost: () => boolean } {
  let lost = false;
  const store = new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== 'function') return value;
      const call = (value as (...a: unknown[]) => Promise<unknown>).bind(target);
      if (prop !== 'recordOutcome') return call;
      return async (...args: unknown[]) => {
        const result = await call(...args);
        if (!lost && (args[0] as { key: string }).key.endsWith(`:${step}`)) {
          lost = true;
          throw new StoreError(
            'cannot reach the store postgres://u:****@db/x (Connection terminated)',
            'STORE_UNREACHABLE',
          );
        }
        return result;
      };
    },
  });
  return { store, lost: () => lost };
}

describe('a drive whose write was lost with the server', () => {
  it('ends with the store error and writes nothing more; the next drive completes', async () => {
    const a = rig();
    const id = await a.engine.create(plan, 'admin', 'm-lost');
    deliverAudiences(a.services.world, plan.audiences);
    const losing = losingOutcome(openStore(a.dbFile), 'ticket');
    const { dbFile, services, clock } = a;
    const b = rig({ dbFile, store: losing.store, services, clock });
    const untilDone = {
      mode: 'until-done' as const,
      onSnapshot: (s: Snapshot) => stateName(s) === 'awaiting_resolution.sleeping' && resolveTicket(services.world),
    };

    await expect(b.engine.drive(id, untilDone)).rejects.toMatchObject({ code: 'STORE_UNREACHABLE' });
    expect(losing.lost()).toBe(true);
    const record = await a.store.get(id);
    expect(record?.status).not.toBe('needs_attention');
    expect(record?.lastError).toBeNull();
    expect((await a.store.journal(id)).filter((j) => j.name === 'error')).toEqual([]);
    expect(await a.store.currentLease(id)).toBeNull();

    expect(await a.engine.drive(id, untilDone)).toMatchObject({ status: 'completed' });
    expect(services.world.tickets).toHaveLength(1);
  });
});
