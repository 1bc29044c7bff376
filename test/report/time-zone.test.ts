// A plan's sla.timeZone decides which calendar its business days are counted on, in the report (the ticket
// turnaround and "stalled") and in `cutover list --stalled`. Two migrations with identical marks, one plan in UTC
// and one in Los Angeles: a ticket filed Friday 17:00 PST (Saturday 01:00 UTC), before and after the US DST
// change of Sunday 8 March 2026.
import { collect } from '../support/collect.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReportSource, type SqliteReportSource } from '../../src/adapters/sqlite/report-source.js';
import type { ListRow } from '../../src/cli/commands/list.js';
import type { Marks } from '../../src/core/types.js';
import { toReportRow } from '../../src/report/model.js';
import { query, runCli, seededDb } from './helpers.js';

const FILED = '2026-03-07T01:00:00.000Z'; // Friday 2026-03-06 17:00 PST
const STOPPED = '2026-03-10T00:00:00.000Z'; // Monday 2026-03-09 17:00 PDT, after the spring-forward
const MONDAY_NOON_LA = '2026-03-09T19:00:00.000Z'; // 12:00 PDT
const LA = { ticketSlaBusinessDays: 1, sla: { timeZone: 'America/Los_Angeles' } };
const UTC = { ticketSlaBusinessDays: 1 };

const done: Marks = {
  ticket_filed: { at: FILED, source: 'jira.created' },
  legacy_stopped: { at: STOPPED, source: 'jira.resolutiondate' },
};
const waiting: Marks = { ticket_filed: { at: FILED, source: 'jira.created' } };
const WAITING = { status: 'waiting', state: 'awaiting_resolution.sleeping', marks: waiting } as const;

let db: string;
let source: SqliteReportSource;
beforeAll(async () => {
  db = await seededDb([
    { id: 'done-la', plan: LA, marks: done },
    { id: 'done-utc', plan: UTC, marks: done },
    { id: 'wait-la', plan: LA, ...WAITING },
    { id: 'wait-utc', plan: UTC, ...WAITING },
  ]);
  source = openReportSource(db);
});
afterAll(() => source.close());

const rows = async (now: string) => {
  const q = query({ now });
  return new Map((await collect(source.rows(q))).map((m) => [m.id, toReportRow(m, q)] as const));
};

describe("business days in the plan's time zone", () => {
  it('counts the turnaround on Los Angeles dates: Friday to Monday is 1 business day there, 2 in UTC', async () => {
    const byId = await rows(MONDAY_NOON_LA);
    expect(byId.get('done-la')!.downtime.turnaroundBusinessDays?.days).toBe(1);
    expect(byId.get('done-utc')!.downtime.turnaroundBusinessDays?.days).toBe(2);
  });

  it('judges "stalled" on the zone\'s deadline: Monday noon in Los Angeles is within a 1-day SLA there', async () => {
    const byId = await rows(MONDAY_NOON_LA);
    expect(byId.get('wait-utc')!.stalledReason).toBe('ticket open longer than its 1 business-day SLA');
    expect(byId.get('wait-la')!.stalled).toBe(false);
    expect((await rows('2026-03-10T00:00:01.000Z')).get('wait-la')!.stalled).toBe(true); // Monday 17:00:01 PDT
  });

  it('prints those figures in the JSON report', async () => {
    const run = await runCli(['--db', db, 'report', '--json'], {}, MONDAY_NOON_LA);
    expect(run.code).toBe(0);
    type Migration = { id: string; figures: { turnaroundBusinessDays: number | null }; stalled: boolean };
    const report = JSON.parse(run.stdout) as { migrations: Migration[] };
    const byId = new Map(report.migrations.map((m) => [m.id, m]));
    expect(byId.get('done-la')!.figures.turnaroundBusinessDays).toBe(1);
    expect(byId.get('done-utc')!.figures.turnaroundBusinessDays).toBe(2);
    expect([byId.get('wait-la')!.stalled, byId.get('wait-utc')!.stalled]).toEqual([false, true]);
  });

  it('names the zone in the single-record Markdown report', async () => {
    const md = (id: string) => runCli(['--db', db, 'report', '--format', 'md', '--id', id], {}, MONDAY_NOON_LA);
    expect((await md('done-la')).stdout).toContain('| ticket turnaround, business days | 1 business day |');
    expect((await md('done-la')).stdout).toContain('listed holidays (America/Los_Angeles dates)._');
    expect((await md('done-utc')).stdout).toContain('listed holidays (UTC dates)._');
  });

  it("cutover list --stalled flags the UTC plan's ticket and not the Los Angeles one", async () => {
    const run = await runCli(['--db', db, 'list', '--stalled', '--json'], {}, MONDAY_NOON_LA);
    expect(run.code).toBe(0);
    const listed = JSON.parse(run.stdout) as ListRow[];
    expect(listed.map((r) => [r.id, r.stallReasons.map((s) => s.code)])).toEqual([['wait-utc', ['ticket_past_sla']]]);
    const afterFive = await runCli(['--db', db, 'list', '--stalled', '--json'], {}, '2026-03-10T00:00:01.000Z');
    const later = JSON.parse(afterFive.stdout) as ListRow[];
    expect(later.map((r) => r.id).sort()).toEqual(['wait-la', 'wait-utc']);
  });
});
