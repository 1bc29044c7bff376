// Row shapes of the SQLite schema and their mapping to and from the port's records. JSON columns are parsed
// here and nowhere else.
import type { Mark, MarkName, Marks, MigrationStatus, StoredError } from '../../core/types.js';
import type { EffectRow, JournalEntry, JournalKind, JournalRow, Lease, MigrationRecord } from '../../ports.js';
import { canonicalMark, utc } from './canonical.js';

export interface MigrationRowData {
  id: string;
  org_id: string;
  plan: string;
  snapshot: string | null;
  machine_version: string;
  xstate_version: string;
  state: string;
  status: string;
  created_at: string;
  updated_at: string;
  progress_at: string;
  attempts: number;
  last_error: string | null;
  ticket_key: string | null;
}

export interface MarkRowData {
  name: string;
  at: string;
  source: string;
  override_by: string | null;
  override_reason: string | null;
}

export interface JournalRowData {
  seq: number;
  migration_id: string;
  kind: string;
  at: string;
  name: string;
  actor: string | null;
  reason: string | null;
  data: string | null;
}

export interface EffectRowData {
  key: string;
  migration_id: string;
  step: string;
  fingerprint: string;
  intent_at: string;
  attempts: number;
  outcome_at: string | null;
  status: string | null;
  remote_id: string | null;
}

export interface LeaseRowData {
  migration_id: string;
  nonce: string;
  holder: string;
  acquired_at: string;
  heartbeat_at: string;
  expires_at: string;
}

/** JSON text for a nullable column: undefined and null are both SQL NULL. */
export function jsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function parseOrNull<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export function toRecord(row: MigrationRowData, marks: MarkRowData[]): MigrationRecord {
  // id and orgId first, then plan and snapshot: the key order every JSON output of a record has always had.
  const { id, orgId, ...rest } = summaryFields(row);
  return {
    id,
    orgId,
    plan: JSON.parse(row.plan) as unknown,
    snapshot: parseOrNull(row.snapshot),
    ...rest,
    marks: toMarks(marks),
  };
}

/** The summary columns of a migration row: everything but the plan, the snapshot and the marks. */
export type SummaryColumns = Omit<MigrationRowData, 'plan' | 'snapshot'>;

export function summaryFields(row: SummaryColumns): Omit<MigrationRecord, 'plan' | 'snapshot' | 'marks'> {
  return {
    id: row.id,
    orgId: row.org_id,
    machineVersion: row.machine_version,
    xstateVersion: row.xstate_version,
    state: row.state,
    status: row.status as MigrationStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    progressAt: row.progress_at,
    attempts: row.attempts,
    lastError: parseOrNull<StoredError>(row.last_error),
    ticketKey: row.ticket_key,
  };
}

export function toMarks(rows: MarkRowData[]): Marks {
  const marks: Marks = {};
  for (const row of rows) {
    const mark: Mark = { at: row.at, source: row.source };
    if (row.override_by !== null) mark.override = { by: row.override_by, reason: row.override_reason ?? '' };
    marks[row.name as MarkName] = mark;
  }
  return marks;
}

/** Parameters of the marks upsert, one object per mark. */
export function markParams(migrationId: string, marks: Marks, recordedAt: string) {
  const present = Object.entries(marks).filter((entry): entry is [string, Mark] => entry[1] !== undefined);
  return present.map(([name, given]) => {
    const mark = canonicalMark(name, given);
    return {
      migration_id: migrationId,
      name,
      at: mark.at,
      source: mark.source,
      override_by: mark.override?.by ?? null,
      override_reason: mark.override?.reason ?? null,
      recorded_at: recordedAt,
    };
  });
}

export function journalParams(migrationId: string, e: JournalEntry) {
  return {
    migration_id: migrationId,
    kind: e.kind,
    at: utc(e.at),
    name: e.name,
    actor: e.actor ?? null,
    reason: e.reason ?? null,
    data: e.data === undefined ? null : JSON.stringify(e.data),
  };
}

export function toJournalRow(row: JournalRowData): JournalRow {
  const entry: JournalRow = {
    seq: row.seq,
    migrationId: row.migration_id,
    kind: row.kind as JournalKind,
    at: row.at,
    name: row.name,
  };
  if (row.actor !== null) entry.actor = row.actor;
  if (row.reason !== null) entry.reason = row.reason;
  if (row.data !== null) entry.data = JSON.parse(row.data) as unknown;
  return entry;
}

export function toEffectRow(row: EffectRowData): EffectRow {
  return {
    migrationId: row.migration_id,
    key: row.key,
    step: row.step,
    fingerprint: row.fingerprint,
    at: row.intent_at,
    attempts: row.attempts,
    outcomeAt: row.outcome_at,
    status: row.status,
    remoteId: row.remote_id,
  };
}

export function toLease(row: LeaseRowData): Lease {
  return {
    migrationId: row.migration_id,
    nonce: row.nonce,
    holder: row.holder,
    acquiredAt: row.acquired_at,
    heartbeatAt: row.heartbeat_at,
    expiresAt: row.expires_at,
  };
}

export function leaseParams(lease: Lease): LeaseRowData {
  return {
    migration_id: lease.migrationId,
    nonce: lease.nonce,
    holder: lease.holder,
    acquired_at: utc(lease.acquiredAt),
    heartbeat_at: utc(lease.heartbeatAt),
    expires_at: utc(lease.expiresAt),
  };
}
