// Issue #4: the full migration through the real clients over HTTP, with a fifth of all calls failing.
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.js';
import { emulatorPlan, emulatorRig, resolveWhenFiled, type EmulatorRig } from './helpers.js';

let rig: EmulatorRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

function counts(r: EmulatorRig) {
  const w = r.emulator.world(DEMO_CREDENTIALS.orgId);
  return {
    tickets: w.tickets.length,
    base: w.connections.base.length,
    source: w.connections.source.length,
    target: w.connections.target.length,
    flows: w.flows.length,
    violations: w.violations,
  };
}

describe('full migration against the emulator', () => {
  it('completes with exactly one of everything when 20%+ of calls fail with 429, 503 and resets', async () => {
    rig = await emulatorRig({ seed: 7 });
    const all = '^/(data|v1|rest|ims)/';
    rig.emulator.control.addFault({ kind: '429', path: all, rate: 0.08, retryAfterSec: 1 });
    rig.emulator.control.addFault({ kind: '503', path: all, rate: 0.08 });
    rig.emulator.control.addFault({ kind: 'reset', path: all, rate: 0.08 });
    const stop = resolveWhenFiled(rig.emulator, 500);
    const id = await rig.engine.create(emulatorPlan(rig.emulator), 'tester');
    const result = await rig.engine.drive(id, { mode: 'until-done' });
    stop();

    expect(result.status).toBe('completed');
    // Two base connections: the destination's and the Profile Store's.
    expect(counts(rig)).toEqual({ tickets: 1, base: 2, source: 1, target: 1, flows: 1, violations: [] });
    const w = rig.emulator.world(DEMO_CREDENTIALS.orgId);
    const requests = Object.values(w.globalCounters.requests).reduce((a, b) => a + b, 0);
    const faults = Object.values(w.globalCounters.faults).reduce((a, b) => a + b, 0);
    expect(faults / requests).toBeGreaterThanOrEqual(0.2);
    // The marks are the emulator's own truth: resolutiondate and the flow's createdAt.
    const ticket = w.tickets[0]!;
    expect(Date.parse(result.context.marks.legacy_stopped!.at)).toBe(
      Date.parse(ticket.resolutiondate!.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')),
    );
    expect(Date.parse(result.context.marks.connection_established!.at)).toBe(w.flows[0]!.createdAt);
  }, 90_000);

  it('completes cleanly with no faults', async () => {
    rig = await emulatorRig();
    const stop = resolveWhenFiled(rig.emulator, 200);
    const id = await rig.engine.create(emulatorPlan(rig.emulator), 'tester');
    const result = await rig.engine.drive(id, { mode: 'until-done' });
    stop();
    expect(result.status).toBe('completed');
    expect(counts(rig)).toEqual({ tickets: 1, base: 2, source: 1, target: 1, flows: 1, violations: [] });
  }, 30_000);
});
