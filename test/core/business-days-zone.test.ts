// Business days of a team outside UTC are its own calendar dates: Friday 17:00 in Los Angeles is Saturday 01:00
// UTC, still a Friday there. These pin the counts and deadlines across the 2026 DST changes (US: 8 March and
// 1 November; EU: 29 March and 25 October), and hold both against a day-by-day reference built on Intl alone.
import { describe, expect, it } from 'vitest';
import { addBusinessDays, businessDaysBetween, isTimeZone } from '../../src/core/business-days.js';
import { createRng } from '../../src/emulator/rng.js';

const LA = 'America/Los_Angeles';
const BERLIN = 'Europe/Berlin';
const at = (s: string): number => {
  const ms = Date.parse(s);
  expect(ms, s).not.toBeNaN();
  return ms;
};
const iso = (ms: number): string => new Date(ms).toISOString();

/** Business dates d of `zone` with date(from) < d <= date(to), walked hour by hour through Intl. */
function reference(fromMs: number, toMs: number, zone: string, holidays: readonly string[] = []): number {
  const fields = { year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' } as const;
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: zone, ...fields });
  const dateOf = (ms: number) => {
    const parts = Object.fromEntries(fmt.formatToParts(ms).map((p) => [p.type, p.value]));
    const weekend = parts.weekday === 'Sat' || parts.weekday === 'Sun';
    return { key: `${parts.year}-${parts.month}-${parts.day}`, weekend };
  };
  let count = 0;
  let last = dateOf(fromMs).key;
  for (let ms = fromMs + 3_600_000; ; ms += 3_600_000) {
    const d = dateOf(Math.min(ms, toMs));
    if (d.key !== last && !d.weekend && !holidays.includes(d.key)) count++;
    last = d.key;
    if (ms >= toMs) return count;
  }
}

describe('business days in America/Los_Angeles', () => {
  it('counts the Los Angeles dates: Friday 17:00 there (Saturday in UTC) to Monday 17:00 is one day, not two', () => {
    const filed = at('2026-03-06T17:00:00-08:00'); // Friday, PST; 2026-03-07T01:00Z
    const monday = at('2026-03-09T17:00:00-07:00'); // after the spring-forward of Sunday 8 March; 2026-03-10T00:00Z
    expect(businessDaysBetween(filed, monday, [], LA)).toBe(1);
    expect(businessDaysBetween(filed, monday)).toBe(2); // the UTC dates: Monday and Tuesday
  });

  it('takes weekends on local dates: filed Sunday evening (Monday in UTC), a day has passed by Monday morning', () => {
    const filed = at('2026-03-08T18:00:00-07:00'); // Sunday PDT; 2026-03-09T01:00Z, a Monday in UTC
    const mondayMorning = at('2026-03-09T10:00:00-07:00');
    expect(businessDaysBetween(filed, mondayMorning, [], LA)).toBe(1);
    expect(businessDaysBetween(filed, mondayMorning)).toBe(0);
  });

  it('keeps the local time of day across the spring-forward and the fall-back changes', () => {
    const fridayPst = at('2026-03-06T17:00:00-08:00');
    expect(iso(addBusinessDays(fridayPst, 1, [], LA))).toBe('2026-03-10T00:00:00.000Z'); // Monday 17:00 PDT
    expect(iso(addBusinessDays(fridayPst, 1))).toBe('2026-03-09T01:00:00.000Z'); // UTC: Monday 01:00Z
    const fridayPdt = at('2026-10-30T09:00:00-07:00');
    expect(iso(addBusinessDays(fridayPdt, 1, [], LA))).toBe('2026-11-02T17:00:00.000Z'); // Monday 09:00 PST
    expect(iso(addBusinessDays(fridayPdt, 6, [], LA))).toBe('2026-11-09T17:00:00.000Z');
  });

  it('returns to a wall time the spring-forward gap skipped on the days after it', () => {
    // Friday 02:30 PST; +2 business days passes Sunday 02:30, which does not exist, and lands Tuesday 02:30 PDT.
    expect(iso(addBusinessDays(at('2026-03-06T02:30:00-08:00'), 2, [], LA))).toBe('2026-03-10T09:30:00.000Z');
  });

  it('takes holidays as Los Angeles dates', () => {
    const filed = at('2026-03-06T17:00:00-08:00');
    expect(iso(addBusinessDays(filed, 1, ['2026-03-09'], LA))).toBe('2026-03-11T00:00:00.000Z'); // Tue 17:00 PDT
    expect(businessDaysBetween(filed, at('2026-03-10T17:00:00-07:00'), ['2026-03-09'], LA)).toBe(1);
  });
});

describe('business days in Europe/Berlin', () => {
  it('counts Monday 00:30 CEST (still Sunday in UTC) as a Monday, after the EU spring-forward', () => {
    const filed = at('2026-03-27T10:00:00+01:00'); // Friday CET
    const mondayNight = at('2026-03-30T00:30:00+02:00'); // 2026-03-29T22:30Z
    expect(businessDaysBetween(filed, mondayNight, [], BERLIN)).toBe(1);
    expect(businessDaysBetween(filed, mondayNight)).toBe(0);
  });

  it('keeps 10:00 Berlin time across 29 March and 25 October', () => {
    expect(iso(addBusinessDays(at('2026-03-27T10:00:00+01:00'), 1, [], BERLIN))).toBe('2026-03-30T08:00:00.000Z');
    expect(iso(addBusinessDays(at('2026-10-23T10:00:00+02:00'), 1, [], BERLIN))).toBe('2026-10-26T09:00:00.000Z');
  });
});

describe('business days in a zone, against the day-by-day reference', () => {
  it('counts like the reference and adds what it counts, on 300 random spans around the 2026 changes', () => {
    const rand = createRng(20261101);
    const start = at('2026-02-20T00:00:00Z');
    const holidays = ['2026-03-09', '2026-03-30', '2026-10-26', '2026-11-02'];
    for (let i = 0; i < 300; i++) {
      const zone = i % 2 === 0 ? LA : BERLIN;
      const from = start + Math.floor(rand() * 280 * 86_400_000);
      const to = from + Math.floor(rand() * 12 * 86_400_000);
      const label = `${zone} ${iso(from)} -> ${iso(to)}`;
      expect(businessDaysBetween(from, to, holidays, zone), label).toBe(reference(from, to, zone, holidays));
      const n = Math.floor(rand() * 8);
      const due = addBusinessDays(from, n, holidays, zone);
      expect(businessDaysBetween(from, due, holidays, zone), `${label} +${n}`).toBe(n);
    }
  });

  it('refuses a zone it does not know rather than looking for a business day forever', () => {
    expect(isTimeZone('America/Nowhere')).toBe(false);
    expect(isTimeZone('+01:00')).toBe(false);
    expect(isTimeZone(LA)).toBe(true);
    expect(() => addBusinessDays(0, 1, [], 'America/Nowhere')).toThrow(/unknown time zone "America\/Nowhere"/);
  });
});
