// Batched ticket reads for the fleet scheduler. When a ticket poll falls due, every waiting ticket of the same
// Jira site that is due within a short window (GATHER_FRACTION of its own poll interval) is read by one batch
// search (the tracker's `prefetch`, ≤ 100 keys a request) before any of those polls runs. The polls then find
// the status waiting for them (`takeKnownStatus`): a ticket that is not done costs no request of its own; a done
// one, or one the search did not return, is read in full by its poll as before.
//
// Why the window keeps detection within the interval: a ticket read early by up to the window counts its next
// poll from that read (the poll takes the search's send instant as its own), so no two reads of a ticket are
// ever more than one interval apart. Tickets read together stay together, which keeps later batches full.
import type { Plan } from '../../core/types.js';
import type { TicketTracker } from '../../ports.js';
import type { WatchedMigration, WatchEvent } from './types.js';

/** The share of a ticket's poll interval within which due tickets of one site are gathered into one search. */
export const GATHER_FRACTION = 0.1;

export interface BatchCandidate extends WatchedMigration {
  ticketKey: string | null;
  dueAt: number;
  polling: boolean;
  wake: boolean;
  /** The `dueAt` a batch read this entry's ticket for (null: none yet). */
  prefetchedFor: number | null;
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
    const members = idle.filter(
      (c) => c.prefetchedFor !== c.dueAt && this.siteOf(c) === site && this.options.dueOf(c) <= now + gatherWindowMs(c),
    );
    if (!members.some((c) => c.id === e.id)) members.push(e);
    this.start(site, members, now + 2 * gatherWindowMs(e));
    return true;
  }

  /** A webhook says the ticket changed: what a batch read of it earlier is stale. */
  forget(e: BatchCandidate): void {
    e.prefetchedFor = null;
    if (e.ticketKey) this.options.trackerFor(e)?.takeKnownStatus?.(e.ticketKey, this.options.now());
  }

  private siteOf(e: BatchCandidate): string | null {
    if (!e.polling || !e.ticketKey || e.wake) return null;
    const tracker = this.options.trackerFor(e);
    return tracker?.prefetch && tracker.site ? tracker.site : null;
  }

  private start(site: string, members: BatchCandidate[], validUntil: number): void {
    const tracker = this.options.trackerFor(members[0]!)!;
    for (const m of members) m.prefetchedFor = m.dueAt;
    this.reading.set(site, new Set(members.map((m) => m.id)));
    const keys = members.map((m) => m.ticketKey!);
    void tracker.prefetch!(keys, validUntil)
      .then((read) => this.options.emit({ kind: 'batch', site, keys: keys.length, ...read }))
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
