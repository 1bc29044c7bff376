// tryParseInstant reads the store's canonical form (`yyyy-MM-ddTHH:mm:ss.sssZ`) without its regex. The fast path
// must be an exact-format shortcut only: every string gives what the strict parser alone gives (below, a copy of
// tryParseInstant as it was before the fast path), on hand-picked near misses and on ~20,000 random mutations.
import { describe, expect, it } from 'vitest';
import { isTicketPastSla, parseInstant, slaDeadline, tryParseInstant } from '../../src/core/time.js';
import { createRng } from '../../src/emulator/rng.js'; // seeded mulberry32: a failure reproduces

const STRICT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

function strictReference(s: string): number | null {
  const m = STRICT_RE.exec(s);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = Number(m[6] ?? '0');
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const zone = m[8] ?? '';
  let offset: number | null = 0;
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const [h, min] = [Number(digits.slice(0, 2)), Number(digits.slice(2, 4))];
    offset = h > 23 || min > 59 ? null : (zone.startsWith('-') ? -1 : 1) * (h * 60 + min);
  }
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  if (month < 1 || month > 12 || day < 1 || day > days) return null;
  if (hour > 23 || minute > 59 || second > 59 || offset === null) return null;
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  date.setUTCFullYear(year);
  return date.getTime() - offset * 60_000;
}

describe('tryParseInstant: the canonical fast path', () => {
  it.each([
    '2026-03-27T16:42:10.123Z',
    '2028-02-29T00:00:00.000Z', // leap day
    '2000-02-29T23:59:59.999Z', // divisible by 400: leap
    '1970-01-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
    '0100-01-01T00:00:00.000Z', // the first year Date#toISOString writes without Date.UTC's 1900 mapping
  ])('reads %s exactly as Date does', (s) => {
    expect(tryParseInstant(s)).toBe(Date.parse(s));
    expect(tryParseInstant(s)).toBe(strictReference(s));
    expect(new Date(tryParseInstant(s)!).toISOString()).toBe(s);
  });

  it.each([
    '2026-02-29T10:00:00.000Z', // not a leap year
    '1900-02-29T10:00:00.000Z', // divisible by 100, not by 400
    '2026-04-31T10:00:00.000Z',
    '2026-00-10T10:00:00.000Z',
    '2026-13-10T10:00:00.000Z',
    '2026-03-00T10:00:00.000Z',
    '2026-03-27T24:00:00.000Z',
    '2026-03-27T16:60:10.123Z',
    '2026-03-27T16:42:60.123Z', // no leap seconds
    '2026-03-27t16:42:10.123Z', // lower-case t
    '2026-03-27T16:42:10.123z', // lower-case z
    '2026-03-27 16:42:10.123Z', // space separator
    '2026/03/27T16:42:10.123Z',
    '2026-03-27T16-42-10.123Z',
    '2026-03-27T16:42:10,123Z', // comma fraction
    '2026-03-27T16:42:10.12aZ',
    '2026-03-2xT16:42:10.123Z',
    '+02026-03-27T16:42:10.12Z', // expanded year
    '-2026-03-27T16:42:10.123Z',
    '2026-03-27T16:42:10.123', // no zone
    ' 2026-03-27T16:42:10.123Z',
    '2026-03-27T16:42:10.123Z ',
    '２026-03-27T16:42:10.123Z', // a full-width digit: \d is ASCII only
    '',
  ])('rejects %j like the strict parser', (s) => {
    expect(tryParseInstant(s)).toBeNull();
    expect(strictReference(s)).toBeNull();
    expect(() => parseInstant(s)).toThrow(RangeError);
  });

  it.each([
    '2026-03-27T16:42:10+0100', // 24 characters, but an offset: the strict path reads it
    '2026-03-27T16:42:10.1234Z',
    '2026-03-27T16:42:10.1Z',
    '2026-03-27T16:42:10Z',
    '2026-03-27T16:42Z',
    '2026-03-27T16:42:10.123+01:00',
    '2026-03-27T16:42:10.123-0500',
    '0099-12-31T23:59:59.999Z', // a two-digit year: the strict path keeps it out of 1999
    '0000-01-01T00:00:00.000Z',
  ])('leaves other valid forms (%s) to the strict parser', (s) => {
    expect(tryParseInstant(s)).not.toBeNull();
    expect(tryParseInstant(s)).toBe(strictReference(s));
  });

  it('agrees with the strict parser on 20,000 random canonical instants and single-character mutations', () => {
    const rand = createRng(20260402);
    const alphabet = '0123456789-:.TZtz+ /9';
    const min = Date.parse('0001-01-01T00:00:00.000Z');
    const max = Date.parse('9999-12-31T23:59:59.999Z');
    let accepted = 0;
    for (let i = 0; i < 10_000; i++) {
      const ms = min + Math.floor(rand() * (max - min));
      const canonical = new Date(ms).toISOString();
      expect(tryParseInstant(canonical)).toBe(ms);
      // Change one character: a digit, a separator, a letter; the result must be what the strict parser says.
      const at = Math.floor(rand() * canonical.length);
      const mutated = canonical.slice(0, at) + alphabet[Math.floor(rand() * alphabet.length)] + canonical.slice(at + 1);
      const got = tryParseInstant(mutated);
      expect(got, mutated).toBe(strictReference(mutated));
      if (got !== null) accepted++;
    }
    expect(accepted).toBeGreaterThan(1000); // the mutations include many valid instants, not only garbage
  });

  it('counts days as Date does on every date of 1599-2401 and of the first and last centuries it reads', () => {
    // The fast path computes the day number itself (leap years, month lengths); Date is the reference.
    const ranges: [string, string][] = [
      ['0100-01-01', '0200-12-31'],
      ['1599-01-01', '2401-12-31'],
      ['9900-01-01', '9999-12-31'],
    ];
    const rand = createRng(20260403);
    let checked = 0;
    for (const [from, to] of ranges) {
      for (let day = Date.parse(`${from}T00:00:00Z`); day <= Date.parse(`${to}T00:00:00Z`); day += 86_400_000) {
        const ms = day + Math.floor(rand() * 86_400_000);
        const iso = new Date(ms).toISOString();
        if (tryParseInstant(iso) !== ms) expect(tryParseInstant(iso), iso).toBe(ms);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(330_000);
  });

  it('keeps the SLA rule: the deadline instant, compared without the text round trip', () => {
    const filed = '2026-03-20T10:00:00.000Z'; // Friday
    expect(slaDeadline(filed, 6)).toBe('2026-03-30T10:00:00.000Z');
    expect(isTicketPastSla(filed, '2026-03-30T10:00:00.000Z', 6)).toBe(false);
    expect(isTicketPastSla(filed, '2026-03-30T10:00:00.001Z', 6)).toBe(true);
    expect(isTicketPastSla('2026-03-20T11:00:00+01:00', '2026-03-30T10:00:00.001Z', 6)).toBe(true);
    expect(() => isTicketPastSla('not an instant', '2026-03-30T10:00:00.000Z', 6)).toThrow(RangeError);
    expect(() => isTicketPastSla(filed, '2026-03-30', 6)).toThrow(RangeError);
  });
});
