// When a watched migration next has something to do, read from its stored state: a sleeping or retrying
// migration is due at the deadline in its context (`waitUntil`, the same durable deadline the engine re-arms
// on restore); anything else (a draft, an effect cut short by a crash) is due at once.
import type { MigrationStatus } from '../../core/types.js';

/** Statuses watch drives. needs_attention waits for an operator; completed, cancelled and rolled_back are over. */
export const WATCHED_STATUSES: readonly MigrationStatus[] = ['active', 'waiting'];

export function isFinal(status: MigrationStatus | 'interrupted'): boolean {
  return ['completed', 'cancelled', 'rolled_back', 'needs_attention'].includes(status);
}

export function dueAt(state: string, snapshot: unknown, now: number): number {
  const sleeping = state.endsWith('.sleeping') || state === 'retrying';
  const waitUntil = (snapshot as { context?: { waitUntil?: unknown } } | null)?.context?.waitUntil;
  return sleeping && typeof waitUntil === 'number' && Number.isFinite(waitUntil) ? waitUntil : now;
}
