// Scale: a 100,000-migration database (≈1M journal rows, 500,000 marks) is reported in one pass over streamed
// rows (the aggregate folded from them, the rows spooled to a temporary file until it is written). Seeded with raw
// SQL in one transaction (the store's API would take minutes); the report then runs through the real source and
// renderers into a sink that counts bytes; the heap is sampled as rows are read and as the sink receives them.
import path from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReportSource, type SqliteReportSource } from '../../src/adapters/sqlite/report-source.js';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { renderReport, type ReportFormat, type ReportSource } from '../../src/report/index.js';
import { aggregateOf } from '../../src/report/summary.js';
import { query, tempDir } from './helpers.js';

// 20,000 in the everyday suite (a few seconds); CUTOVER_REPORT_SCALE=100000 runs the full size (the benchmark
// in bench/ measures that one's time and memory).
const MIGRATIONS = Number(process.env.CUTOVER_REPORT_SCALE ?? 20_000);
const JOURNAL_PER_MIGRATION = 10;
const MARKS = ['ticket_filed', 'legacy_stopped', 'resolution_detected', 'connection_established', 'first_data'];
// Offsets of each mark from the migration's start, in minutes (varied per migration below).
const OFFSETS = [0, 2 * 1440, 2 * 1440 + 1, 2 * 1440 + 3, 2 * 1440 + 40];

function seedLarge(file: string): void {
  openStore(file).close();
  const db = new Database(file);
  const insertMigration = db.prepare(
    `INSERT INTO migrations (id, org_id, plan, machine_version, xstate_version, state, status, created_at, updated_at, progress_at)
     VALUES (?, ?, '{"ticketSlaBusinessDays":6}', 'm1', '5.33.3', 'done', ?, ?, ?, ?)`,
  );
  const insertMark = db.prepare(
    `INSERT INTO marks (migration_id, name, at, source, recorded_at) VALUES (?, ?, ?, 'seed', ?)`,
  );
  const insertJournal = db.prepare(
    `INSERT INTO journal (migration_id, kind, at, name, data) VALUES (?, 'transition', ?, 'SEEDED', '{"n":1}')`,
  );
  const start = Date.parse('2025-01-01T00:00:00Z');
  db.transaction(() => {
    for (let i = 0; i < MIGRATIONS; i++) {
      const id = `m${String(i).padStart(6, '0')}`;
      const t0 = start + i * 300_000;
      const created = new Date(t0).toISOString();
      insertMigration.run(
        id,
        `ORG${i % 50}@AdobeOrg`,
        i % 10 === 0 ? 'waiting' : 'completed',
        created,
        created,
        created,
      );
      const marks = i % 10 === 0 ? 1 : MARKS.length; // every tenth is still waiting on its ticket
      for (let k = 0; k < marks; k++)
        insertMark.run(id, MARKS[k], new Date(t0 + ((OFFSETS[k] ?? 0) + (i % 97) * k) * 60_000).toISOString(), created);
      for (let j = 0; j < JOURNAL_PER_MIGRATION; j++) insertJournal.run(id, created);
    }
  })();
  db.close();
}

/** Counts what it is given and records the largest heap seen while the report was being written. */
class MeasuringSink extends Writable {
  bytes = 0;
  peakHeap = 0;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.bytes += chunk.length;
    this.peakHeap = Math.max(this.peakHeap, process.memoryUsage().heapUsed);
    setImmediate(done); // a slow consumer: the writer must wait for 'drain'
  }
}

let source: SqliteReportSource;

beforeAll(() => {
  const file = path.join(tempDir(), 'large.db');
  seedLarge(file);
  source = openReportSource(file);
}, 180_000);
afterAll(() => source?.close());

describe(`report over ${MIGRATIONS.toLocaleString('en')} migrations`, () => {
  // Its time is measured by the benchmarks (bench/), never asserted here.
  it('aggregates every migration', async () => {
    const agg = await aggregateOf(source, query());
    expect(agg.count).toBe(MIGRATIONS);
    expect(agg.figures.downtime.count).toBe(MIGRATIONS * 0.9);
    expect(agg.stalled).toBe(MIGRATIONS / 10);
  }, 60_000);

  it.each<ReportFormat>(['json', 'html'])(
    'streams the %s report with a flat heap',
    async (format) => {
      const sink = new MeasuringSink();
      const sampled: ReportSource = {
        async *rows(q) {
          let n = 0;
          for await (const row of source.rows(q)) {
            if (++n % 1_000 === 0) sink.peakHeap = Math.max(sink.peakHeap, process.memoryUsage().heapUsed);
            yield row;
          }
        },
        snapshot: (fn) => source.snapshot(fn),
        close: () => source.close(),
      };
      const before = process.memoryUsage().heapUsed;
      await renderReport(format, sampled, { query: query(), timelineCap: 2_000 }, sink);
      expect(sink.bytes).toBeGreaterThan(MIGRATIONS * 100);
      // Holding 100,000 rows would cost hundreds of MB; streaming stays within a few chunks and GC slack.
      expect(sink.peakHeap - before).toBeLessThan(96 * 1024 * 1024);
    },
    120_000,
  );
});
