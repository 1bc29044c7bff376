// The engine's operator-event check: front ends ask it whether a stored migration's state takes an event before
// they drive with it (the machine silently ignores one it does not), with no xstate of their own.
import { describe, expect, it } from 'vitest';
import { checkOperatorEvent, storedContext } from '../../src/engine/index.js';
import { rig, samplePlan } from './helpers.js';

const by = { by: 'ops', reason: 'test', at: '2026-01-05T09:00:00.000Z' };

describe('checkOperatorEvent', () => {
  it('takes what the stored state accepts and refuses the rest, starting nothing', async () => {
    const r = rig();
    const id = await r.engine.create(samplePlan(), 'tester');
    const draft = (await r.store.get(id))!;
    expect(checkOperatorEvent(draft, { type: 'CANCEL', ...by })).toBe(true);
    expect(checkOperatorEvent(draft, { type: 'RETRY', ...by })).toBe(false);
    expect(storedContext(draft).migrationId).toBe(id);

    await r.engine.drive(id, { mode: 'until-waiting' });
    const waiting = (await r.store.get(id))!;
    expect(waiting.state).toBe('awaiting_resolution.sleeping');
    expect(checkOperatorEvent(waiting, { type: 'SKIP', check: 'x', ...by })).toBe(false);
    expect(storedContext(waiting).ticket?.key).toBe(waiting.ticketKey);
    expect(r.services.world.creates.flow).toBeUndefined();
  });
});
