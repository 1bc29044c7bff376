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

/** Validated set of holiday dates; throws RangeError naming a malformed entry. */
export function holidaySet(holidays: readonly string[] = []): ReadonlySet<string> {
  for (const h of holidays) {
    const ms = DATE_RE.test(h) ? Date.parse(`${h}T00:00:00Z`) : Number.NaN;
    if (Number.isNaN(ms) || dateKey(utcDay(ms)) !== h) {
      throw new RangeError(`holiday "${h}" is not a calendar date written yyyy-MM-dd`);
    }
  }
  return new Set(holidays);
}

export function isBusinessDay(day: number, holidays: ReadonlySet<string>): boolean {
  const weekday = new Date(day * DAY_MS).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(dateKey(day));
}

/** Signed count of business dates crossed from `fromMs` to `toMs` (negative when `toMs` is earlier). */
export function businessDaysBetween(fromMs: number, toMs: number, holidays: readonly string[] = []): number {
  if (toMs < fromMs) return -businessDaysBetween(toMs, fromMs, holidays);
  const set = holidaySet(holidays);
  let count = 0;
  for (let day = utcDay(fromMs) + 1; day <= utcDay(toMs); day++) {
    if (isBusinessDay(day, set)) count++;
  }
  return count;
}

/** The instant n business days after `fromMs`, same UTC time of day. n must be a non-negative integer. */
export function addBusinessDaysUtc(fromMs: number, n: number, holidays: readonly string[] = []): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`business days must be a non-negative integer, found ${n}`);
  const set = holidaySet(holidays);
  let at = fromMs;
  for (let added = 0; added < n; ) {
    at += DAY_MS;
    if (isBusinessDay(utcDay(at), set)) added++;
  }
  return at;
}
