// Batched ticket reads for the fleet scheduler. When a ticket poll falls due, every waiting ticket of the same
// Jira site that is due within a short window (GATHER_FRACTION of its own poll interval) is read by one batch
// search (the tracker's `prefetch`, ≤ 100 keys a request) before any of those polls runs, with the rest of their
// group (the tickets last read in the same search, and a run of tickets each due within the window of the one
// before). If that is the site's largest group, the search takes every other waiting ticket of the site too, so
// the groups a fleet arrives in merge into one; otherwise the last page's room is filled with whole groups due
// next, which costs no extra request. As each page of the search is answered, a done ticket of it, or one it
// did not return (deleted, moved, not visible), is polled at once (a WAKE, as a webhook's re-check) and read in
// full as before; every other ticket of the page is polled right after, and finds the status read
// (`takeKnownStatus`): a ticket not done costs no request.
//
// Why detection stays within the interval: a ticket read early counts its next poll from that read (the poll
// takes the search's send instant as its own), so no two reads of a ticket are more than one interval apart;
// and a done ticket's detection is the search's answer, not its full read after. Tickets read together stay
// together, so within an interval of the fleet's last arrival a site's N waiting tickets take ⌈N / 100⌉
// requests an interval.

import type { Plan } from '../../core/types.js';
import type { TicketPrefetchPage, TicketTracker } from '../../ports.js';
import type { WatchedMigration, WatchEvent } from './types.js';

/** The share of a ticket's poll interval within which due tickets of one site are gathered into one search. */
export const GATHER_FRACTION = 0.1;
/** Keys one search request reads (Jira's page size for a `key in (...)` list; the adapter pages by it). */
export const KEYS_PER_REQUEST = 100;

export interface BatchCandidate extends WatchedMigration {
  ticketKey: string | null;
  dueAt: number;
  polling: boolean;
  wake: boolean;
  /** The `dueAt` a batch read this entry's ticket for (null: none yet). */
  prefetchedFor: number | null;
  /** A batch left its ticket's status (not done) for its poll, which then runs at once, while it is fresh. */
  statusWaiting: boolean;
  /**
   * A batch saw its ticket done (since this instant: Jira's resolution time) or could not find it (since the
   * read): its poll, a full read, goes before the others woken, the longest-waiting first.
   */
  urgentSince?: number;
}

export interface TicketBatcherOptions {
  trackerFor: (m: WatchedMigration) => TicketTracker | undefined;
  now: () => number;
  /** When the candidate may next run (its due time, or a backoff). */
  dueOf: (e: BatchCandidate) => number;
  /** A batch ended: the scheduler looks again at what it held back. */
  kick: () => void;
  emit: (event: WatchEvent) => void;
}

function intervalOf(e: WatchedMigration): number {
  const ms = (e.plan as Partial<Plan> | null)?.polling?.ticketIntervalMs;
  return typeof ms === 'number' && ms > 0 ? ms : 60_000;
}

export function gatherWindowMs(e: WatchedMigration): number {
  return intervalOf(e) * GATHER_FRACTION;
}

export class TicketBatcher {
  /** Sites with a batch search in flight, and the entries it reads. */
  private readonly reading = new Map<string, Set<string>>();
  /** How long one request of the last batch of each site took (its pages are sent one after another). */
  private readonly took = new Map<string, number>();
  /**
   * Tickets a search did not return (deleted, moved, not visible): their polls read them by their own GET from
   * then on, so that one such ticket does not cost every batch it would be in a refused search.
   */
  private readonly unfound = new Set<string>();
  /** Each entry's site, worked out once per plan (the scheduler asks on every pass). */
  private readonly sites = new WeakMap<BatchCandidate, { plan: unknown; site: string | null }>();
  /** The search that last read each entry's ticket (a serial), so that tickets read together stay together. */
  private readonly lastBatch = new WeakMap<BatchCandidate, number>();
  private batches = 0;

  constructor(private readonly options: TicketBatcherOptions) {}

  /**
   * True when `e` must not start yet: its site's batch is being read. Starts that batch when `e` is a due poll
   * whose ticket no batch has read for this due time; `idle` are the entries that could join it.
   */
  hold(e: BatchCandidate, idle: readonly BatchCandidate[]): boolean {
    const site = this.siteOf(e);
    if (site === null) return false;
    const inFlight = this.reading.get(site);
    if (e.prefetchedFor === e.dueAt) return inFlight?.has(e.id) ?? false;
    // A batch of the site is being read without this ticket: the next one takes it, right after.
    if (inFlight) return true;
    const now = this.options.now();
    // The polls take the statuses read now at once; one held up for half an interval reads Jira itself, since
    // its next poll, counted from this search, would be due already.
    this.start(site, this.members(e, site, idle, now), now + intervalOf(e) / 2);
    return true;
  }

  /**
   * The tickets due within the window, with the rest of their group (the tickets last read in the same search,
   * and a run of tickets each due within a window of the one before: read together, they stay so). When that is
   * the site's largest group, every other ticket of the site due within the interval comes too, so that the
   * site's tickets become one group read in ⌈N / 100⌉ requests an interval. Otherwise whole groups of the site's
   * next due tickets, while they fit in the last page's room (free), first fit in due order. A group is never
   * split: part of one read early leaves the rest a group of its own, and the groups churn.
   */
  private members(e: BatchCandidate, site: string, idle: readonly BatchCandidate[], now: number): BatchCandidate[] {
    const ofSite = idle.filter((c) => c.prefetchedFor !== c.dueAt && this.siteOf(c) === site);
    const due = (c: BatchCandidate) => this.options.dueOf(c);
    const members = ofSite.filter((c) => due(c) <= now + gatherWindowMs(c));
    if (!members.includes(e)) members.push(e);
    members.push(...this.matesOf(members, ofSite, now));
    const taken = new Set(members);
    const later = ofSite.filter((c) => !taken.has(c) && due(c) <= now + intervalOf(c)).sort((a, b) => due(a) - due(b));
    const groups = groupsOf(later, due, gatherWindowMs(e));
    // The run the due tickets begin is theirs, however long: a restart spreads a site's tickets evenly over the
    // interval, and cut into windows it would give groups of about one size that never merge.
    const lastDue = Math.max(...members.map(due));
    if (groups[0] && due(groups[0][0]!) - lastDue <= gatherWindowMs(e)) members.push(...groups.shift()!);
    // The main group takes in the strays and the small groups; a stray does not re-read the main group early.
    if (groups.every((g) => g.length <= members.length)) return [...members, ...groups.flat()];
    let room = Math.ceil(members.length / KEYS_PER_REQUEST) * KEYS_PER_REQUEST - members.length;
    for (const group of groups) {
      if (group.length > room) continue;
      members.push(...group);
      room -= group.length;
    }
    return members;
  }

  /**
   * The tickets last read in the same search as any of `members`, due within the interval. Their due times
   * differ by their pages' round trips, which a busy event loop stretches (the polls of the first page run
   * while the next is in flight): kept by due time alone, a late page would drift out of its group.
   */
  private matesOf(members: BatchCandidate[], ofSite: BatchCandidate[], now: number): BatchCandidate[] {
    const batches = new Set(members.map((c) => this.lastBatch.get(c)));
    const taken = new Set(members);
    const isMate = (c: BatchCandidate) => this.lastBatch.has(c) && batches.has(this.lastBatch.get(c));
    return ofSite.filter((c) => !taken.has(c) && isMate(c) && this.options.dueOf(c) <= now + intervalOf(c));
  }

  /**
   * How much earlier than its due time a poll's batch search starts: one of the site's recent batch round trips.
   * The due time already allows for the last round trip (pollScheduled); this one more keeps the answer, when the
   * resolution is seen, within the interval of the last read when the site answers slower than before.
   */
  leadMs(e: BatchCandidate): number {
    const site = this.siteOf(e);
    if (site === null || e.prefetchedFor === e.dueAt) return 0;
    return Math.min(gatherWindowMs(e), this.took.get(site) ?? 0);
  }

  /** A webhook says the ticket changed: what a batch read of it earlier is stale. */
  forget(e: BatchCandidate): void {
    e.prefetchedFor = null;
    if (e.ticketKey) this.options.trackerFor(e)?.takeKnownStatus?.(e.ticketKey, this.options.now());
  }

  private siteOf(e: BatchCandidate): string | null {
    if (!e.polling || !e.ticketKey || e.wake) return null;
    const site = this.trackerSiteOf(e);
    return site !== null && !this.unfound.has(unfoundKey(site, e.ticketKey)) ? site : null;
  }

  private trackerSiteOf(e: BatchCandidate): string | null {
    const known = this.sites.get(e);
    if (known && known.plan === e.plan) return known.site;
    let site: string | null = null;
    try {
      const tracker = this.options.trackerFor(e);
      site = tracker?.prefetch && tracker.site ? tracker.site : null;
    } catch {
      // No tracker (an incomplete configuration, say): the drive itself reports that, as without batching.
    }
    this.sites.set(e, { plan: e.plan, site });
    return site;
  }

  private start(site: string, members: BatchCandidate[], validUntil: number): void {
    const tracker = this.options.trackerFor(members[0]!)!;
    const batch = ++this.batches;
    for (const m of members) {
      m.prefetchedFor = m.dueAt;
      this.lastBatch.set(m, batch);
    }
    const inFlight = new Set(members.map((m) => m.id));
    this.reading.set(site, inFlight);
    const keys = members.map((m) => m.ticketKey!);
    const startedAt = this.options.now();
    // Each page's tickets are polled as soon as it is answered: a done ticket on the first of ten pages would
    // otherwise wait for the other nine before its cut-over starts.
    const onPage = (page: TicketPrefetchPage) => {
      this.settle(site, page, members, inFlight);
      this.options.kick();
    };
    void tracker.prefetch!(keys, validUntil, onPage)
      .then((read) => {
        this.took.set(site, (this.options.now() - startedAt) / Math.max(1, read.requests));
        // What no page reported (a tracker that reads all at once): settled on the whole answer.
        this.settle(site, { keys, ...read }, members, inFlight);
        const { found, missing, requests } = read;
        this.options.emit({ kind: 'batch', site, keys: keys.length, found, done: read.done.length, missing, requests });
      })
      // The polls then read their tickets one by one, with the usual handling of whatever failed here.
      .catch((error: unknown) =>
        this.options.emit({
          kind: 'batch-failed',
          site,
          keys: keys.length,
          message: error instanceof Error ? error.message : String(error),
        }),
      )
      .finally(() => {
        this.reading.delete(site);
        this.options.kick();
      });
  }

  /**
   * Polls every ticket of a page read, while its status is fresh; one whose drive has moved on is left alone.
   * Done or missing tickets go first (their full reads are the critical path), as webhook re-checks. The others
   * take the status read here, and count their next poll from this search, not from their old due time: a poll
   * left for that time could find the status older than an interval by then.
   */
  private settle(site: string, page: TicketPrefetchPage, members: BatchCandidate[], inFlight: Set<string>): void {
    const now = this.options.now();
    for (const k of page.missing) this.unfound.add(unfoundKey(site, k));
    const asked = new Set(page.keys.map((k) => k.toUpperCase()));
    const since = new Map(page.missing.map((k) => [k.toUpperCase(), now]));
    for (const d of page.done) since.set(d.key.toUpperCase(), d.resolvedAt ?? now);
    for (const m of members) {
      // Each once: a ticket polled on its page's answer may be running, and must not be set waiting again.
      if (!asked.has(m.ticketKey!.toUpperCase()) || !inFlight.delete(m.id)) continue;
      if (m.prefetchedFor !== m.dueAt) continue;
      const urgentSince = since.get(m.ticketKey!.toUpperCase());
      if (urgentSince === undefined) m.statusWaiting = true;
      else {
        m.wake = true;
        m.urgentSince = urgentSince;
      }
    }
  }
}

function unfoundKey(site: string, ticketKey: string): string {
  return `${site} ${ticketKey.toUpperCase()}`;
}

/** Runs of `sorted` (by due time), each ticket due within `windowMs` of the one before it. */
function groupsOf<T>(sorted: readonly T[], due: (c: T) => number, windowMs: number): T[][] {
  const groups: T[][] = [];
  for (const c of sorted) {
    const last = groups.at(-1);
    if (last && due(c) - due(last.at(-1)!) <= windowMs) last.push(c);
    else groups.push([c]);
  }
  return groups;
}
