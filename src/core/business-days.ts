// Business-day arithmetic over the calendar dates of one IANA time zone (UTC unless the plan names another).
// Pure: instants come in as epoch milliseconds, the zone as a name.
//
// Decisions (documented in the report and relied on by the downtime model):
// - Days are calendar dates in the plan's `sla.timeZone` (default UTC, which keeps reports identical on every
//   machine). A team in Los Angeles works on Los Angeles dates: Friday 17:00 there is Saturday 01:00 UTC, still
//   a Friday. Saturdays and Sundays are not business days; `holidays` are extra non-business dates of that zone,
//   written `yyyy-MM-dd`.
// - A partial day counts when its date is crossed: the count is the number of business dates d with
//   date(from) < d <= date(to). Friday 17:00 -> Monday 09:00 is 1 business day (Monday), Monday 09:00 ->
//   Monday 17:00 is 0. (date-fns `differenceInBusinessDays` counts the start date instead of the end one and
//   has no holidays, so the count stays here; date-fns supplies the zone's calendar.)
// - Adding n business days keeps the local time of day (date-fns `addDays` on a TZDate, which holds the wall
//   clock across a DST change) and lands on the n-th business date after the start.
import { TZDateMini as TZDate } from '@date-fns/tz/date/mini';
import { addDays } from 'date-fns/addDays';

/** The zone business days are counted in when a plan names none. */
export const DEFAULT_TIME_ZONE = 'UTC';

const DAY_MS = 86_400_000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/**
 * The day number (days since 1970-01-01) of the calendar date `ms` falls on in `timeZone`. Local dates map to
 * day numbers exactly as UTC dates do, so the week arithmetic below serves every zone unchanged.
 */
function localDay(ms: number, timeZone: string): number {
  if (timeZone === DEFAULT_TIME_ZONE) return utcDay(ms);
  const local = new TZDate(ms, timeZone);
  return utcDay(Date.UTC(local.getFullYear(), local.getMonth(), local.getDate()));
}

// An IANA name (Area/Location, or UTC): Intl alone also takes offsets such as "+01:00", which have no DST.
const ZONE_NAME_RE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

const knownZones = new Set<string>([DEFAULT_TIME_ZONE]);

/** True when `timeZone` is an IANA zone name this runtime's Intl knows (what a plan's sla.timeZone must be). */
export function isTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string') return false;
  if (knownZones.has(timeZone)) return true;
  if (!ZONE_NAME_RE.test(timeZone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return false;
  }
  knownZones.add(timeZone); // a report asks once per row; constructing the formatter is the costly part
  return true;
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
export function businessDaysBetween(
  fromMs: number,
  toMs: number,
  holidays: readonly string[] = [],
  timeZone: string = DEFAULT_TIME_ZONE,
): number {
  if (toMs < fromMs) return -businessDaysBetween(toMs, fromMs, holidays, timeZone);
  const calendar = calendarOf(holidays);
  const from = localDay(fromMs, timeZone);
  const to = localDay(toMs, timeZone);
  if (!(to > from)) return 0;
  const weekdays = weekdaysThrough(to) - weekdaysThrough(from);
  const off = calendar.weekdayHolidays;
  return off.length === 0 ? weekdays : weekdays - (countThrough(off, to) - countThrough(off, from));
}

/**
 * The instant n business days after `fromMs`, same local time of day in `timeZone` (a wall time that a DST
 * change skips moves forward by the gap, as date-fns does). n must be a non-negative integer.
 */
export function addBusinessDays(
  fromMs: number,
  n: number,
  holidays: readonly string[] = [],
  timeZone: string = DEFAULT_TIME_ZONE,
): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`business days must be a non-negative integer, found ${n}`);
  // An unknown zone yields no dates at all, and the loop below would never find a business day.
  if (!isTimeZone(timeZone)) throw new RangeError(`unknown time zone ${JSON.stringify(timeZone)}`);
  const set = calendarOf(holidays).set;
  const nextDay = timeZone === DEFAULT_TIME_ZONE ? (ms: number) => ms + DAY_MS : zonedNextDay(fromMs, timeZone);
  let at = fromMs;
  for (let added = 0; added < n; ) {
    at = nextDay(at);
    if (isBusinessDay(localDay(at, timeZone), set)) added++;
  }
  return at;
}

/**
 * One calendar day on in `timeZone`, at the start instant's wall time: counted from the start each time, so a
 * time a spring-forward gap moved (02:30 -> 03:30) comes back to 02:30 on the days after it.
 */
function zonedNextDay(fromMs: number, timeZone: string): (ms: number) => number {
  const start = new TZDate(fromMs, timeZone);
  let days = 0;
  return () => addDays(start, ++days).getTime();
}

/** addBusinessDays in UTC (the name the callers of the UTC-only version know). */
export function addBusinessDaysUtc(fromMs: number, n: number, holidays: readonly string[] = []): number {
  return addBusinessDays(fromMs, n, holidays, DEFAULT_TIME_ZONE);
}
