// The scheduler with claims (several workers on one store): each pass claims its due candidates in one call,
// drives only the granted ones under the claimed lease, and leaves the others, which another worker drives,
// alone for a while without counting them as locked drives; a claim answered after a stop is given back.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/adapters/clock.js';
import type { DriveResult } from '../../../src/engine/engine.js';
import { Scheduler, type SchedulerOptions, type WatchEvent } from '../../../src/engine/fleet/scheduler.js';
import type { ClaimCandidate } from '../../../src/engine/claims.js';
import type { LeaseRequest } from '../../../src/ports.js';
import { ListStore, record, result, until } from './stubs.js';

/** Claims over a set of free ids: a granted id is no longer free until given back. */
function fakeClaims(free: Set<string>, gate?: Promise<void>) {
  const takes: { ids: string[]; limit: number; seen: (string | null | undefined)[]; at: number }[] = [];
  const released: string[] = [];
  return {
    takes,
    released,
    claims: {
      async take(candidates: ClaimCandidate[]) {
        const ids = candidates.map((c) => c.id);
        const limit = candidates.length;
        takes.push({ ids, limit, seen: candidates.map((c) => c.seenDueAt), at: Date.now() });
        await gate;
        const granted = new Map<string, LeaseRequest>();
        for (const id of ids) {
          if (granted.size >= limit || !free.delete(id)) continue;
          granted.set(id, { migrationId: id, nonce: `nonce-${id}`, holder: 'w1@host:1', ttlMs: 60_000 });
        }
        return granted;
      },
      async release(id: string, nonce: string) {
        released.push(`${id}:${nonce}`);
        free.add(id);
      },
    },
  };
}

function recordingDrive(outcome: (id: string) => DriveResult = (id) => result(id, 'completed', 'completed')) {
  const calls: { id: string; lease?: LeaseRequest }[] = [];
  const drive: SchedulerOptions['drive'] = async (m, options) => {
    calls.push({ id: m.id, lease: options.lease });
    await new Promise((resolve) => setTimeout(resolve, 5));
    return outcome(m.id);
  };
  return { drive, calls };
}

function scheduler(store: ListStore, over: Partial<SchedulerOptions> & Pick<SchedulerOptions, 'drive'>) {
  const events: WatchEvent[] = [];
  const s = new Scheduler({
    store,
    clock: systemClock,
    concurrency: 4,
    ratePerSecond: 1000,
    refreshMs: 50,
    onEvent: (e) => events.push(e),
    ...over,
  });
  return { s, events };
}

const elsewhere = (events: WatchEvent[]) =>
  events.reduce((n, e) => n + (e.kind === 'claimed-elsewhere' ? e.count : 0), 0);

describe('watch scheduler with claims', () => {
  it('drives only the granted migrations, under their claimed lease, and leaves the others quietly', async () => {
    const store = new ListStore(['m-1', 'm-2', 'm-3', 'm-4'].map((id) => record(id)));
    const { claims, takes } = fakeClaims(new Set(['m-1', 'm-3']));
    const { drive, calls } = recordingDrive();
    const { s, events } = scheduler(store, { drive, claims });
    const summary = await s.run(new AbortController().signal, 'once');
    expect(calls.map((c) => c.id).sort()).toEqual(['m-1', 'm-3']);
    for (const c of calls) expect(c.lease).toMatchObject({ migrationId: c.id, nonce: `nonce-${c.id}` });
    expect(summary).toMatchObject({ drives: 2, completed: 2, locked: 0, failed: 0, leftToOthers: 2 });
    expect(events.filter((e) => e.kind === 'locked')).toEqual([]);
    expect(elsewhere(events)).toBe(2);
    expect(new Set(takes.flatMap((t) => t.ids))).toEqual(new Set(['m-1', 'm-2', 'm-3', 'm-4']));
  });

  it('never claims more than its free slots, and claims what another worker held once it is back off', async () => {
    const ids = ['m-1', 'm-2', 'm-3', 'm-4', 'm-5'];
    const store = new ListStore(ids.map((id) => record(id)));
    const free = new Set(ids.filter((id) => id !== 'm-5'));
    const { claims, takes } = fakeClaims(free);
    let running = 0;
    let most = 0;
    const drive: SchedulerOptions['drive'] = async (m) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running--;
      store.records = store.records.filter((r) => r.id !== m.id);
      return result(m.id, 'completed', 'completed');
    };
    const stop = new AbortController();
    const { s, events } = scheduler(store, { drive, claims, concurrency: 2, lockedRetryMs: 150 });
    const run = s.run(stop.signal);
    await until(() => elsewhere(events) >= 1);
    const refusedAt = Date.now();
    free.add('m-5'); // the other worker is done with it
    await until(() => events.some((e) => e.kind === 'finished' && e.id === 'm-5'), 3000);
    stop.abort();
    const summary = await run;
    expect(most).toBeLessThanOrEqual(2);
    for (const t of takes) expect(t.limit).toBeLessThanOrEqual(2);
    const retried = takes.filter((t) => t.ids.includes('m-5')).at(-1)!;
    expect(retried.at - refusedAt).toBeGreaterThanOrEqual(140);
    expect(summary).toMatchObject({ completed: 5, locked: 0 });
  });

  it('does not claim a woken migration another worker holds again and again: the wake is used up', async () => {
    const store = new ListStore([record('m-held', { ticketKey: 'CC-1' })]);
    const { claims, takes } = fakeClaims(new Set());
    const { drive } = recordingDrive();
    const stop = new AbortController();
    const { s, events } = scheduler(store, { drive, claims, lockedRetryMs: 10_000 });
    const run = s.run(stop.signal);
    await until(() => takes.length === 1);
    expect(await s.wakeTicket('CC-1')).toEqual(['m-held']);
    await until(() => takes.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    stop.abort();
    expect(await run).toMatchObject({ drives: 0, locked: 0 });
    expect(takes).toHaveLength(2);
    expect(elsewhere(events)).toBe(2);
  });

  it('gives back the leases of a claim answered after the watch stopped, and starts nothing', async () => {
    const store = new ListStore([record('m-1')]);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { claims, takes, released } = fakeClaims(new Set(['m-1']), gate);
    const { drive, calls } = recordingDrive();
    const stop = new AbortController();
    const { s } = scheduler(store, { drive, claims });
    const run = s.run(stop.signal);
    await until(() => takes.length === 1);
    stop.abort();
    open();
    expect(await run).toMatchObject({ drives: 0 });
    expect(calls).toEqual([]);
    expect(released).toEqual(['m-1:nonce-m-1']);
  });

  it('claims each candidate with the stored due time it was picked by, and a woken one without', async () => {
    const dueAt = Date.now() - 1000;
    const sleeping = { state: 'awaiting_resolution.sleeping', status: 'waiting' as const, waitUntil: dueAt };
    const store = new ListStore([
      record('m-due', sleeping),
      record('m-woken', { ...sleeping, ticketKey: 'MIG-7', waitUntil: Date.now() + 60_000 }),
    ]);
    const { claims, takes } = fakeClaims(new Set(['m-due', 'm-woken']));
    const { drive, calls } = recordingDrive((id) =>
      result(id, 'waiting', 'awaiting_resolution.sleeping', { waitUntil: Date.now() + 60_000 }),
    );
    const stop = new AbortController();
    const { s } = scheduler(store, { drive, claims, refreshMs: 60_000 });
    const run = s.run(stop.signal);
    await until(() => calls.length === 1);
    await s.wakeTicket('MIG-7');
    await until(() => calls.length === 2);
    stop.abort();
    await run;
    /** What the first claim of `id` said it had seen. */
    const firstSeen = (id: string) => {
      const take = takes.find((t) => t.ids.includes(id))!;
      return take.seen[take.ids.indexOf(id)];
    };
    expect(firstSeen('m-due')).toBe(new Date(dueAt).toISOString());
    expect(firstSeen('m-woken')).toBeUndefined();
  });

  it('fails the candidates of a claim that failed (a store hiccup), backs off, then claims again', async () => {
    const store = new ListStore([record('m-1')]);
    const { claims } = fakeClaims(new Set(['m-1']));
    let failures = 1;
    const flaky = {
      take: (candidates: ClaimCandidate[]) =>
        failures-- > 0 ? Promise.reject(new Error('connection reset')) : claims.take(candidates),
      release: claims.release,
    };
    const { drive, calls } = recordingDrive();
    const stop = new AbortController();
    const { s, events } = scheduler(store, { drive, claims: flaky, errorRetryMs: 50 });
    const run = s.run(stop.signal);
    await until(() => calls.length === 1);
    stop.abort();
    expect(await run).toMatchObject({ failed: 1, drives: 1, completed: 1 });
    expect(events).toContainEqual(expect.objectContaining({ kind: 'failed', id: 'm-1', message: 'connection reset' }));
    expect(calls[0]!.lease?.nonce).toBe('nonce-m-1');
  });
});
