import { describe, expect, it } from 'vitest';
import { computeDowntime, formatDuration, markLabel, measureText } from '../../src/core/downtime.js';
import { businessDaysBetween } from '../../src/core/business-days.js';
import { isTicketPastSla, parseJiraTimestamp, slaDeadline, tryParseInstant } from '../../src/core/time.js';
import type { Marks } from '../../src/core/types.js';

const mark = (at: string, source = 'test') => ({ at, source });

describe('parseJiraTimestamp', () => {
  it('normalises +HHmm, -HHmm, +HH:mm and Z to UTC ISO', () => {
    expect(parseJiraTimestamp('2026-03-27T16:42:10.123+0100')).toBe('2026-03-27T15:42:10.123Z');
    expect(parseJiraTimestamp('2026-03-27T16:42:10.123-0500')).toBe('2026-03-27T21:42:10.123Z');
    expect(parseJiraTimestamp('2026-03-27T16:42:10.123+05:30')).toBe('2026-03-27T11:12:10.123Z');
    expect(parseJiraTimestamp('2026-03-27T16:42:10.123Z')).toBe('2026-03-27T16:42:10.123Z');
    expect(parseJiraTimestamp('2026-12-31T23:30:00.000-0500')).toBe('2027-01-01T04:30:00.000Z');
  });

  it.each([
    '2026-03-27T16:42:10+0100', // no milliseconds
    '2026-03-27T16:42:10.123', // no offset
    '2026-03-27 16:42:10.123+0100',
    '2026-03-27T16:42:10.123+01',
    '2026-02-29T10:00:00.000Z', // 2026 is not a leap year
    '2026-03-27T16:60:10.123Z',
    '1711554130123',
    '',
  ])('throws on %j', (s) => {
    expect(() => parseJiraTimestamp(s)).toThrow(RangeError);
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseJiraTimestamp('2028-02-29T00:00:00.000+0000')).toBe('2028-02-29T00:00:00.000Z');
  });
});

describe('formatDuration', () => {
  it.each([
    [850, '850 ms'],
    [0, '0 ms'],
    [12_345, '12.3s'],
    [252_300, '4m 12.3s'],
    [65_000, '1m 05.0s'],
    [3 * 3_600_000 + 5 * 60_000, '3h 05m'],
    [2 * 86_400_000 + 3 * 3_600_000 + 5 * 60_000, '2d 3h 05m'],
    [-252_300, '-4m 12.3s'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('null, undefined and NaN read n/a', () => {
    expect(formatDuration(null)).toBe('n/a');
    expect(formatDuration(undefined)).toBe('n/a');
    expect(formatDuration(Number.NaN)).toBe('n/a');
  });

  it('writes seconds as toFixed(1) did, for every tenth below an hour and fractional milliseconds', () => {
    // The seconds were formatted with toFixed(1) and padStart; they are now written from whole tenths.
    const reference = (ms: number): string => {
      const tenths = Math.round(ms / 100);
      const minutes = Math.floor(tenths / 600);
      const seconds = ((tenths % 600) / 10).toFixed(1);
      return minutes > 0 ? `${minutes}m ${seconds.padStart(4, '0')}s` : `${seconds}s`;
    };
    for (let tenths = 10; tenths < 36_000; tenths++) {
      for (const ms of [tenths * 100, tenths * 100 - 49.5, tenths * 100 + 49]) {
        if (Math.round(ms) >= 1000 && Math.round(ms / 100) < 36_000)
          expect(formatDuration(ms), String(ms)).toBe(reference(ms));
      }
    }
  });
});

describe('computeDowntime', () => {
  const marks: Marks = {
    ticket_filed: mark('2026-03-20T16:00:00.000Z', 'jira.created'), // Friday
    legacy_stopped: mark('2026-03-23T09:00:00.000Z', 'jira.resolutiondate'), // Monday
    resolution_detected: mark('2026-03-23T09:01:30.000Z', 'clock'),
    connection_established: mark('2026-03-23T09:01:32.500Z', 'flow.createdAt'),
    first_data: mark('2026-03-23T13:00:00.000Z', 'aam'),
  };

  it('derives every duration from the marks', () => {
    const d = computeDowntime(marks);
    expect(d.window).toMatchObject({ ms: 92_500, text: '1m 32.5s', negative: false });
    expect(d.detectionLag?.text).toBe('1m 30.0s');
    expect(d.executionTime?.text).toBe('2.5s');
    expect(d.dataGap?.text).toBe('4h 00m');
    expect(d.turnaroundCalendar?.text).toBe('2d 17h 00m');
    expect(d.turnaroundBusinessDays).toMatchObject({ days: 1, text: '1 business day' }); // Fri -> Mon
    expect(d.notes).toEqual([]);
  });

  it('marks stored with +0100 and -0500 offsets are exact instants', () => {
    const d = computeDowntime({
      legacy_stopped: mark('2026-03-23T10:00:00.000+0100'),
      connection_established: mark('2026-03-23T04:05:00.000-0500'),
    });
    expect(d.window?.ms).toBe(5 * 60_000);
  });

  it('a window across the Europe/London DST change (2026-03-29) is exact', () => {
    // 00:30 GMT, then clocks go forward at 01:00 UTC; 02:30 BST is 01:30 UTC: one hour, not two.
    const d = computeDowntime({
      legacy_stopped: mark('2026-03-29T00:30:00.000+00:00'),
      connection_established: mark('2026-03-29T02:30:00.000+01:00'),
    });
    expect(d.window?.ms).toBe(3_600_000);
    expect(d.window?.text).toBe('1h 00m');
  });

  it('missing marks give null (rendered n/a), never 0 or NaN', () => {
    const d = computeDowntime({ ticket_filed: marks.ticket_filed!, legacy_stopped: marks.legacy_stopped! });
    expect(d.window).toBeNull();
    expect(d.detectionLag).toBeNull();
    expect(d.executionTime).toBeNull();
    expect(d.dataGap).toBeNull();
    expect(measureText(d.window)).toBe('n/a');
    expect(d.turnaroundCalendar).not.toBeNull();
    expect(d.notes).toEqual(['connection_established missing', 'resolution_detected missing', 'first_data missing']);
    expect(computeDowntime({}).turnaroundBusinessDays).toBeNull();
  });

  it('notes an unreadable mark once, in figure order, and derives nothing from it', () => {
    const d = computeDowntime({
      ticket_filed: mark('2026-03-20T16:00:00.000Z'),
      legacy_stopped: mark('yesterday'),
      connection_established: mark('2026-03-23T09:01:32.500Z'),
    });
    expect(d.turnaroundCalendar).toBeNull();
    expect(d.turnaroundBusinessDays).toBeNull();
    expect(d.window).toBeNull();
    expect(d.executionTime).toBeNull();
    expect(d.notes).toEqual([
      'legacy_stopped unreadable: "yesterday" is not an ISO-8601 instant',
      'resolution_detected missing',
      'first_data missing',
    ]);
  });

  it('a negative interval (clock skew) is flagged, not hidden', () => {
    const d = computeDowntime({
      legacy_stopped: mark('2026-03-23T09:00:00.000Z'),
      connection_established: mark('2026-03-23T08:59:58.000Z'),
    });
    expect(d.window).toMatchObject({ ms: -2_000, negative: true });
    expect(d.window?.text).toBe('-2.0s (negative: connection_established before legacy_stopped)');
  });

  it('honours holidays in business days', () => {
    const d = computeDowntime(
      { ticket_filed: mark('2026-12-24T10:00:00Z'), legacy_stopped: mark('2026-12-28T10:00:00Z') },
      { holidays: ['2026-12-25'] },
    );
    expect(d.turnaroundBusinessDays?.days).toBe(1); // Thu 24 -> Mon 28: Fri 25 is a holiday
  });
});

describe('markLabel', () => {
  it('labels an operator override', () => {
    expect(
      markLabel({
        at: '2026-03-23T09:00:00.000Z',
        source: 'operator',
        override: { by: 'sam', reason: 'resolutiondate missing in DC 8' },
      }),
    ).toBe('2026-03-23T09:00:00.000Z (operator) (operator override by sam: resolutiondate missing in DC 8)');
    expect(markLabel({ at: '2026-03-23T09:00:00.000Z', source: 'jira.resolutiondate' })).toBe(
      '2026-03-23T09:00:00.000Z (jira.resolutiondate)',
    );
    expect(markLabel(undefined)).toBe('n/a');
  });
});

describe('business days and the ticket SLA', () => {
  const ms = (s: string): number => tryParseInstant(s)!;
  it('counts business dates crossed (UTC); a partial day counts when its date is crossed', () => {
    expect(businessDaysBetween(ms('2026-03-20T17:00:00Z'), ms('2026-03-23T09:00:00Z'))).toBe(1); // Fri -> Mon
    expect(businessDaysBetween(ms('2026-03-23T09:00:00Z'), ms('2026-03-23T17:00:00Z'))).toBe(0); // same day
    expect(businessDaysBetween(ms('2026-03-21T09:00:00Z'), ms('2026-03-22T09:00:00Z'))).toBe(0); // Sat -> Sun
    expect(businessDaysBetween(ms('2026-03-20T09:00:00Z'), ms('2026-03-30T09:00:00Z'))).toBe(6); // two weekends
    expect(businessDaysBetween(ms('2026-03-23T09:00:00Z'), ms('2026-03-20T09:00:00Z'))).toBe(-1);
  });

  it('rejects malformed holidays', () => {
    expect(() => businessDaysBetween(0, 1, ['2026-02-30'])).toThrow(/yyyy-MM-dd/);
  });

  it('a ticket is past its SLA strictly after n business days', () => {
    const filed = '2026-03-20T10:00:00.000Z'; // Friday
    expect(slaDeadline(filed, 6)).toBe('2026-03-30T10:00:00.000Z'); // Mon 23 .. Fri 27 = 5, Mon 30 = 6
    expect(isTicketPastSla(filed, '2026-03-30T10:00:00.000Z', 6)).toBe(false);
    expect(isTicketPastSla(filed, '2026-03-30T10:00:00.001Z', 6)).toBe(true);
    expect(isTicketPastSla(filed, '2026-03-31T10:00:00.000+0100', 6, ['2026-03-30'])).toBe(false);
  });
});
