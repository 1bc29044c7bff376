// The engine's rehearsal (the dry run behind `cutover plan`): the real machine and effects against stand-in
// services, in a scratch store. On the fakes, which count what was created, it takes the machine's own path and
// reports each step as the machine enters it; a named path (or the caller's own) decides the events it sends.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/adapters/memory/store.js';
import { REHEARSAL_PATHS, rehearse, type RehearsalDeps } from '../../src/engine/index.js';
import { gatherFacts } from '../../src/engine/preflight.js';
import { DEFAULT_SETTINGS } from '../../src/engine/types.js';
import { FakeClock } from '../support/fakes/clock.js';
import { fakeServices } from '../support/fakes/services.js';
import { samplePlan, T0, vendorError } from './helpers.js';

function deps(): RehearsalDeps & { services: ReturnType<typeof fakeServices> } {
  const clock = new FakeClock(T0, true);
  const services = fakeServices();
  services.world.now = () => clock.now();
  return { store: new MemoryStore(() => clock.now()), services, clock, settings: DEFAULT_SETTINGS, env: {} };
}

async function factsFor(d: RehearsalDeps, plan = samplePlan()) {
  return gatherFacts({ ...d, flushed: async () => {} }, plan, 'cutover-m-rehearsal');
}

describe('rehearse', () => {
  it('runs the start path to completion, one step at a time in the machine order', async () => {
    const d = deps();
    const plan = samplePlan();
    const entered: string[] = [];
    const run = await rehearse(d, plan, {
      migrationId: 'm-rehearsal',
      facts: await factsFor(d, plan),
      onStep: (step) => entered.push(step),
    });
    expect(run).toEqual({
      steps: [
        'draft',
        'preflight',
        'staging',
        'filing',
        'awaiting_resolution',
        'cutting_over',
        'verifying',
        'handoff',
        'completed',
      ],
      state: 'completed',
    });
    expect(entered).toEqual(run.steps);
    // Every effect ran once against the stand-ins (here the fakes): the same writes `start` makes.
    expect(d.services.world.creates).toEqual({
      base: 1,
      profile_base: 1,
      source: 1,
      target: 1,
      ticket: 1,
      flow: 1,
      comment: 1,
    });
    const effects = await d.store.effects('m-rehearsal');
    expect(effects.map((e) => e.step)).toContain('flow');
  });

  it('confirms manual solutions when verification asks for them', async () => {
    const d = deps();
    const plan = samplePlan({ solutions: ['audience_manager', 'target'] });
    const run = await rehearse(d, plan, { migrationId: 'm-rehearsal', facts: await factsFor(d, plan) });
    expect(run.state).toBe('completed');
  });

  it('ends where a failed write leaves the machine, naming the error', async () => {
    const d = deps();
    d.services.world.faults.failNext('create:base', vendorError(false), 5);
    const run = await rehearse(d, samplePlan(), { migrationId: 'm-rehearsal', facts: await factsFor(d) });
    expect(run.steps.at(-1)).toMatch(/^(retrying|needs_attention)$/);
    expect(run.error).toBeTruthy();
    expect(d.services.world.creates.flow).toBeUndefined();
  });

  it('takes a path of the caller: here one that never starts', async () => {
    const d = deps();
    const run = await rehearse(d, samplePlan(), {
      migrationId: 'm-rehearsal',
      facts: await factsFor(d),
      path: () => null,
    });
    expect(run).toEqual({ steps: ['draft'], state: 'draft' });
    expect(d.services.world.creates).toEqual({});
    expect(Object.keys(REHEARSAL_PATHS)).toContain('start');
    await expect(
      rehearse(d, samplePlan(), { migrationId: 'm-2', facts: await factsFor(d), path: 'x' }),
    ).rejects.toThrow(/no rehearsal path named x/);
  });
});
