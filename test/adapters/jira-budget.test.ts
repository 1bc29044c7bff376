// The per-site request budget (adapters/http/budget.ts) and the batched status reads of the Jira client, over
// real HTTP to emulated Jira sites: a site that answers 429 pauses that site's requests only; a deleted key is
// dropped from the search and left to its own GET.
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/clock.js';
import { SiteBudget } from '../../src/adapters/http/budget.js';
import { createServices } from '../../src/adapters/services.js';
import { validateConfig } from '../../src/core/config.js';
import { emulatorEnv, startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { Logger } from '../../src/ports.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
let sites: Emulator[] = [];
afterEach(async () => {
  await Promise.all(sites.map((s) => s.close()));
  sites = [];
});

function trackerOf(emu: Emulator, rate = 1000) {
  const { config } = validateConfig({ ...emulatorEnv(emu.url), CUTOVER_JIRA_RATE: String(rate) });
  return createServices(config, { logger: quiet, clock: systemClock, retryBaseMs: 10 }).tracker;
}

async function fileTickets(emu: Emulator, n: number): Promise<string[]> {
  const tracker = trackerOf(emu);
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const ref = await tracker.create({
      projectKey: 'CC',
      issueType: 'Task',
      summary: `ticket ${i}`,
      description: 'x',
      labels: [`m-${i}`],
    });
    keys.push(ref.key);
  }
  return keys;
}

describe('SiteBudget', () => {
  const at = (t: { now: number }) => () => t.now;
  const sleeper = (t: { now: number }, waits: number[]) => async (ms: number) => {
    waits.push(ms);
    t.now += ms;
  };

  it('lets a burst through, then spaces requests 1/rate apart', async () => {
    const t = { now: 0 };
    const waits: number[] = [];
    const budget = new SiteBudget(2, at(t), 3);
    for (let i = 0; i < 5; i++) await budget.acquire(sleeper(t, waits));
    expect(waits).toEqual([500, 500]);
  });

  it('pauses for Retry-After after a 429, and slows down before the limit when the site says it is near', async () => {
    const t = { now: 0 };
    const waits: number[] = [];
    const budget = new SiteBudget(100, at(t), 1);
    budget.observe(429, new Headers({ 'Retry-After': '3' }));
    await budget.acquire(sleeper(t, waits));
    expect(waits).toEqual([3000]);
    // 2 left of 100 until the reset 10 s from now: 5 s apart, so the site is never refused.
    const reset = new Date(t.now + 10_000).toISOString();
    budget.observe(
      200,
      new Headers({ 'X-RateLimit-Limit': '100', 'X-RateLimit-Remaining': '2', 'X-RateLimit-Reset': reset }),
    );
    waits.length = 0;
    await budget.acquire(sleeper(t, waits));
    expect(waits).toEqual([5000]);
    budget.observe(200, new Headers({ 'RateLimit-Remaining': '0', 'RateLimit-Reset': '7' }));
    waits.length = 0;
    await budget.acquire(sleeper(t, waits));
    expect(waits).toEqual([7000]);
  });
});

describe('Jira batch status reads', () => {
  it('reads 250 tickets in 3 searches of at most 100 keys; a deleted one is refused, dropped and reported missing', async () => {
    const emu = await startEmulator({ port: 0 });
    sites = [emu];
    const keys = await fileTickets(emu, 250);
    const resolved = emu.control.resolveTicket(keys[7]!);
    emu.control.deleteTicket(keys[3]!);
    const tracker = trackerOf(emu);
    const before = emu.world().globalCounters.requests['jira.search.jql'] ?? 0;
    const read = await tracker.prefetch(keys, Date.now() + 60_000);
    const resolvedAt = Date.parse(resolved.resolutiondate!.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    expect(read).toEqual({ found: 249, done: [{ key: keys[7], resolvedAt }], missing: [keys[3]], requests: 4 });
    // 3 pages, plus the page whose deleted key Jira refused once.
    expect((emu.world().globalCounters.requests['jira.search.jql'] ?? 0) - before).toBe(4);
    expect(tracker.takeKnownStatus(keys[0]!, Date.now())).toMatchObject({ statusCategory: 'new', resolved: false });
    expect(tracker.takeKnownStatus(keys[0]!, Date.now())).toBeNull(); // once
    // Done: its poll still reads it in full, and takes the batch's answer as the detection instant.
    expect(tracker.takeKnownStatus(keys[7]!, Date.now())).toMatchObject({ resolved: true });
    expect(tracker.takeKnownStatus(keys[3]!, Date.now())).toBeNull(); // deleted: its poll's GET reports it
  }, 60_000);

  it('on Data Center reads through /rest/api/2/search with startAt', async () => {
    const emu = await startEmulator({ port: 0, jiraFlavor: 'dc' });
    sites = [emu];
    const { config } = validateConfig({ ...emulatorEnv(emu.url, 'dc'), CUTOVER_JIRA_RATE: '1000' });
    const tracker = createServices(config, { logger: quiet, clock: systemClock }).tracker;
    const keys = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const ref = await tracker.create({
          projectKey: 'CC',
          issueType: 'Task',
          summary: `t${i}`,
          description: 'x',
          labels: [],
        });
        return ref.key;
      }),
    );
    const read = await tracker.prefetch(keys, Date.now() + 60_000);
    expect(read).toEqual({ found: 3, done: [], missing: [], requests: 1 });
    expect(emu.world().globalCounters.requests['jira.search.legacy']).toBe(1);
  });

  it('a site answering 429 slows that site only', async () => {
    const [slow, fast] = await Promise.all([startEmulator({ port: 0 }), startEmulator({ port: 0 })]);
    sites = [slow!, fast!];
    const slowKeys = await fileTickets(slow!, 3);
    const fastKeys = await fileTickets(fast!, 3);
    slow!.control.setJiraRateLimit({ limit: 1, windowMs: 1000 });
    const slowTracker = trackerOf(slow!);
    const fastTracker = trackerOf(fast!);
    const done: string[] = [];
    const slowReads = Promise.all(slowKeys.map((k) => slowTracker.get(k).then(() => done.push(`slow ${k}`))));
    // Wait for the slow site's first refusal, then read the other site.
    const deadline = Date.now() + 10_000;
    while (slow!.world().globalCounters.faults['jira.rate_limited'] === undefined && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    await Promise.all(fastKeys.map((k) => fastTracker.get(k).then(() => done.push(`fast ${k}`))));
    const fastDoneAt = done.length;
    await slowReads;
    // Every fast read finished while the slow site was still paused, and none of them was refused or waited.
    expect(done.slice(0, fastDoneAt).filter((d) => d.startsWith('fast'))).toHaveLength(3);
    expect(done.slice(fastDoneAt).every((d) => d.startsWith('slow'))).toBe(true);
    expect(fast!.world().globalCounters.faults['jira.rate_limited']).toBeUndefined();
    expect(slow!.world().globalCounters.faults['jira.rate_limited']).toBeGreaterThanOrEqual(1);
  }, 30_000);
});
