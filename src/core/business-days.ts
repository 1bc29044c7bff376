// Business-day arithmetic over UTC calendar dates. Pure: instants come in as epoch milliseconds.
//
// Decisions (documented in the report and relied on by the downtime model):
// - Days are UTC calendar dates: an org's local time zone is not known to the core, and UTC keeps reports
//   identical on every machine. Saturdays and Sundays are not business days; `holidays` are extra
//   non-business UTC dates written `yyyy-MM-dd`.
// - A partial day counts when its date is crossed: the count is the number of business dates d with
//   date(from) < d <= date(to). Friday 17:00 -> Monday 09:00 is 1 business day (Monday), Monday 09:00 ->
//   Monday 17:00 is 0. This matches date-fns `differenceInBusinessDays` on dates, without its dependence on
//   the machine's local time zone.
// - Adding n business days keeps the UTC time of day and lands on the n-th business date after the start.

const DAY_MS = 86_400_000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

function dateKey(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Day of the week of a UTC day number, 0 = Monday ... 6 = Sunday (day 0, 1970-01-01, was a Thursday). */
function mondayBased(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/**
 * Weekdays (Monday-Friday) among the days up to `day`, counted from a fixed Monday: only differences are
 * meaningful, weekdaysThrough(b) - weekdaysThrough(a) being the weekdays d with a < d <= b. Whole weeks
 * give 5 each, the remaining days of a partial week at most 5. Exact for negative days too (floor division).
 */
function weekdaysThrough(day: number): number {
  const n = day + 4; // days in [Monday 1969-12-29, day]
  const weeks = Math.floor(n / 7);
  return weeks * 5 + Math.min(n - weeks * 7, 5);
}

/** Validated holidays: the set (for isBusinessDay) and the weekday holidays as sorted, distinct day numbers. */
interface Calendar {
  list: readonly string[];
  set: ReadonlySet<string>;
  weekdayHolidays: readonly number[];
}

const NO_HOLIDAYS: Calendar = { list: [], set: new Set(), weekdayHolidays: [] };
let lastCalendar: Calendar = NO_HOLIDAYS;

/** Validated set of holiday dates; throws RangeError naming a malformed entry. */
export function holidaySet(holidays: readonly string[] = []): ReadonlySet<string> {
  return calendarOf(holidays).set;
}

/**
 * The calendar of a holiday list, rebuilt only when the list's content changes (a report passes the same
 * list for every row). Comparing the content, not the array, keeps a caller's later edit of its array honest.
 */
function calendarOf(holidays: readonly string[]): Calendar {
  if (holidays.length === 0) return NO_HOLIDAYS;
  const last = lastCalendar;
  if (last.list.length === holidays.length && holidays.every((h, i) => h === last.list[i])) return last;
  const days = new Set<number>();
  for (const h of holidays) {
    const ms = DATE_RE.test(h) ? Date.parse(`${h}T00:00:00Z`) : Number.NaN;
    if (Number.isNaN(ms) || dateKey(utcDay(ms)) !== h) {
      throw new RangeError(`holiday "${h}" is not a calendar date written yyyy-MM-dd`);
    }
    const day = utcDay(ms);
    if (mondayBased(day) < 5) days.add(day);
  }
  lastCalendar = { list: [...holidays], set: new Set(holidays), weekdayHolidays: [...days].sort((a, b) => a - b) };
  return lastCalendar;
}

/** How many of the sorted `days` are <= `day` (binary search). */
function countThrough(days: readonly number[], day: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((days[mid] ?? Number.POSITIVE_INFINITY) <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function isBusinessDay(day: number, holidays: ReadonlySet<string>): boolean {
  return mondayBased(day) < 5 && (holidays.size === 0 || !holidays.has(dateKey(day)));
}

/**
 * Signed count of business dates crossed from `fromMs` to `toMs` (negative when `toMs` is earlier). Constant
 * time in the span: weekdays by whole weeks plus the remainder, minus the weekday holidays in range (a
 * binary search, skipped without holidays). Equal to the day-by-day count (test/core/business-days.test.ts).
 */
export function businessDaysBetween(fromMs: number, toMs: number, holidays: readonly string[] = []): number {
  if (toMs < fromMs) return -businessDaysBetween(toMs, fromMs, holidays);
  const calendar = calendarOf(holidays);
  const from = utcDay(fromMs);
  const to = utcDay(toMs);
  if (!(to > from)) return 0;
  const weekdays = weekdaysThrough(to) - weekdaysThrough(from);
  const off = calendar.weekdayHolidays;
  return off.length === 0 ? weekdays : weekdays - (countThrough(off, to) - countThrough(off, from));
}

/** The instant n business days after `fromMs`, same UTC time of day. n must be a non-negative integer. */
export function addBusinessDaysUtc(fromMs: number, n: number, holidays: readonly string[] = []): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`business days must be a non-negative integer, found ${n}`);
  const set = calendarOf(holidays).set;
  let at = fromMs;
  for (let added = 0; added < n; ) {
    at += DAY_MS;
    if (isBusinessDay(utcDay(at), set)) added++;
  }
  return at;
}
