// A fleet of migrations, each built through the real engine over the fakes and stopped in one way, on one
// timeline ending at NOW: four stalled in each of the four ways and two healthy ones.
import { openStore } from '../../src/adapters/sqlite/store.js';
import { ServiceError } from '../../src/errors.js';
import type { MigrationStore } from '../../src/ports.js';
import { DAY, deliverFlows, HOUR, resolveTicket, rig, samplePlan, T0, type Rig } from './helpers.js';

/** Saturday 2026-01-17 09:00 UTC: nine business days after T0 (the ticket service level is six). */
export const NOW = T0 + 12 * DAY;

export interface Fleet {
  r: Rig;
  ids: {
    ticketPastSla: string;
    needsAttention: string;
    deadRunner: string;
    noProgress: string;
    healthyTicket: string;
    completed: string;
  };
}

async function waitingOnTicket(r: Rig): Promise<string> {
  r.freshWorld();
  const id = await r.engine().create(samplePlan(), 'admin@laptop');
  await r.engine().drive(id, { mode: 'until-waiting' });
  return id;
}

async function completed(r: Rig): Promise<string> {
  const id = await waitingOnTicket(r);
  await resolveTicket(r, id);
  const stop = deliverFlows(r);
  await r.engine().drive(id, { mode: 'until-done' });
  stop();
  return id;
}

/** Ticket resolved, flow created, audiences never arrive: verification waits with no one driving it. */
async function verifyingUnattended(r: Rig): Promise<string> {
  const id = await waitingOnTicket(r);
  await resolveTicket(r, id);
  await r.engine().drive(id, { mode: 'until-waiting' });
  return id;
}

/** Jira keeps answering 503: bounded retries, then needs_attention with the last error. */
export async function exhaustedRetries(r: Rig): Promise<string> {
  r.freshWorld();
  const unavailable = new ServiceError(
    'jira',
    'POST',
    'https://jira.example.test/rest/api/3/issue',
    503,
    undefined,
    'Service Unavailable',
    true,
  );
  r.services.world.faults.failNext('createTicket', unavailable, 3);
  const id = await r.engine().create(samplePlan(), 'admin@laptop');
  await r.engine().drive(id, { mode: 'until-waiting' });
  return id;
}

const STORE_WRITES = new Set([
  'commitTransition',
  'appendJournal',
  'recordIntent',
  'recordOutcome',
  'heartbeat',
  'releaseLease',
]);

/** The store as a dying process sees it: once `crashed()`, nothing it writes lands (and its lease is never released). */
function crashingStore(store: MigrationStore, crashed: () => boolean): MigrationStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const method = (value as (...a: unknown[]) => unknown).bind(target);
      if (prop === 'releaseLease') return async () => {};
      return STORE_WRITES.has(String(prop))
        ? (...args: unknown[]) => (crashed() ? Promise.resolve(false) : method(...args))
        : method;
    },
  });
}

/**
 * A runner's process dies while filing the ticket: the call was in flight, nothing after it is written and
 * its lease is never released. (The engine waits for in-flight calls before returning, so the call fails
 * once the process is "dead", as a reset connection would.)
 */
export async function deadRunner(r: Rig): Promise<string> {
  r.freshWorld();
  let crashed = false;
  let die: (err: Error) => void = () => {};
  const inFlight = new Promise<never>((_resolve, reject) => (die = reject));
  const hangingTracker = Object.assign(Object.create(r.services.tracker) as object, { create: () => inFlight });
  // Its lease is stamped by the store's clock: here the fleet's timeline, so that it has expired by NOW.
  const onTimeline = openStore(r.dbFile, undefined, { now: () => r.clock.now() });
  const store = crashingStore(onTimeline, () => crashed);
  const engine = r.engine({
    store,
    services: { ...r.services, tracker: hangingTracker },
    holder: 'admin@dead-laptop:999',
  });
  const id = await r.engine().create(samplePlan(), 'admin@dead-laptop');
  const controller = new AbortController();
  const driving = engine.drive(id, { mode: 'until-waiting', signal: controller.signal });
  while ((await r.store.effects(id)).every((e) => e.step !== 'ticket'))
    await new Promise((resolve) => setTimeout(resolve, 2));
  crashed = true;
  controller.abort();
  die(new Error('ECONNRESET: the process died'));
  await driving;
  await onTimeline.close();
  return id;
}

export async function buildFleet(): Promise<Fleet> {
  const r = rig(T0);
  const ticketPastSla = await waitingOnTicket(r);
  r.clock.set(NOW - 40 * HOUR);
  const done = await completed(r);
  r.clock.set(NOW - 30 * HOUR);
  const noProgress = await verifyingUnattended(r);
  r.clock.set(NOW - HOUR);
  const healthyTicket = await waitingOnTicket(r);
  r.clock.set(NOW - 50 * 60_000);
  const needsAttention = await exhaustedRetries(r);
  r.clock.set(NOW - 10 * 60_000);
  const dead = await deadRunner(r);
  r.clock.set(NOW);
  return { r, ids: { ticketPastSla, needsAttention, deadRunner: dead, noProgress, healthyTicket, completed: done } };
}
