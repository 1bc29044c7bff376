// Deadlines live in context (no XState `after` delays, which a restore loses): the next ticket poll, the retry
// backoff and the verification deadline are stored instants, re-armed by a fresh engine at exactly the
// stored instant. Driven with a manual clock, restored without the WAKE kick-off (which re-checks at once).
import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { FakeClock } from '../support/fakes/clock.js';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { migrationMachine } from '../../src/core/machine.js';
import { retryDelayMs, stateName } from '../../src/core/machine-logic.js';
import type { MigrationContext, MigrationEvent } from '../../src/core/machine-types.js';
import type { MigrationStore } from '../../src/ports.js';
import { deliverAudiences, persisted, resolveTicket, rig, samplePlan, settle, T0, vendorError } from './helpers.js';
import type { Rig } from './helpers.js';

const plan = samplePlan();
const iso = (ms: number) => new Date(ms).toISOString();
const operator = { by: 'support@example.com', reason: 'deadline test', at: iso(T0) };
/** Events a restoring drive can send instead of WAKE because the state they are sent in ignores them. */
const CONFIRM: MigrationEvent = { type: 'CONFIRM', solution: 'target', ...operator };
const RETRY: MigrationEvent = { type: 'RETRY', ...operator };

async function load(store: MigrationStore, id: string) {
  const record = (await store.get(id))!;
  return { record, ...persisted(record.snapshot) };
}

/** The pure machine: `event` leaves a snapshot in this state and context exactly as it is. */
function expectIgnored(value: unknown, context: MigrationContext, event: MigrationEvent): void {
  const snapshot = migrationMachine.resolveState({ value: value as never, context });
  const [next] = transition(migrationMachine, snapshot, event);
  expect(next.value).toEqual(snapshot.value);
  expect(next.context).toEqual(snapshot.context);
}

/** A fresh process: new store connection and engine on the same file, world and clock. */
function freshProcess(r: Rig): Rig & { calls: { getTicket: number } } {
  const store = openStore(r.dbFile);
  const calls = { getTicket: 0 };
  const r2 = rig({ dbFile: r.dbFile, store, services: r.services, clock: r.clock, holder: 'support@test-host:2' });
  const get = r.services.tracker.get.bind(r.services.tracker);
  r.services.tracker.get = (key: string) => {
    calls.getTicket++;
    return get(key);
  };
  return { ...r2, calls };
}

describe('deadlines are stored instants, re-armed on restore', () => {
  it('the next ticket poll: waitUntil = lastObservedAt + ticketIntervalMs, polled only once the clock reaches it', async () => {
    const clock = new FakeClock(T0, false);
    const r = rig({ clock });
    const id = await r.engine.create(plan, 'admin@example.com', 'm-deadline-poll');
    const first = await r.engine.drive(id, { mode: 'until-waiting' });
    expect(first.state).toBe('awaiting_resolution.sleeping');
    await r.store.close();

    const r2 = freshProcess(r);
    const saved = await load(r2.store, id);
    const due = saved.context.waitUntil!;
    expect(saved.record.state).toBe('awaiting_resolution.sleeping');
    expect(due).toBe(Date.parse(saved.context.lastObservedAt!) + plan.polling.ticketIntervalMs);
    expectIgnored(saved.value, saved.context, CONFIRM);

    const ac = new AbortController();
    const running = r2.engine.drive(id, { mode: 'until-done', event: CONFIRM, signal: ac.signal });
    await settle();
    expect(r2.calls.getTicket).toBe(0);
    expect(clock.nextWait()).toBe(due);
    clock.set(due - 1);
    await settle();
    expect(r2.calls.getTicket).toBe(0);
    clock.set(due);
    await settle();
    expect(r2.calls.getTicket).toBe(1);
    const after = await load(r2.store, id);
    expect(after.record.state).toBe('awaiting_resolution.sleeping');
    expect(after.context.lastObservedAt).toBe(iso(due));
    expect(after.context.waitUntil).toBe(due + plan.polling.ticketIntervalMs);
    ac.abort();
    expect((await running).status).toBe('interrupted');
    await r2.store.close();
  });

  it('the retry backoff: waitUntil = error.at + retryDelayMs(...), the step is retried only once the clock reaches it', async () => {
    const clock = new FakeClock(T0, false);
    const r = rig({ clock });
    const id = await r.engine.create(plan, 'admin@example.com', 'm-deadline-retry');
    r.services.world.faults.failNext('create:base', vendorError(true));
    const ac1 = new AbortController();
    const first = await r.engine.drive(id, {
      mode: 'until-done',
      signal: ac1.signal,
      onSnapshot: (s) => stateName(s) === 'retrying' && ac1.abort(),
    });
    expect(first.state).toBe('retrying');
    await r.store.close();

    const r2 = freshProcess(r);
    const saved = await load(r2.store, id);
    const due = saved.context.waitUntil!;
    const errorAt = Date.parse(saved.context.lastError!.at);
    expect(saved.context.lastError).toMatchObject({ code: 'SERVER_ERROR', retryable: true, step: 'staging' });
    expect(saved.context.attempts).toBe(1);
    expect(due).toBe(errorAt + retryDelayMs(plan.polling.retryBaseMs, 0, id));
    expect(due - errorAt).toBeGreaterThanOrEqual(plan.polling.retryBaseMs / 2);
    expect(due - errorAt).toBeLessThanOrEqual(plan.polling.retryBaseMs);
    expectIgnored(saved.value, saved.context, CONFIRM);

    const ac = new AbortController();
    const running = r2.engine.drive(id, { mode: 'until-done', event: CONFIRM, signal: ac.signal });
    await settle();
    expect(r2.services.world.creates.base).toBeUndefined();
    expect(clock.nextWait()).toBe(due);
    clock.set(due - 1);
    await settle();
    expect(r2.services.world.creates.base).toBeUndefined();
    clock.set(due);
    await settle();
    expect(r2.services.world.creates.base).toBe(1);
    ac.abort();
    await running;
    const after = await load(r2.store, id);
    expect(after.context.remote.baseConnectionId).toBeTruthy();
    expect(after.context.lastError).toBeNull();
    await r2.store.close();
  });

  it('the verification deadline: VERIFY_TIMEOUT parks in needs_attention at exactly connection_established + verifyTimeoutMs', async () => {
    const clock = new FakeClock(T0, false);
    const r = rig({ clock });
    const id = await r.engine.create(plan, 'admin@example.com', 'm-deadline-verify');
    expect((await r.engine.drive(id, { mode: 'until-waiting' })).state).toBe('awaiting_resolution.sleeping');
    resolveTicket(r.services.world, iso(T0));
    // WAKE (the default kick-off) polls now: resolved, the flow is created, verification starts and waits.
    expect((await r.engine.drive(id, { mode: 'until-waiting' })).state).toBe('verifying.sleeping');
    await r.store.close();

    const r2 = freshProcess(r);
    const saved = await load(r2.store, id);
    const established = Date.parse(saved.context.marks.connection_established!.at);
    const deadline = saved.context.verifyDeadline!;
    expect(deadline).toBe(established + plan.polling.verifyTimeoutMs);
    expect(saved.context.waitUntil).toBe(Date.parse(saved.context.lastObservedAt!) + plan.polling.verifyIntervalMs);
    // CONFIRM is handled while verifying; RETRY is only handled in needs_attention.
    expectIgnored(saved.value, saved.context, RETRY);

    let outcome: Awaited<ReturnType<typeof r2.engine.drive>> | null = null;
    const running = r2.engine.drive(id, { mode: 'until-done', event: RETRY }).then((res) => (outcome = res));
    await settle();
    expect(clock.nextWait()).toBe(saved.context.waitUntil);
    for (let next = clock.nextWait(); next !== null && next < deadline; next = clock.nextWait()) {
      clock.set(next);
      await settle();
    }
    expect(clock.nextWait()).toBe(deadline);
    clock.set(deadline - 1);
    await settle();
    expect(outcome).toBeNull();
    expect((await load(r2.store, id)).record.state).toBe('verifying.sleeping');
    clock.set(deadline);
    await running;
    expect(outcome!.status).toBe('needs_attention');
    const after = await load(r2.store, id);
    expect(after.record.status).toBe('needs_attention');
    expect(after.context.lastError).toMatchObject({
      code: 'VERIFY_TIMEOUT',
      at: iso(deadline),
      step: 'verifying',
      retryable: false,
    });
    expect(after.context.resumeTarget).toBe('verifying');

    // Audiences arriving afterwards and an operator retry finish it.
    deliverAudiences(r2.services.world, plan.audiences);
    const done = await r2.engine.drive(id, {
      mode: 'until-done',
      event: { type: 'RETRY', ...operator, at: iso(deadline) },
    });
    expect(done.status).toBe('completed');
    await r2.store.close();
  });
});
