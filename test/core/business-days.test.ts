// businessDaysBetween counts in constant time (whole weeks × 5 + the remainder, minus the weekday holidays in
// range). It must equal the day-by-day count it replaced, copied below as the reference, everywhere: 10,000
// random pairs across decades, in both directions, with and without holidays (weekend ones, duplicates, ones
// outside the range), plus the boundaries of a week.
import { describe, expect, it } from 'vitest';
import { addBusinessDaysUtc, businessDaysBetween, holidaySet, isBusinessDay } from '../../src/core/business-days.js';
import { createRng } from '../../src/emulator/rng.js'; // seeded mulberry32: a failure reproduces

const DAY_MS = 86_400_000;

/** The original day-by-day count: business dates d with date(from) < d <= date(to), signed. */
function dayByDay(fromMs: number, toMs: number, holidays: readonly string[]): number {
  if (toMs < fromMs) return -dayByDay(toMs, fromMs, holidays);
  const set = new Set(holidays);
  let count = 0;
  for (let day = Math.floor(fromMs / DAY_MS) + 1; day <= Math.floor(toMs / DAY_MS); day++) {
    const date = new Date(day * DAY_MS);
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !set.has(date.toISOString().slice(0, 10))) count++;
  }
  return count;
}

const at = (s: string): number => Date.parse(s);

describe('businessDaysBetween in constant time', () => {
  it('equals the day-by-day count on 10,000 random pairs across years, with and without holidays', () => {
    const rand = createRng(20260403);
    const start = at('1965-01-01T00:00:00Z'); // before the epoch too: floor division on negative days
    const span = 80 * 365 * DAY_MS;
    const randomHolidays = (): string[] => {
      const list: string[] = [];
      const base = start + Math.floor(rand() * span);
      for (let i = Math.floor(rand() * 40); i > 0; i--) {
        // Clustered near the pair (so many fall inside it), some anywhere, some repeated.
        const ms = rand() < 0.7 ? base + Math.floor((rand() - 0.3) * 400 * DAY_MS) : start + Math.floor(rand() * span);
        list.push(new Date(ms).toISOString().slice(0, 10));
        if (rand() < 0.1) list.push(list[list.length - 1]!);
      }
      return list;
    };
    let withHolidays = 0;
    for (let i = 0; i < 10_000; i++) {
      const from = start + Math.floor(rand() * span);
      // Short spans (the usual ticket), then weeks, then years.
      const scale = [3 * DAY_MS, 60 * DAY_MS, 3 * 365 * DAY_MS][Math.floor(rand() * 3)]!;
      const to = from + Math.floor((rand() - 0.2) * scale);
      const holidays = rand() < 0.5 ? [] : randomHolidays();
      if (holidays.length > 0) withHolidays++;
      expect(
        businessDaysBetween(from, to, holidays),
        `${new Date(from).toISOString()} → ${new Date(to).toISOString()} ${holidays.join(',')}`,
      ).toBe(dayByDay(from, to, holidays));
    }
    expect(withHolidays).toBeGreaterThan(4000);
  });

  it('equals it for every pair of days in four weeks (all weekday alignments, both directions)', () => {
    const monday = at('2026-03-02T12:00:00Z');
    const holidays = ['2026-03-04', '2026-03-07', '2026-03-16', '2026-03-16'];
    for (let a = 0; a < 28; a++) {
      for (let b = 0; b < 28; b++) {
        const from = monday + a * DAY_MS;
        const to = monday + b * DAY_MS - 3_600_000;
        expect(businessDaysBetween(from, to)).toBe(dayByDay(from, to, []));
        expect(businessDaysBetween(from, to, holidays)).toBe(dayByDay(from, to, holidays));
      }
    }
  });

  it('keeps the documented examples', () => {
    expect(businessDaysBetween(at('2026-03-20T17:00:00Z'), at('2026-03-23T09:00:00Z'))).toBe(1); // Fri -> Mon
    expect(businessDaysBetween(at('2026-03-23T09:00:00Z'), at('2026-03-23T17:00:00Z'))).toBe(0);
    expect(businessDaysBetween(at('2026-03-21T09:00:00Z'), at('2026-03-22T09:00:00Z'))).toBe(0); // Sat -> Sun
    expect(businessDaysBetween(at('2026-03-20T09:00:00Z'), at('2026-03-30T09:00:00Z'))).toBe(6);
    expect(businessDaysBetween(at('2026-03-23T09:00:00Z'), at('2026-03-20T09:00:00Z'))).toBe(-1);
    expect(businessDaysBetween(at('2026-12-24T10:00:00Z'), at('2026-12-28T10:00:00Z'), ['2026-12-25'])).toBe(1);
    expect(businessDaysBetween(Number.NaN, at('2026-12-28T10:00:00Z'))).toBe(0);
  });

  it('validates holidays on every call, and follows a list whose content changes', () => {
    expect(() => businessDaysBetween(0, 1, ['2026-02-30'])).toThrow(/yyyy-MM-dd/);
    expect(() => businessDaysBetween(0, 1, ['2026-02-30'])).toThrow(/yyyy-MM-dd/); // not cached as valid
    expect(() => holidaySet(['2026-3-1'])).toThrow(RangeError);
    const list = ['2026-03-09'];
    const [fri, tue] = [at('2026-03-06T17:00:00Z'), at('2026-03-10T09:00:00Z')];
    expect(businessDaysBetween(fri, tue, list)).toBe(1);
    list[0] = '2026-03-14'; // a Saturday: no effect
    expect(businessDaysBetween(fri, tue, list)).toBe(2);
    list.push('2026-03-10');
    expect(businessDaysBetween(fri, tue, list)).toBe(1);
    list[0] = 'nonsense';
    expect(() => businessDaysBetween(fri, tue, list)).toThrow(RangeError);
  });

  it('leaves isBusinessDay and addBusinessDaysUtc as they were', () => {
    const set = holidaySet(['2026-03-30']);
    const day = (s: string) => Math.floor(at(`${s}T00:00:00Z`) / DAY_MS);
    expect(isBusinessDay(day('2026-03-27'), set)).toBe(true); // Friday
    expect(isBusinessDay(day('2026-03-28'), set)).toBe(false); // Saturday
    expect(isBusinessDay(day('2026-03-30'), set)).toBe(false); // holiday
    expect(isBusinessDay(day('1969-12-29'), new Set())).toBe(true); // a Monday before the epoch
    expect(new Date(addBusinessDaysUtc(at('2026-03-20T10:00:00Z'), 6)).toISOString()).toBe('2026-03-30T10:00:00.000Z');
    expect(new Date(addBusinessDaysUtc(at('2026-03-20T10:00:00Z'), 6, ['2026-03-30'])).toISOString()).toBe(
      '2026-03-31T10:00:00.000Z',
    );
    expect(() => addBusinessDaysUtc(0, -1)).toThrow(RangeError);
  });
});
