// When a watched migration next has something to do, from its state and machine context alone: a sleeping or
// retrying migration is due at the deadline in its context (`waitUntil`, the durable deadline the engine re-arms
// on restore); anything else (a draft, an effect cut short by a crash) is due at once. The stores keep this
// instant beside each migration (its `due_at` column), so that every watch worker can find what is due without
// reading a snapshot.
import type { MigrationStatus } from './types.js';

/** Statuses watch drives. needs_attention waits for an operator; completed, cancelled and rolled_back are over. */
export const WATCHED_STATUSES: readonly MigrationStatus[] = ['active', 'waiting'];

export function isWatched(status: string): boolean {
  return (WATCHED_STATUSES as readonly string[]).includes(status);
}

/** The deadline (epoch ms) a sleeping or retrying migration waits for; null when it is due at once. */
function dueDeadline(state: string, context: unknown): number | null {
  const sleeping = state.endsWith('.sleeping') || state === 'retrying';
  const waitUntil = (context as { waitUntil?: unknown } | null | undefined)?.waitUntil;
  return sleeping && typeof waitUntil === 'number' && Number.isFinite(waitUntil) ? waitUntil : null;
}

/** What a store writes in `due_at`: the deadline as the stores' instant text, or null (due at once). */
export function storedDueAt(state: string, context: unknown): string | null {
  const deadline = dueDeadline(state, context);
  if (deadline === null) return null;
  const date = new Date(deadline);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * A claim's guard against a stale listing: true unless the stored due time is later than the one the claimer saw.
 * A later one means another worker drove the migration since that listing, and the claim would drive it again
 * before it is due (a second poll of its ticket within the interval).
 */
export function notMovedLater(stored: string | null, seen: string | null): boolean {
  if (stored === null) return true;
  return seen !== null && Date.parse(stored) <= Date.parse(seen);
}

/** `due_at` of a migration as a store receives it (its state and persisted machine snapshot). */
export function dueAtOf(m: { state: string; snapshot?: unknown }): string | null {
  return storedDueAt(m.state, (m.snapshot as { context?: unknown } | null | undefined)?.context);
}
