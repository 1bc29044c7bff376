// Jira timestamps look like 2024-06-21T23:10:11.256+0000: ISO 8601 with a ±HHmm offset and no colon, in the
// site's time zone (+0100, -0500 ... are real). Date.parse accepts that only through V8's lenient fallback, so
// the fields are read explicitly and the instant computed from them.

const JIRA_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

/** UTC ISO-8601 (`…Z`, millisecond precision) of a Jira timestamp; throws on anything else. */
export function jiraTimestampToUtc(value: string): string {
  const m = JIRA_TIMESTAMP.exec(value.trim());
  if (!m) throw new Error(`unrecognised Jira timestamp "${value}" (expected yyyy-MM-ddTHH:mm:ss.SSS±HHmm)`);
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone = 'Z'] = m;
  const millis = Number(frac.padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  if (!fieldsRoundTrip(local, Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s))) {
    throw new Error(`impossible Jira timestamp "${value}"`);
  }
  return new Date(local - offsetMinutes(zone) * 60_000).toISOString();
}

/** Null in, null out: for resolutiondate, which is null while unresolved. */
export function optionalJiraTimestamp(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? jiraTimestampToUtc(value) : null;
}

function offsetMinutes(zone: string): number {
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  if (hours > 23 || minutes > 59) throw new Error(`impossible UTC offset "${zone}"`);
  return sign * (hours * 60 + minutes);
}

/** Rejects 2024-02-30 and 25:00, which Date.UTC would silently roll over. */
function fieldsRoundTrip(epoch: number, y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  const t = new Date(epoch);
  return (
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === s
  );
}
