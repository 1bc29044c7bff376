// The polls a batch search wakes (its done tickets: each a full read, then the cut-over) start longest-resolved
// first: with many tickets found done at once, the one resolved earliest is the nearest to its P + 5L deadline.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/adapters/clock.js';
import { Scheduler, type SchedulerOptions } from '../../../src/engine/fleet/scheduler.js';
import type { TicketPrefetch, TicketPrefetchPage, TicketTracker } from '../../../src/ports.js';
import { heldDrive, ListStore, record, result, until } from './stubs.js';

const plan = { polling: { ticketIntervalMs: 60_000 } };
const polling = (n: number, dueIn = 30) =>
  record(`m-${n}`, {
    plan,
    state: 'awaiting_resolution.sleeping',
    status: 'waiting',
    ticketKey: `T-${n}`,
    waitUntil: Date.now() + dueIn,
  });

const threeDone: TicketPrefetch['done'] = [
  { key: 'T-1', resolvedAt: Date.parse('2026-12-03T10:00:30Z') },
  { key: 'T-3', resolvedAt: Date.parse('2026-12-03T10:00:20Z') },
  { key: 'T-5', resolvedAt: Date.parse('2026-12-03T10:00:10Z') },
];

/** One site whose search finds `done` done (by default T-1, T-3 and T-5, resolved in the reverse order). */
function tracker(searches: string[][], done = threeDone): TicketTracker {
  const answer: TicketPrefetch = { found: 5, missing: [], done, requests: 1 };
  return {
    site: 'https://jira.example.test',
    prefetch: async (keys: string[]) => {
      searches.push(keys);
      return answer;
    },
    takeKnownStatus: () => null,
  } as unknown as TicketTracker;
}

/** Runs a watch over `store` with one Jira site until `done`, then stops it. */
async function watchUntil(
  { site, ...options }: Pick<SchedulerOptions, 'store' | 'drive' | 'concurrency'> & { site: TicketTracker },
  done: () => boolean,
): Promise<void> {
  const s = new Scheduler({
    ...options,
    clock: systemClock,
    ratePerSecond: 1000,
    refreshMs: 60_000,
    trackerFor: () => site,
  });
  const stop = new AbortController();
  const running = s.run(stop.signal);
  await until(done);
  stop.abort();
  await running;
}

describe('batched ticket reads', () => {
  it('starts the polls of the tickets a search found done longest-resolved first', async () => {
    const store = new ListStore([1, 2, 3, 4, 5].map(polling));
    const { drive, calls } = heldDrive(
      (id) => result(id, 'waiting', 'awaiting_resolution.sleeping', { waitUntil: Date.now() + 60_000 }),
      10,
    );
    const searches: string[][] = [];
    const site = tracker(searches);
    await watchUntil({ store, drive, site, concurrency: 1 }, () => calls.length >= 5);
    expect(searches).toEqual([['T-1', 'T-2', 'T-3', 'T-4', 'T-5']]);
    expect(calls.slice(0, 3).map((c) => [c.id, c.event?.type])).toEqual([
      ['m-5', 'WAKE'],
      ['m-3', 'WAKE'],
      ['m-1', 'WAKE'],
    ]);
  });

  it('polls the tickets a search read right after it, on the statuses it read, not at their own later due times', async () => {
    // m-1 is due; m-2 and m-3, due 30 s later (past the gathering window), fill the search's page.
    const store = new ListStore([polling(1), polling(2, 30_000), polling(3, 30_000)]);
    const { drive, calls } = heldDrive(
      (id) => result(id, 'waiting', 'awaiting_resolution.sleeping', { waitUntil: Date.now() + 60_000 }),
      1,
    );
    const searches: string[][] = [];
    const site = tracker(searches, []);
    await watchUntil({ store, drive, site, concurrency: 4 }, () => calls.length >= 3);
    expect(searches).toEqual([['T-1', 'T-2', 'T-3']]);
    // Not woken: each poll takes the status the search left, and counts its next read from that search.
    expect(calls.map((c) => [c.id, c.event?.type]).sort()).toEqual([
      ['m-1', undefined],
      ['m-2', undefined],
      ['m-3', undefined],
    ]);
  });

  it('polls the tickets of each page as it is answered: a done ticket on the first page does not wait for the last', async () => {
    const store = new ListStore([1, 2, 3].map((n) => polling(n)));
    const { drive, calls } = heldDrive(
      (id) => result(id, 'waiting', 'awaiting_resolution.sleeping', { waitUntil: Date.now() + 60_000 }),
      1,
    );
    let answerLastPage = () => {};
    const lastPage = new Promise<void>((resolve) => (answerLastPage = resolve));
    const pages: TicketTracker = {
      site: 'https://jira.example.test',
      prefetch: async (keys: string[], _validUntil: number, onPage?: (page: TicketPrefetchPage) => void) => {
        const done = [{ key: 'T-1', resolvedAt: Date.now() - 1_000 }];
        await new Promise((r) => setTimeout(r, 5));
        onPage?.({ keys: ['T-1', 'T-2'], found: 2, missing: [], done, requests: 1 });
        await lastPage;
        onPage?.({ keys: ['T-3'], found: 1, missing: [], done: [], requests: 1 });
        return { found: keys.length, missing: [], done, requests: 2 };
      },
      takeKnownStatus: () => null,
    } as unknown as TicketTracker;
    let byFirstPage: [string, string | undefined][] = [];
    await watchUntil({ store, drive, site: pages, concurrency: 4 }, () => {
      if (calls.length < 2) return false;
      if (byFirstPage.length === 0) {
        byFirstPage = calls.map((c) => [c.id, c.event?.type]);
        answerLastPage();
      }
      return calls.length >= 3;
    });
    // Before the last page answered: the done ticket's cut-over, and its page's other poll; not the last page's.
    expect(byFirstPage).toEqual([
      ['m-1', 'WAKE'],
      ['m-2', undefined],
    ]);
    expect(calls.map((c) => c.id)).toEqual(['m-1', 'm-2', 'm-3']);
  });
});
