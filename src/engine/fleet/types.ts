// The vocabulary shared by the watch scheduler, its progress printer and the command.
import type { MigrationEvent } from '../../core/machine-types.js';
import type { DriveResult } from '../engine.js';
import type { LeaseRequest } from '../../ports.js';

export interface WatchedMigration {
  id: string;
  orgId: string;
  plan: unknown;
}

export type DriveOne = (
  migration: WatchedMigration,
  /** `lease`: the lease a claim took for this drive (engine/claims.ts); without it the drive takes its own. */
  options: { event?: MigrationEvent; signal: AbortSignal; lease?: LeaseRequest },
) => Promise<DriveResult>;

export type WatchEvent =
  | { kind: 'watching'; count: number }
  | { kind: 'refresh-failed'; message: string }
  | { kind: 'started'; id: string; orgId: string; woken: boolean }
  | { kind: 'finished'; id: string; orgId: string; result: DriveResult; nextAt: number | null }
  | { kind: 'locked'; id: string; orgId: string; message: string; retryAt: number }
  /** Due migrations of a pass whose claim another worker won: that worker drives them; looked at again at retryAt. */
  | { kind: 'claimed-elsewhere'; count: number; retryAt: number }
  | { kind: 'failed'; id: string; orgId: string; message: string; retryAt: number }
  | { kind: 'woken'; id: string; orgId: string; ticketKey: string }
  /** One batch read of a site's due tickets (ticket-batch.ts). */
  | { kind: 'batch'; site: string; keys: number; found: number; done: number; missing: string[]; requests: number }
  | { kind: 'batch-failed'; site: string; keys: number; message: string };

export interface WatchSummary {
  drives: number;
  completed: number;
  waiting: number;
  needsAttention: number;
  cancelled: number;
  interrupted: number;
  locked: number;
  failed: number;
  /** Due migrations a claim left to another runner (each counted once): they were driven, just not here. */
  leftToOthers: number;
}

export function emptySummary(): WatchSummary {
  const none = { drives: 0, completed: 0, waiting: 0, needsAttention: 0, cancelled: 0, interrupted: 0 };
  return { ...none, locked: 0, failed: 0, leftToOthers: 0 };
}

/** Counts how a drive ended. */
export function countOutcome(s: WatchSummary, status: DriveResult['status']): void {
  if (status === 'completed') s.completed++;
  else if (status === 'cancelled') s.cancelled++;
  else if (status === 'needs_attention') s.needsAttention++;
  else if (status === 'interrupted') s.interrupted++;
  else s.waiting++;
}
