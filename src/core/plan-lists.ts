// The plan's lists: audiences, solutions, alerts and accepted checks, each item checked and reported by its index,
// a repeated item warned about and dropped. (Identity mappings, a list of objects, are in plan-identities.ts.)
import { SOLUTIONS, type AcceptedCheck, type Solution } from './types.js';
import { type Checker, isObj, join, nearest, type Obj } from './plan-fields.js';
import type { PlanDefaults } from './plan-defaults.js';
import { CHECK_IDS, MAX_AUDIENCES_PER_FLOW } from './preflight-checks.js';
import { tryParseInstant, toUtcIso } from './time.js';

/** Values of a list, reported by index; a repeated value is a warning and is dropped. */
export function uniqueItems<T>(
  c: Checker,
  path: string,
  list: unknown[],
  item: (v: unknown, p: string) => T | undefined,
  key: (v: T) => string,
): T[] {
  const first = new Map<string, number>();
  const out: T[] = [];
  list.forEach((raw, i) => {
    const value = item(raw, `${path}[${i}]`);
    if (value === undefined) return;
    const k = key(value);
    const at = first.get(k);
    if (at === undefined) {
      first.set(k, i);
      out.push(value);
    } else {
      c.warn(
        `${path}[${i}]`,
        `${path}[${i}] repeats ${k} (first at ${path}[${at}]); the duplicate is ignored`,
        `unique ${path}`,
        k,
      );
    }
  });
  return out;
}

export function audiences(c: Checker, input: Obj): string[] {
  const expected = `a non-empty array of AEP audience (segment) ids, at most ${MAX_AUDIENCES_PER_FLOW}`;
  const list = c.array(input, 'audiences', '', expected, true);
  if (!list) return [];
  if (list.length === 0) {
    c.type('audiences', expected, list);
    return [];
  }
  const rule = { required: true, pattern: /^\S+$/, expected: 'an audience id (a non-empty string without spaces)' };
  const out = uniqueItems(
    c,
    'audiences',
    list,
    (v, p) => c.check(p, v, rule),
    (v) => JSON.stringify(v),
  );
  if (out.length > MAX_AUDIENCES_PER_FLOW) {
    const found = `${out.length} distinct audience ids`;
    c.error(
      'audiences',
      `audiences has ${found}: the destination allows at most ${MAX_AUDIENCES_PER_FLOW} per dataflow ` +
        `(${out.length - MAX_AUDIENCES_PER_FLOW} too many)`,
      `at most ${MAX_AUDIENCES_PER_FLOW} audience ids`,
      found,
    );
  }
  return out;
}

/** Kept in the plan as written, but never applied: the destination has no alerts to subscribe. */
export const ALERTS_NOT_APPLIED =
  'the Experience Cloud Audiences destination does not support alerts (GA documentation), so cutover subscribes none';

export function alerts(c: Checker, input: Obj, d: PlanDefaults): string[] {
  const list = c.strings(input, 'alerts', '', { expected: 'alert names' }) ?? [...d.alerts];
  if (list.length > 0) {
    const message = `alerts (${list.join(', ')}) is not applied: ${ALERTS_NOT_APPLIED}; remove it from the plan`;
    c.warn('alerts', message, 'no alerts', list.join(', '));
  }
  return list;
}

function solution(c: Checker, value: unknown, path: string): Solution | undefined {
  if (typeof value === 'string' && (SOLUTIONS as readonly string[]).includes(value)) return value as Solution;
  const normalised =
    typeof value === 'string'
      ? value
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, '_')
      : '';
  const guess = normalised ? nearest(normalised, SOLUTIONS) : undefined;
  c.type(path, `one of ${SOLUTIONS.join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}`, value);
  return undefined;
}

export function solutions(c: Checker, input: Obj, d: PlanDefaults): Solution[] {
  const expected = `a non-empty array of solutions, each one of ${SOLUTIONS.join(', ')}`;
  const list = c.array(input, 'solutions', '', expected);
  if (!list) return [...d.solutions];
  if (list.length === 0) {
    c.type('solutions', expected, list);
    return [];
  }
  return uniqueItems(
    c,
    'solutions',
    list,
    (v, p) => solution(c, v, p),
    (s) => s,
  );
}

function acceptance(c: Checker, item: unknown, path: string): AcceptedCheck | undefined {
  if (!isObj(item)) return void c.type(path, 'an accepted check {check, reason, by, at}', item);
  c.keys(item, path, ['check', 'reason', 'by', 'at']);
  const check = c.str(item, 'check', path, { required: true, expected: 'a preflight check id (e.g. "licence.aam")' });
  if (check !== undefined && !(CHECK_IDS as readonly string[]).includes(check)) {
    const guess = nearest(check, CHECK_IDS);
    c.warn(
      join(path, 'check'),
      `${join(path, 'check')}: "${check}" is not a preflight check id (ignored); ` +
        `${guess ? `did you mean "${guess}"?` : `known: ${CHECK_IDS.join(', ')}`}`,
      guess ?? 'a preflight check id',
      check,
    );
  }
  const reason = c.str(item, 'reason', path, { required: true, expected: 'why the warning is accepted' });
  const by = c.str(item, 'by', path, { required: true, expected: 'who accepted it' });
  const at = c.str(item, 'at', path, {
    required: true,
    expected: 'an ISO-8601 instant with offset, e.g. "2026-03-27T16:42:10Z"',
  });
  const ms = at === undefined ? null : tryParseInstant(at);
  if (at !== undefined && ms === null)
    c.type(
      join(path, 'at'),
      'an ISO-8601 instant with seconds optional and an offset (Z, +01:00 or +0100), e.g. "2026-03-27T16:42:10Z"',
      at,
    );
  if (check === undefined || reason === undefined || by === undefined || ms === null) return undefined;
  return { check, reason, by, at: toUtcIso(ms) };
}

export function acceptedChecks(c: Checker, input: Obj): AcceptedCheck[] {
  const list = c.array(input, 'acceptedChecks', '', 'an array of accepted checks {check, reason, by, at}');
  if (!list) return [];
  return uniqueItems(
    c,
    'acceptedChecks',
    list,
    (v, p) => acceptance(c, v, p),
    (a) => JSON.stringify(a.check),
  );
}
