import { describe, expect, it } from 'vitest';
import { slaBusinessDays, stallReasons, type StallLease, type StallRecord } from '../../src/core/stall.js';

const filedMonday = '2026-01-05T09:00:00.000Z';

function record(over: Partial<StallRecord> = {}): StallRecord {
  return {
    id: 'm-1',
    state: 'awaiting_resolution.sleeping',
    status: 'waiting',
    progressAt: filedMonday,
    lastError: null,
    ticketKey: 'CC-7',
    marks: { ticket_filed: { at: filedMonday, source: 'jira.created' } },
    planSlaBusinessDays: 6,
    ...over,
  };
}

const lease = (expiresAt: string): StallLease => ({ nonce: 'abc123', holder: 'ann@laptop:77', expiresAt });
const codes = (r: StallRecord, now: string, l: StallLease | null = null, o = {}) =>
  stallReasons(r, l, now, o).map((x) => x.code);

describe('stallReasons', () => {
  it('flags a ticket only once it is past its service level in business days (weekends do not count)', () => {
    expect(codes(record(), '2026-01-13T09:00:00Z')).toEqual([]); // exactly 6 business days: still within
    expect(codes(record(), '2026-01-13T09:00:01Z')).toEqual(['ticket_past_sla']);
    expect(codes(record(), '2026-01-13T09:00:01Z', null, { holidays: ['2026-01-06'] })).toEqual([]);
  });

  it('takes the service level from the plan, else 6, and an explicit option over both', () => {
    expect(codes(record({ planSlaBusinessDays: 2 }), '2026-01-07T10:00:00Z')).toEqual(['ticket_past_sla']);
    expect(slaBusinessDays(null)).toBe(6);
    expect(slaBusinessDays(-1)).toBe(6);
    expect(codes(record({ planSlaBusinessDays: null }), '2026-01-13T10:00:00Z')).toEqual(['ticket_past_sla']);
    expect(codes(record(), '2026-01-20T10:00:00Z', null, { slaBusinessDays: 20 })).toEqual([]);
  });

  it("counts the service level on the dates of the plan's sla.timeZone: Friday 17:00 in LA is not Saturday", () => {
    const fridayEvening = '2026-01-10T01:00:00.000Z'; // Friday 2026-01-09 17:00 PST
    const marks = { ticket_filed: { at: fridayEvening, source: 'jira.created' } };
    const filedInLa = (zone: string | null) => record({ planSlaBusinessDays: 1, planSlaTimeZone: zone, marks });
    const mondayNoonLa = '2026-01-12T20:00:00Z';
    expect(codes(filedInLa(null), mondayNoonLa)).toEqual(['ticket_past_sla']); // UTC: due Monday 01:00Z
    expect(codes(filedInLa('America/Los_Angeles'), mondayNoonLa)).toEqual([]); // due Monday 17:00 PST
    expect(codes(filedInLa(null), mondayNoonLa, null, { timeZone: 'America/Los_Angeles' })).toEqual([]);
    const [reason] = stallReasons(filedInLa('America/Los_Angeles'), null, '2026-01-13T01:30:00Z'); // Mon 17:30 PST
    expect(reason?.message).toBe(`CC-7 filed ${fridayEvening} has waited 1 business days (service level 1)`);
    const [utcReason] = stallReasons(filedInLa(null), null, '2026-01-13T01:30:00Z');
    expect(utcReason?.message).toContain('has waited 2 business days');
    expect(codes(filedInLa('Mars/Olympus_Mons'), mondayNoonLa)).toEqual(['ticket_past_sla']); // unknown: UTC, as absent
  });

  it('does not count days of silence on a ticket within its service level as "no progress"', () => {
    expect(codes(record(), '2026-01-09T09:00:00Z', null, { stallHours: 1 })).toEqual([]);
  });

  it('flags no progress past stallHours anywhere else, and never on a finished migration', () => {
    const verifying = record({ state: 'verifying.sleeping', marks: {} });
    expect(codes(verifying, '2026-01-06T09:00:00Z')).toEqual([]);
    expect(codes(verifying, '2026-01-06T09:00:01Z')).toEqual(['no_progress']);
    expect(codes(verifying, '2026-01-06T09:00:01Z', null, { stallHours: 48 })).toEqual([]);
    expect(
      codes(record({ status: 'completed', state: 'completed' }), '2026-03-01T00:00:00Z', lease('2026-01-05T09:01:00Z')),
    ).toEqual([]);
  });

  it('names the error of a migration in needs_attention', () => {
    const parked = record({
      status: 'needs_attention',
      state: 'needs_attention',
      progressAt: '2026-01-05T10:00:00Z',
      lastError: { code: 'FORBIDDEN', message: 'no Manage Destinations', at: filedMonday, retryable: false },
    });
    expect(stallReasons(parked, null, '2026-01-05T11:00:00Z')).toEqual([
      { code: 'needs_attention', message: 'needs attention: FORBIDDEN: no Manage Destinations' },
    ]);
  });

  it('flags a dead runner: a lease past its expiry on an unfinished migration, not a live one', () => {
    const active = record({ state: 'filing', status: 'active', marks: {}, progressAt: '2026-01-05T09:00:00Z' });
    expect(codes(active, '2026-01-05T09:05:00Z', lease('2026-01-05T09:06:00Z'))).toEqual([]);
    const [reason] = stallReasons(active, lease('2026-01-05T09:01:00Z'), '2026-01-05T09:05:00Z');
    expect(reason).toEqual({
      code: 'dead_runner',
      message: 'runner ann@laptop:77 (lock id abc123) stopped heartbeating; its lease expired 2026-01-05T09:01:00Z',
    });
  });
});
