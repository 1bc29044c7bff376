// The aggregate the report folds from its rows must give exactly the figures SQLite computed before it did
// (sql-aggregate.ts, the previous implementation) and a plain reference computed here from the downtime model's
// rows: ~500 random migrations (random offsets, missing marks, negative intervals, overrides, statuses, SLAs),
// several filters, holidays.
import path from 'node:path';
import { collect } from '../support/collect.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReportSource, type SqliteReportSource } from '../../src/adapters/sqlite/report-source.js';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { MIGRATION_STATUSES, type Marks, type MigrationStatus } from '../../src/core/types.js';
import { toReportRow } from '../../src/report/model.js';
import type { ReportQuery } from '../../src/report/source.js';
import { aggregateOf } from '../../src/report/summary.js';
import { query, seed, tempDir, type SeedMigration } from './helpers.js';
import { referenceAggregate } from './reference-aggregate.js';
import { sqlAggregate } from './sql-aggregate.js';
import { createRng } from '../../src/emulator/rng.js'; // seeded mulberry32: a failure reproduces

const OFFSETS = ['Z', '+0100', '-0500', '+05:30', '+02:00', '-03:00'];

function isoWithOffset(ms: number, offset: string): string {
  if (offset === 'Z') return new Date(ms).toISOString();
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const minutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  return `${new Date(ms + minutes * 60_000).toISOString().slice(0, 23)}${offset}`;
}

function randomMigration(i: number, rand: () => number): SeedMigration {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const created = Date.parse('2026-01-01T00:00:00Z') + Math.floor(rand() * 90 * 86_400_000);
  const stopped = created + Math.floor(rand() * 12 * 86_400_000);
  // Every mark is present with probability 0.85; intervals are mostly minutes, sometimes negative (skew).
  const instants: [keyof Marks, number][] = [
    ['ticket_filed', created + Math.floor(rand() * 3_600_000)],
    ['legacy_stopped', stopped],
    ['resolution_detected', stopped + Math.floor((rand() - 0.05) * 600_000)],
    ['connection_established', stopped + Math.floor((rand() - 0.05) * 3_600_000)],
    ['first_data', stopped + Math.floor(rand() * 30 * 3_600_000)],
  ];
  const marks: Marks = {};
  for (const [name, ms] of instants) {
    if (rand() < 0.15) continue;
    marks[name] = { at: isoWithOffset(ms + Math.floor(rand() * 1000), pick(OFFSETS)), source: 'random' };
    if (rand() < 0.05) marks[name]!.override = { by: 'ops', reason: 'checked by hand' };
  }
  const status: MigrationStatus = pick(MIGRATION_STATUSES);
  const plan = rand() < 0.1 ? { ticketSlaBusinessDays: 'six' } : { ticketSlaBusinessDays: 1 + Math.floor(rand() * 10) };
  return {
    id: `mig-${String(i).padStart(4, '0')}`,
    orgId: `ORG${i % 7}@AdobeOrg`,
    status,
    createdAt: new Date(created).toISOString(),
    marks,
    plan,
  };
}

let file: string;
let source: SqliteReportSource;

beforeAll(async () => {
  file = path.join(tempDir(), 'state.db');
  const store = openStore(file);
  const rand = createRng(20260401);
  for (let i = 0; i < 500; i++) await seed(store, randomMigration(i, rand));
  await store.close();
  source = openReportSource(file);
});
afterAll(() => source?.close());

const QUERIES: [string, Partial<ReportQuery>][] = [
  ['everything', {}],
  ['one org', { orgId: 'ORG3@AdobeOrg' }],
  ['waiting only', { status: 'waiting' }],
  ['February', { since: '2026-02-01T00:00:00.000Z', until: '2026-03-01T00:00:00.000Z' }],
  [
    'holidays and another now',
    { holidays: ['2026-02-16', '2026-03-06', '2026-03-09'], now: '2026-03-10T00:00:00.000Z' },
  ],
  ['nothing matches', { orgId: 'NOBODY@AdobeOrg' }],
];

describe('the folded aggregate = the SQL aggregate = a reference over the rows', () => {
  it.each(QUERIES)('%s', async (_name, over) => {
    const q = query(over);
    const folded = await aggregateOf(source, q);
    expect(folded).toEqual(sqlAggregate(file, q));
    expect(folded).toEqual(referenceAggregate((await collect(source.rows(q))).map((m) => toReportRow(m, q))));
    if (over.orgId !== 'NOBODY@AdobeOrg') expect(folded.figures.downtime.count).toBeGreaterThan(0);
  });

  it('covers the interesting cases (negative windows, overrides, stalled)', async () => {
    const agg = await aggregateOf(source, query());
    expect(agg.count).toBe(500);
    expect(agg.histogram[0]?.count).toBeGreaterThan(0);
    expect(agg.overridden).toBeGreaterThan(0);
    expect(agg.stalled).toBeGreaterThan(0);
  });
});
