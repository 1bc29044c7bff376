// When a watched migration next has something to do (the rule is core/due.ts, the one the stores write their
// `due_at` with), as an instant the scheduler compares: a stored deadline, or now.
import type { MigrationStatus } from '../../core/types.js';

export function isFinal(status: MigrationStatus | 'interrupted'): boolean {
  return ['completed', 'cancelled', 'rolled_back', 'needs_attention'].includes(status);
}

/** A stored `due_at` (instant text, or null: due at once) as the instant the scheduler compares. */
export function storedDue(dueAtText: string | null, now: number): number {
  const at = dueAtText === null ? Number.NaN : Date.parse(dueAtText);
  return Number.isNaN(at) ? now : at;
}
