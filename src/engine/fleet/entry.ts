// What the scheduler keeps of each watched migration, and the order it drives the due ones in.
import type { FleetMigration } from '../../ports.js';
import { storedDue } from './due.js';
import type { WatchedMigration } from './types.js';

export interface Entry extends WatchedMigration {
  ticketKey: string | null;
  dueAt: number;
  /** `dueAt` as the store holds it (null: due at once), which a claim checks it against (core/due.ts). */
  storedDueAt: string | null;
  /** Its next drive is a ticket poll: possibly the cut-over itself, so it goes before set-up work. */
  polling: boolean;
  /** Backoff after a locked or failed drive (or a claim another worker won); a webhook wake overrides it. */
  notBefore: number;
  failures: number;
  /** A webhook asked for an immediate re-check (kept while a drive runs, so it runs again with WAKE). */
  wake: boolean;
  /** Bumped when a drive ends, so a store read that started earlier cannot overwrite what the drive learnt. */
  generation: number;
  /** The `dueAt` a batch search read this ticket for (ticket-batch.ts). */
  prefetchedFor: number | null;
  /** A batch search left the ticket's status for its poll, which runs at once (ticket-batch.ts). */
  statusWaiting: boolean;
  /** A batch found its ticket done or missing: its poll goes first, the longest-resolved first (ticket-batch.ts). */
  urgentSince?: number;
}

/** A ticket poll: the deprovisioning ticket's, or a rollback's re-enable ticket's. */
export function isPoll(state: string): boolean {
  return state.startsWith('awaiting_resolution') || state.startsWith('rolling_back.reenable');
}

/** A migration the fleet listing found that the scheduler did not know; it needs the listing's plan. */
function newEntry(m: FleetMigration, now: number): Entry {
  return {
    id: m.id,
    orgId: m.orgId,
    plan: m.plan,
    ticketKey: m.ticketKey,
    dueAt: storedDue(m.dueAt, now),
    storedDueAt: m.dueAt,
    polling: isPoll(m.state),
    notBefore: 0,
    failures: 0,
    wake: false,
    generation: 0,
    prefetchedFor: null,
    statusWaiting: false,
  };
}

/** What a later listing says of an idle migration: its ticket and when it is due (a plan never changes). */
function refreshEntry(e: Entry, m: FleetMigration, now: number): void {
  if (m.plan !== undefined) e.plan = m.plan;
  e.ticketKey = m.ticketKey;
  // The same stored time keeps its instant: one due at once (null) stays due since it was first seen, and a
  // batch read for that instant (prefetchedFor) stays matched.
  if (m.dueAt !== e.storedDueAt) e.dueAt = storedDue(m.dueAt, now);
  e.storedDueAt = m.dueAt;
  e.polling = isPoll(m.state);
}

/**
 * Brings the entries up to a fleet listing: adds new migrations, refreshes idle ones (`idle`: not running, and no
 * drive ended since the read began), drops idle ones that left. `knownAtRead`: the ids known when the read began.
 */
export function mergeListing(
  entries: Map<string, Entry>,
  listing: FleetMigration[],
  at: { knownAtRead: ReadonlyMap<string, number>; idle: (id: string) => boolean; now: number },
): void {
  const listed = new Set<string>();
  for (const m of listing) {
    listed.add(m.id);
    const known = entries.get(m.id);
    // Known when the read began but gone now: a drive finished it meanwhile, and the read is older.
    if (!known && at.knownAtRead.has(m.id)) continue;
    if (!known) entries.set(m.id, newEntry(m, at.now));
    else if (at.idle(m.id)) refreshEntry(known, m, at.now);
  }
  for (const id of [...entries.keys()]) if (!listed.has(id) && at.idle(id)) entries.delete(id);
}

export function effectiveDue(e: Entry): number {
  if (e.wake) return -Infinity;
  return e.statusWaiting ? e.notBefore : Math.max(e.dueAt, e.notBefore);
}

/** Due ticket polls first (a resolved ticket is the critical path), then everything else due, by deadline. */
export function byUrgency(now: number, dueOf: (e: Entry) => number) {
  return (a: Entry, b: Entry): number => {
    const da = dueOf(a);
    const db = dueOf(b);
    if (da <= now && db <= now && a.polling !== b.polling) return a.polling ? -1 : 1;
    // Of the polls a batch woke, those of done or missing tickets (full reads) go first, the longest-resolved
    // first: the critical path, and the nearest to its deadline.
    const ua = a.urgentSince ?? Infinity;
    const ub = b.urgentSince ?? Infinity;
    if (da === db && ua !== ub) return ua < ub ? -1 : 1;
    return da < db ? -1 : da > db ? 1 : 0;
  };
}
