// Batched ticket reads for the fleet scheduler. When a ticket poll falls due, every waiting ticket of the same
// Jira site that is due within a short window (GATHER_FRACTION of its own poll interval) is read by one batch
// search (the tracker's `prefetch`, ≤ 100 keys a request) before any of those polls runs; the last page is then
// filled up with the site's tickets due soonest after them, which costs no extra request. A done ticket, or one
// the search did not return (deleted, moved, not visible), is polled at once (a WAKE, as a webhook's re-check)
// and read in full as before; every other ticket read keeps its own due time, and its poll then finds the
// status waiting for it (`takeKnownStatus`), so a ticket that is not done costs no request of its own.
//
// Why detection stays within the interval: a ticket read early counts its next poll from that read (the poll
// takes the search's send instant as its own), so no two reads of a ticket are ever more than one interval
// apart. Tickets read together stay together, and the fill-up merges the groups a fleet starts with, so after
// an interval or two a site's N waiting tickets take ⌈N / 100⌉ requests an interval.
import type { Plan } from '../../core/types.js';
import type { TicketTracker } from '../../ports.js';
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
  /** How long the last batch of each site took. */
  private readonly took = new Map<string, number>();
  /** Each entry's site, worked out once per plan (the scheduler asks on every pass). */
  private readonly sites = new WeakMap<BatchCandidate, { plan: unknown; site: string | null }>();

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
    // A status read now stays usable for an interval: the poll that uses it counts its next read from this
    // search, so a late use costs no detection time; a drive held up longer than that reads Jira itself.
    this.start(site, this.members(e, site, idle, now), now + intervalOf(e));
    return true;
  }

  /** The tickets due within the window, then the site's next due ones up to a full last page. */
  private members(e: BatchCandidate, site: string, idle: readonly BatchCandidate[], now: number): BatchCandidate[] {
    const ofSite = idle.filter((c) => c.prefetchedFor !== c.dueAt && this.siteOf(c) === site);
    const due = (c: BatchCandidate) => this.options.dueOf(c);
    const must = ofSite.filter((c) => due(c) <= now + gatherWindowMs(c));
    if (!must.includes(e)) must.push(e);
    const room = Math.ceil(must.length / KEYS_PER_REQUEST) * KEYS_PER_REQUEST - must.length;
    const taken = new Set(must);
    const extra = ofSite
      .filter((c) => !taken.has(c) && due(c) <= now + intervalOf(c))
      .sort((a, b) => due(a) - due(b))
      .slice(0, room);
    return [...must, ...extra];
  }

  /**
   * How much earlier than its due time a poll's batch search starts: two of the site's recent batch round trips
   * (the search's, then the full read of a ticket it finds done), within the gathering window. The done ticket's
   * own read then lands when a single poll's would, so detection stays within the interval.
   */
  leadMs(e: BatchCandidate): number {
    const site = this.siteOf(e);
    if (site === null || e.prefetchedFor === e.dueAt) return 0;
    return Math.min(gatherWindowMs(e), 2 * (this.took.get(site) ?? 0));
  }

  /** A webhook says the ticket changed: what a batch read of it earlier is stale. */
  forget(e: BatchCandidate): void {
    e.prefetchedFor = null;
    if (e.ticketKey) this.options.trackerFor(e)?.takeKnownStatus?.(e.ticketKey, this.options.now());
  }

  private siteOf(e: BatchCandidate): string | null {
    if (!e.polling || !e.ticketKey || e.wake) return null;
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
    for (const m of members) m.prefetchedFor = m.dueAt;
    this.reading.set(site, new Set(members.map((m) => m.id)));
    const keys = members.map((m) => m.ticketKey!);
    const startedAt = this.options.now();
    void tracker.prefetch!(keys, validUntil)
      .then((read) => {
        this.took.set(site, this.options.now() - startedAt);
        // Poll every ticket read now, while its status is fresh; one whose drive has moved on is left alone.
        // Done or missing tickets are polled at once, first (their full reads are the critical path). The others
        // keep their own due times, within this interval: their polls then find the status read here.
        const now = this.options.now();
        const since = new Map(read.missing.map((k) => [k.toUpperCase(), now]));
        for (const d of read.done) since.set(d.key.toUpperCase(), d.resolvedAt ?? now);
        for (const m of members) {
          const urgentSince = since.get(m.ticketKey!.toUpperCase());
          if (m.prefetchedFor !== m.dueAt || urgentSince === undefined) continue;
          m.wake = true;
          m.urgentSince = urgentSince;
        }
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
}
