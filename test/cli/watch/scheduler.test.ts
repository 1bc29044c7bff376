// The scheduler alone, with a stub store and a stub drive on the real clock: what is due gets driven, within
// the concurrency and rate limits; locks are skipped, not failures; wakes jump the queue; stop is clean.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/adapters/clock.js';
import { Scheduler, type SchedulerOptions, type WatchEvent } from '../../../src/engine/fleet/scheduler.js';
import { LockedError, StoreError, UsageError } from '../../../src/errors.js';
import { heldDrive, ListStore, record, result, until } from './stubs.js';

function scheduler(store: ListStore, drive: SchedulerOptions['drive'], over: Partial<SchedulerOptions> = {}) {
  const events: WatchEvent[] = [];
  const s = new Scheduler({
    store,
    drive,
    clock: systemClock,
    concurrency: 4,
    ratePerSecond: 1000,
    refreshMs: 50,
    onEvent: (e) => events.push(e),
    ...over,
  });
  return { s, events };
}

describe('watch scheduler', () => {
  it('drives every due migration once in a --once pass, never more than `concurrency` at a time', async () => {
    const store = new ListStore(Array.from({ length: 10 }, (_, i) => record(`m-${i}`)));
    const { drive, calls, maxInFlight } = heldDrive(
      (id) => result(id, 'waiting', 'awaiting_resolution.sleeping', { waitUntil: Date.now() + 60_000 }),
      20,
    );
    const { s } = scheduler(store, drive, { concurrency: 3 });
    const summary = await s.run(new AbortController().signal, 'once');
    expect(calls.map((c) => c.id).sort()).toEqual(store.records.map((r) => r.id).sort());
    expect(maxInFlight()).toBe(3);
    expect(summary).toMatchObject({ drives: 10, waiting: 10, failed: 0 });
  });

  it('drives a due ticket poll before set-up work that was due earlier: a resolved ticket is the critical path', async () => {
    const store = new ListStore([
      record('m-draft-1', { state: 'draft', status: 'active' }),
      record('m-draft-2', { state: 'draft', status: 'active' }),
      record('m-poll', { state: 'awaiting_resolution.sleeping', status: 'waiting', waitUntil: Date.now() + 20 }),
    ]);
    // One slot, each drive held 60 ms: when the first drive ends, the poll and the other draft are both due.
    const { drive, calls } = heldDrive(
      (id) => result(id, 'waiting', 'awaiting_resolution.sleeping', { waitUntil: Date.now() + 60_000 }),
      60,
    );
    const { s } = scheduler(store, drive, { concurrency: 1, refreshMs: 60_000 });
    const stop = new AbortController();
    const running = s.run(stop.signal);
    await until(() => calls.length === 3);
    stop.abort();
    await running;
    expect(calls[0]!.id).toMatch(/^m-draft/);
    expect(calls[1]!.id).toBe('m-poll');
  });

  it('spaces drive starts so that at most `rate` start in any second', async () => {
    const store = new ListStore(Array.from({ length: 6 }, (_, i) => record(`m-${i}`)));
    const { drive, calls } = heldDrive((id) => result(id, 'completed', 'completed'));
    const { s } = scheduler(store, drive, { concurrency: 10, ratePerSecond: 20 });
    await s.run(new AbortController().signal, 'once');
    const starts = calls.map((c) => c.startedAt).sort((a, b) => a - b);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(45);
    expect(starts[5]! - starts[0]!).toBeGreaterThanOrEqual(245);
  });

  it('leaves sleeping migrations alone until their stored deadline, and drops finished ones from the watch', async () => {
    const soon = Date.now() + 150;
    const store = new ListStore([
      record('m-later', { state: 'awaiting_resolution.sleeping', status: 'waiting', waitUntil: soon }),
      record('m-never', {
        state: 'awaiting_resolution.sleeping',
        status: 'waiting',
        waitUntil: Date.now() + 3_600_000,
      }),
      record('m-parked', { state: 'needs_attention', status: 'needs_attention' }),
    ]);
    // As the engine would, the drive stores the migration's new status.
    const { drive, calls } = heldDrive((id) => {
      store.records = store.records.map((r) => (r.id === id ? { ...r, status: 'completed', state: 'completed' } : r));
      return result(id, 'completed', 'completed');
    });
    const { s } = scheduler(store, drive);
    const once = await s.run(new AbortController().signal, 'once');
    expect(once.drives).toBe(0);

    const stop = new AbortController();
    const { s: s2 } = scheduler(store, drive);
    const running = s2.run(stop.signal);
    await until(() => calls.length === 1);
    expect(calls[0]!.id).toBe('m-later');
    expect(calls[0]!.startedAt).toBeGreaterThanOrEqual(soon - 5);
    await new Promise((r) => setTimeout(r, 120));
    stop.abort();
    expect((await running).completed).toBe(1);
    expect(calls).toHaveLength(1);
  });

  it('drops a rolled-back migration at once, before the store is read again', async () => {
    const store = new ListStore([record('m-back', { state: 'rolling_back.handing_off', status: 'active' })]);
    const { drive, calls } = heldDrive((id) => result(id, 'rolled_back', 'rolled_back'));
    const { s, events } = scheduler(store, drive, { refreshMs: 60_000 });
    const stop = new AbortController();
    const running = s.run(stop.signal);
    await until(() => events.some((e) => e.kind === 'finished'));
    await new Promise((r) => setTimeout(r, 100));
    stop.abort();
    await running;
    expect(calls).toHaveLength(1);
  });

  it('picks up migrations created after it started', async () => {
    const store = new ListStore([]);
    const { drive, calls } = heldDrive((id) => result(id, 'completed', 'completed'));
    const stop = new AbortController();
    const { s, events } = scheduler(store, drive);
    const running = s.run(stop.signal);
    await until(() => events.some((e) => e.kind === 'watching'));
    store.records.push(record('m-new'));
    await until(() => calls.length === 1);
    stop.abort();
    await running;
    expect(events).toContainEqual({ kind: 'watching', count: 1 });
  });

  it('skips a migration whose lock another runner holds, and tries it again later', async () => {
    const store = new ListStore([record('m-held')]);
    let attempts = 0;
    const { drive, calls } = heldDrive((id) =>
      ++attempts === 1 ? new LockedError('held by x@y:1', 'LOCKED') : result(id, 'completed', 'completed'),
    );
    const stop = new AbortController();
    const { s, events } = scheduler(store, drive, { lockedRetryMs: 100 });
    const running = s.run(stop.signal);
    await until(() => events.some((e) => e.kind === 'finished'));
    stop.abort();
    const summary = await running;
    expect(summary).toMatchObject({ locked: 1, failed: 0, completed: 1 });
    expect(calls[1]!.startedAt - calls[0]!.startedAt).toBeGreaterThanOrEqual(95);
    expect(events.some((e) => e.kind === 'locked')).toBe(true);
  });

  it('backs off after a failed drive instead of retrying in a tight loop', async () => {
    const store = new ListStore([record('m-broken')]);
    const { drive, calls } = heldDrive(() => new StoreError('disk on fire', 'STORE'));
    const stop = new AbortController();
    const { s } = scheduler(store, drive, { errorRetryMs: 100 });
    const running = s.run(stop.signal);
    await new Promise((r) => setTimeout(r, 250));
    stop.abort();
    const summary = await running;
    // t=0 fails, t≈100 fails (next in 200 ms): two attempts in 250 ms.
    expect(calls).toHaveLength(2);
    expect(summary.failed).toBe(2);
  });

  it('stops the whole watch on a configuration error', async () => {
    const store = new ListStore([record('m-1'), record('m-2')]);
    const { drive } = heldDrive(() => new UsageError('the configuration is incomplete'));
    const { s } = scheduler(store, drive);
    await expect(s.run(new AbortController().signal)).rejects.toThrow(/configuration is incomplete/);
  });

  it('wakes the migrations waiting on a ticket at once, with WAKE, even when their deadline is far away', async () => {
    const far = Date.now() + 3_600_000;
    const store = new ListStore([
      record('m-a', { state: 'awaiting_resolution.sleeping', status: 'waiting', waitUntil: far, ticketKey: 'CC-1' }),
      record('m-b', { state: 'awaiting_resolution.sleeping', status: 'waiting', waitUntil: far, ticketKey: 'CC-2' }),
    ]);
    const { drive, calls } = heldDrive((id) => result(id, 'completed', 'completed'));
    const stop = new AbortController();
    const { s } = scheduler(store, drive);
    const running = s.run(stop.signal);
    await new Promise((r) => setTimeout(r, 30));
    expect(await s.wakeTicket('CC-9')).toEqual([]);
    expect(await s.wakeTicket('cc-1')).toEqual(['m-a']);
    await until(() => calls.length === 1);
    expect(calls[0]).toMatchObject({ id: 'm-a', event: { type: 'WAKE' } });
    stop.abort();
    await running;
  });

  it('a wake that arrives during a drive runs the migration again right after it', async () => {
    const store = new ListStore([record('m-a', { ticketKey: 'CC-1' })]);
    const { drive, calls } = heldDrive();
    const stop = new AbortController();
    const { s } = scheduler(store, drive);
    const running = s.run(stop.signal);
    await until(() => calls.length === 1);
    expect(await s.wakeTicket('CC-1')).toEqual(['m-a']);
    calls[0]!.finish({ waitUntil: Date.now() + 3_600_000, ticketKey: 'CC-1' });
    await until(() => calls.length === 2);
    expect(calls[1]!.event).toEqual({ type: 'WAKE' });
    stop.abort();
    await running;
  });

  it('on stop, aborts running drives and waits for them before returning', async () => {
    const store = new ListStore([record('m-1'), record('m-2')]);
    const { drive, calls } = heldDrive();
    const stop = new AbortController();
    const { s } = scheduler(store, drive);
    const running = s.run(stop.signal);
    await until(() => calls.length === 2);
    stop.abort();
    const summary = await running;
    expect(calls.every((c) => c.signal.aborted)).toBe(true);
    expect(summary).toMatchObject({ drives: 2, interrupted: 2 });
  });

  it('watches only the given org', async () => {
    const store = new ListStore([
      record('m-mine', { orgId: 'MINE@AdobeOrg' }),
      record('m-other', { orgId: 'OTHER@AdobeOrg' }),
    ]);
    const { drive, calls } = heldDrive((id) => result(id, 'completed', 'completed'));
    const { s } = scheduler(store, drive, { orgId: 'MINE@AdobeOrg' });
    await s.run(new AbortController().signal, 'once');
    expect(calls.map((c) => c.id)).toEqual(['m-mine']);
  });

  it('outlives a failed store read and keeps driving what it knows', async () => {
    const store = new ListStore([record('m-1')]);
    let reads = 0;
    const flaky = {
      fleet: async (f?: object, known?: ReadonlySet<string>) =>
        ++reads === 2 ? Promise.reject(new Error('database is locked')) : store.fleet(f, known),
    };
    const { drive, calls } = heldDrive((id) =>
      result(id, 'waiting', 'awaiting_resolution.sleeping', { waitUntil: Date.now() + 100 }),
    );
    const stop = new AbortController();
    const { s, events } = scheduler(flaky as unknown as ListStore, drive, { refreshMs: 20 });
    const running = s.run(stop.signal);
    await until(() => calls.length >= 2);
    stop.abort();
    await running;
    expect(events.some((e) => e.kind === 'refresh-failed')).toBe(true);
  });
});
