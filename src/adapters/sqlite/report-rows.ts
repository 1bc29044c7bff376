// A report row as both stores' report SQL returns it (an array of columns, in SELECT order), and its mapping to
// the report's MigrationMarks. Shared by the SQLite and PostgreSQL report sources, so both build the same rows.
import { slaBusinessDays, slaTimeZone } from '../../core/stall.js';
import type { Mark, MarkName, Marks, MigrationStatus } from '../../core/types.js';
import type { MigrationMarks } from '../../report/source.js';

type PackedMark = [at: string, source: string, overrideBy: string | null, overrideReason: string | null];

/** A row of ROWS_SQL in raw mode: its columns in SELECT order. */
export type RowTuple = [
  id: string,
  orgId: string,
  status: string,
  state: string,
  ticketKey: string | null,
  createdAt: string,
  sla: unknown,
  zone: unknown,
  marks: string | null,
];

/** The migration's summary and marks; marks are built as rows.ts toMarks builds them, without the row objects. */
export function toMigrationMarks(row: RowTuple): MigrationMarks {
  const [id, orgId, status, state, ticketKey, createdAt, sla, zone, packedMarks] = row;
  const packed = JSON.parse(packedMarks ?? '{}') as Record<string, PackedMark>;
  const marks: Marks = {};
  for (const name in packed) {
    const [at, source, by, reason] = packed[name] as PackedMark;
    const mark: Mark = { at, source };
    if (by !== null) mark.override = { by, reason: reason ?? '' };
    marks[name as MarkName] = mark;
  }
  const result: MigrationMarks = {
    id: String(id),
    orgId: String(orgId),
    status: status as MigrationStatus,
    state: String(state),
    ticketKey,
    createdAt: String(createdAt),
    slaBusinessDays: status === 'waiting' ? slaBusinessDays(sla) : null,
    marks,
  };
  if (zone !== null) result.slaTimeZone = slaTimeZone(zone);
  return result;
}
