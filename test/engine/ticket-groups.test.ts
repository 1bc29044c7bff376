// How the fleet's batch reads group a site's due tickets (engine/fleet/ticket-batch.ts), with a fake tracker
// and a hand-set clock: what one search reads, and what the batcher leaves to single GETs.
import { describe, expect, it } from 'vitest';
import { type BatchCandidate, TicketBatcher } from '../../src/engine/fleet/ticket-batch.js';
import type { TicketPrefetch, TicketTracker } from '../../src/ports.js';

const P = 60_000;
const NOW = 1_800_000_000_000;
const plan = { polling: { ticketIntervalMs: P } };

interface Site {
  tracker: TicketTracker;
  searches: string[][];
  answer: (keys: string[]) => Partial<TicketPrefetch>;
}

function site(url: string, answer: Site['answer'] = () => ({})): Site {
  const searches: string[][] = [];
  const tracker = {
    site: url,
    prefetch: async (keys: string[]) => {
      searches.push(keys);
      return { found: keys.length, done: [], missing: [], requests: Math.ceil(keys.length / 100), ...answer(keys) };
    },
  } as unknown as TicketTracker;
  return { tracker, searches, answer };
}

let serial = 0;
function tickets(n: number, dueIn: number, on: Site, prefix = 'T'): (BatchCandidate & { on: Site })[] {
  return Array.from({ length: n }, () => {
    serial++;
    return {
      id: `m-${serial}`,
      orgId: 'org',
      plan,
      ticketKey: `${prefix}-${serial}`,
      dueAt: NOW + dueIn,
      polling: true,
      wake: false,
      prefetchedFor: null,
      statusWaiting: false,
      on,
    };
  });
}

function batcher(now = () => NOW): { b: TicketBatcher; settled: () => Promise<void> } {
  let kicks = 0;
  const b = new TicketBatcher({
    trackerFor: (m) => (m as BatchCandidate & { on: Site }).on.tracker,
    now,
    dueOf: (e) => e.dueAt,
    kick: () => kicks++,
    emit: () => {},
  });
  const settled = async () => {
    const before = kicks;
    while (kicks === before) await new Promise((r) => setTimeout(r, 1));
  };
  return { b, settled };
}

describe('batch reads of one Jira site', () => {
  it("fills the last page's room with whole groups of tickets due later, never part of one", async () => {
    const jira = site('https://a.example.test');
    const now = tickets(30, 0, jira);
    const big = tickets(80, 10_000, jira); // a group read together, due 10 s later: 80 do not fit in 70
    const small = tickets(60, 20_000, jira); // due 20 s later: 60 fit
    const idle = [...now, ...big, ...small];
    const { b, settled } = batcher();
    expect(b.hold(now[0]!, idle)).toBe(true);
    await settled();
    const keys = (list: BatchCandidate[]) => list.map((c) => c.ticketKey);
    expect(jira.searches).toEqual([[...keys(now), ...keys(small)]]);
    // Their polls run at once, on the statuses read; the group left out keeps its own due time.
    expect([...now, ...small].every((c) => c.statusWaiting)).toBe(true);
    expect(big.some((c) => c.statusWaiting || c.prefetchedFor !== null)).toBe(false);
  });

  it("reads every other waiting ticket of the site with its largest group, so that the site's groups merge", async () => {
    const jira = site('https://a.example.test');
    // 94 and 31 never merge by filling a page's room (neither fits in the other's): read together, they do.
    const main = tickets(94, 0, jira);
    const rest = tickets(31, 20_000, jira);
    const { b, settled } = batcher();
    b.hold(main[0]!, [...main, ...rest]);
    await settled();
    expect(jira.searches.map((s) => s.length)).toEqual([125]);
    const { b: b2, settled: settled2 } = batcher();
    const stray = tickets(1, 0, jira);
    const group = tickets(120, 20_000, jira);
    b2.hold(stray[0]!, [...stray, ...group]);
    await settled2();
    // A stray's search does not re-read the larger group early: it would move the whole site for one ticket.
    expect(jira.searches.at(-1)).toEqual([stray[0]!.ticketKey]);
  });

  it('reads the whole run of tickets the due ones begin, as after a restart that spread them over the interval', async () => {
    const jira = site('https://a.example.test');
    // Due 60 ms apart from now on: cut into windows of P/10 they would be groups of 101 and 100 that never
    // merge (neither the largest, nor fitting in the other's room), each read on its own, interval after interval.
    const spread = (n: number, from: number) =>
      Array.from({ length: n }, (_, i) => tickets(1, from + i * 60, jira)[0]!);
    const run = [...spread(100, 0), ...spread(101, 6_000)];
    const apart = tickets(250, 30_000, jira); // a group of its own, 18 s after the run ends, larger than it
    const { b, settled } = batcher();
    b.hold(run[0]!, [...run, ...apart]);
    await settled();
    expect(jira.searches.map((s) => s.length)).toEqual([201]);
  });

  it('keeps the tickets of one search together when a late page makes its tickets due earlier than the rest', async () => {
    const jira = site('https://a.example.test');
    const first = tickets(100, 0, jira);
    const second = tickets(25, 0, jira);
    const all = [...first, ...second];
    let now = NOW;
    const { b, settled } = batcher(() => now);
    b.hold(first[0]!, all);
    await settled();
    // Their polls took the statuses. The second page was answered late (its polls waited for the first page's),
    // so its tickets fall due 8 s before the first page's, more than the gather window apart: read alone, they
    // would cost a request of their own every interval.
    for (const c of all) c.statusWaiting = false;
    for (const c of first) c.dueAt = NOW + P - 1_000;
    for (const c of second) c.dueAt = NOW + P - 9_000;
    now = NOW + P - 9_000;
    expect(b.hold(second[0]!, all)).toBe(true);
    await settled();
    expect(jira.searches.map((s) => s.length)).toEqual([125, 125]);
  });

  it('gathers every ticket due within a tenth of the interval into one search, however many pages it takes', async () => {
    const jira = site('https://a.example.test');
    const idle = [...tickets(70, 0, jira), ...tickets(60, P / 10 - 1, jira), ...tickets(5, P / 10 + 1_000, jira)];
    const { b, settled } = batcher();
    b.hold(idle[0]!, idle);
    await settled();
    // 130 due within the window take 2 pages, in one search; the 5 due later come along (the largest group).
    expect(jira.searches.map((s) => s.length)).toEqual([135]);
  });

  it('leaves a ticket the search did not return to its own GET from then on, on that site only', async () => {
    const a = site('https://a.example.test', (keys) => ({ found: keys.length - 1, missing: [keys[0]!] }));
    const b2 = site('https://b.example.test');
    const [gone, ...rest] = tickets(3, 0, a, 'CC');
    const { b, settled } = batcher();
    b.hold(gone!, [gone!, ...rest]);
    await settled();
    expect(gone!.wake).toBe(true); // its poll reads it by GET, which reports it on its migration
    // Its next poll: no search (one with it would be refused again), on this site...
    gone!.wake = false;
    gone!.dueAt += P;
    expect(b.hold(gone!, [gone!])).toBe(false);
    expect(a.searches).toHaveLength(1);
    // ...while a ticket with the same key on another Jira site is still read by search.
    const [twin] = tickets(1, 0, b2);
    twin!.ticketKey = gone!.ticketKey;
    expect(b.hold(twin!, [twin!])).toBe(true);
    await settled();
    expect(b2.searches).toEqual([[gone!.ticketKey]]);
  });
});
