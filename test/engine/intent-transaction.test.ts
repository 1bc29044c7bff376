// The cut-over's critical path pays for one fsync, not two: an effect that starts as its state is entered has
// its intent written in the same transaction as that transition, so the intent is never on disk without its
// state, nor the other way round.
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/adapters/sqlite/store.js';
import type { EffectIntent, MigrationStore, Transition } from '../../src/ports.js';
import { deliverAudiences, resolveTicket, rig, samplePlan, tempDb } from './helpers.js';

/** Records how each intent reached the store: inside a transition's transaction, or on its own. */
function watchedStore(file: string) {
  const store = openStore(file);
  const withTransition: { state: string; intent: EffectIntent }[] = [];
  const alone: EffectIntent[] = [];
  const watched = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'commitTransition') {
        return (id: string, t: Transition) => {
          for (const intent of t.intents ?? []) withTransition.push({ state: t.state, intent });
          return target.commitTransition(id, t);
        };
      }
      if (prop === 'recordIntent')
        return (intent: EffectIntent) => {
          alone.push(intent);
          return target.recordIntent(intent);
        };
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as MigrationStore;
  return { store: watched, withTransition, alone };
}

describe('effect intents', () => {
  it('are written in the transaction of the transition into the state they run in', async () => {
    const file = tempDb();
    const { store, withTransition, alone } = watchedStore(file);
    const r = rig({ dbFile: file, store });
    const plan = samplePlan();
    const id = await r.engine.create(plan, 'tester');
    await r.engine.drive(id, { mode: 'until-waiting' });
    resolveTicket(r.services.world);
    deliverAudiences(r.services.world, plan.audiences);
    const result = await r.engine.drive(id, { mode: 'until-done' });
    expect(result.status).toBe('completed');
    const ridden = Object.fromEntries(withTransition.map((w) => [w.intent.step, w.state]));
    expect(ridden.flow).toBe('cutting_over.creating');
    expect(ridden.ticket).toBe('filing');
    expect(ridden.base_connection).toBe('staging.base');
    // Only the Profile Store's base connection shares its state with another effect, so it comes on its own.
    expect(alone.map((i) => i.step)).toEqual(['source_connection']);
    const effects = await openStore(file).effects(id);
    expect(effects.every((e) => e.attempts === 1 && e.outcomeAt !== null)).toBe(true);
  });
});
