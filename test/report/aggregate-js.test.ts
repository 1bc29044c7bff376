// The report's fold (aggregate-js.ts) past its first buffer of 1,024 values per figure, against the plain reference:
// 5,000 synthetic migrations with missing marks, negative and equal intervals, overrides and every status.
import { describe, expect, it } from 'vitest';
import { MIGRATION_STATUSES, type Marks, type MarkName } from '../../src/core/types.js';
import { aggregateRows } from '../../src/report/aggregate-js.js';
import { toReportRow } from '../../src/report/model.js';
import type { MigrationMarks } from '../../src/report/source.js';
import { query } from './helpers.js';
import { referenceAggregate } from './reference-aggregate.js';

const NAMES: MarkName[] = [
  'ticket_filed',
  'legacy_stopped',
  'resolution_detected',
  'connection_established',
  'first_data',
];

function migration(i: number): MigrationMarks {
  const base = Date.parse('2026-01-05T00:00:00Z') + (i % 97) * 3_600_000;
  const marks: Marks = {};
  NAMES.forEach((name, k) => {
    if ((i + k) % 7 === 0) return; // a missing mark now and then
    // Offsets repeat (equal values in the sorts) and sometimes run backwards (negative figures).
    const offset = k === 0 ? -((i % 13) * 86_400_000) : ((i * (k + 3)) % 5_000) * 1_000 * (i % 11 === 0 ? -1 : 1);
    marks[name] = {
      at: new Date(base + offset).toISOString(),
      source: 'synthetic',
      ...(i % 31 === k ? { override: { by: 'ops', reason: 'checked' } } : {}),
    };
  });
  const status = MIGRATION_STATUSES[i % MIGRATION_STATUSES.length]!;
  return {
    id: `m${i}`,
    orgId: 'ORG@AdobeOrg',
    status,
    state: 'done',
    ticketKey: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    slaBusinessDays: status === 'waiting' ? i % 9 : null,
    marks,
  };
}

describe('aggregateRows', () => {
  it('equals the reference over 5,000 migrations', () => {
    const q = query({ holidays: ['2026-01-06', '2026-01-19'] });
    const rows = Array.from({ length: 5_000 }, (_, i) => toReportRow(migration(i), q));
    const folded = aggregateRows(rows);
    expect(folded.figures.downtime.count).toBeGreaterThan(2_048);
    expect(folded.histogram[0]?.count).toBeGreaterThan(0);
    expect(folded).toEqual(referenceAggregate(rows));
  });

  it('gives counts of 0 and nulls, never 0, for an empty fleet', () => {
    const agg = aggregateRows([]);
    expect(agg.count).toBe(0);
    expect(agg.figures.dataGap).toEqual({ count: 0, median: null, p95: null, max: null, total: null });
    expect(agg.histogram.every((b) => b.count === 0)).toBe(true);
  });
});
