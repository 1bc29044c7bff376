// Port records as the team store's statement parameters (JSON arrays for the functions of migrations/postgres),
// and its listing rows as summaries. Canonical forms (instants, marks) are the SQLite store's, so both stores
// hold the same bytes for the same migration.
import { dueAtOf } from '../../core/due.js';
import type { Marks, MigrationStatus } from '../../core/types.js';
import type { EffectIntent, JournalEntry, Lease, MigrationSummary } from '../../ports.js';
import { utc } from '../sqlite/canonical.js';
import {
  journalParams,
  jsonOrNull,
  markParams,
  type MarkRowData,
  type SummaryColumns,
  summaryFields,
  toMarks,
} from '../sqlite/rows.js';

export interface MigrationParamsInput {
  id: string;
  orgId: string;
  plan: unknown;
  snapshot?: unknown;
  machineVersion: string;
  xstateVersion: string;
  state: string;
  status: MigrationStatus;
  at: string;
  createdAt?: string;
  progressAt?: string;
  attempts?: number;
  lastError?: unknown;
  ticketKey?: string | null;
}

/** The parameters of INSERT_MIGRATION, in its column order (due_at last: core/due.ts's rule). */
export function migrationParams(m: MigrationParamsInput): unknown[] {
  const at = utc(m.at);
  return [
    ...[m.id, m.orgId, JSON.stringify(m.plan ?? null), jsonOrNull(m.snapshot), m.machineVersion, m.xstateVersion],
    ...[m.state, m.status, m.createdAt ? utc(m.createdAt) : at, at, m.progressAt ? utc(m.progressAt) : at],
    ...[m.attempts ?? 0, jsonOrNull(m.lastError), m.ticketKey ?? null],
    dueAtOf(m),
  ];
}

/** Journal entries as append_journal's JSON array: data as JSON text, so a JSON null stays a JSON null. */
export function journalRows(entries: JournalEntry[]): string {
  return JSON.stringify(entries.map((e) => journalParams('', e)));
}

export function markRows(marks: Marks): string {
  return JSON.stringify(markParams('', marks, ''));
}

export function intentRows(intents: EffectIntent[]): string {
  return JSON.stringify(
    intents.map((i) => ({
      key: i.key,
      migration_id: i.migrationId,
      step: i.step,
      fingerprint: i.fingerprint,
      intent_at: utc(i.at),
    })),
  );
}

export type SummaryRow = SummaryColumns & { plan_sla: number | null; plan_zone: string | null };

export function summaryOf(row: SummaryRow, marks: MarkRowData[], lease: Lease | null): MigrationSummary {
  const planSlaTimeZone = row.plan_zone;
  return { ...summaryFields(row), marks: toMarks(marks), planSlaBusinessDays: row.plan_sla, planSlaTimeZone, lease };
}
