// Field-level validation helpers for plan.ts: every issue names the field (path), what was expected and
// what was found. Values that may be secrets are never echoed (see `secret`).
import { isTimeZone } from './business-days.js';
import type { SlaSettings } from './types.js';

export interface Issue {
  /** Where, e.g. "jira.projectKey", "audiences[3]", "(plan)" for the document itself. */
  path: string;
  message: string;
  expected?: string;
  found?: string;
}

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How a found value reads in a message: quoted strings (shortened), numbers, "an array of 3 items"... */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string')
    return v.length > 60 ? `${JSON.stringify(v.slice(0, 57))}... (${v.length} characters)` : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}

export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      row.push(Math.min((row[j - 1] ?? 0) + 1, (prev[j] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** The known name closest to `name`, when close enough to be a typo. */
export function nearest(name: string, known: readonly string[]): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const key of known) {
    const d = levenshtein(name, key);
    if (!best || d < best.d) best = { key, d };
  }
  return best && best.d <= Math.max(2, Math.floor(best.key.length / 3)) ? best.key : undefined;
}

export const join = (parent: string, key: string): string => (parent ? `${parent}.${key}` : key);

export interface StrRule {
  required?: boolean;
  /** e.g. "a Jira project key: 2-10 characters, an upper-case letter then A-Z, 0-9 or _ (e.g. AAM)". */
  expected?: string;
  pattern?: RegExp;
  maxLength?: number;
  allowEmpty?: boolean;
  /** Never echo the value (it might be a token pasted in the wrong field). */
  secret?: boolean;
}

export interface IntRule {
  min: number;
  max?: number;
  /** Why the minimum exists, appended to the message. */
  why?: string;
}

/** Collects issues; remembers unknown keys so that a missing required field can point at its misspelling. */
export class Checker {
  readonly errors: Issue[] = [];
  readonly warnings: Issue[] = [];
  private readonly misspelt = new Map<string, string>();

  error(path: string, message: string, expected?: string, found?: string): void {
    this.errors.push({
      path,
      message,
      ...(expected !== undefined ? { expected } : {}),
      ...(found !== undefined ? { found } : {}),
    });
  }

  warn(path: string, message: string, expected?: string, found?: string): void {
    this.warnings.push({
      path,
      message,
      ...(expected !== undefined ? { expected } : {}),
      ...(found !== undefined ? { found } : {}),
    });
  }

  /** Unknown keys are warnings (ignored), with the nearest known key when it looks like a typo. */
  keys(obj: Obj, parent: string, known: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      const guess = nearest(key, known);
      if (guess) this.misspelt.set(join(parent, guess), key);
      const hint = guess ? `did you mean "${guess}"?` : `known keys: ${known.join(', ')}`;
      this.warn(
        join(parent, key),
        `${join(parent, key)}: unknown key "${key}" (ignored); ${hint}`,
        guess ?? `one of ${known.join(', ')}`,
        key,
      );
    }
  }

  type(path: string, expected: string, value: unknown, secret = false): void {
    const found =
      secret && typeof value === 'string' ? `a string of ${value.length} characters (not shown)` : describe(value);
    const missing = value === undefined ? ' (required)' : '';
    const typo =
      value === undefined && this.misspelt.has(path)
        ? `; the plan has "${this.misspelt.get(path)}": a misspelling?`
        : '';
    this.error(path, `${path}${missing} must be ${expected}; found ${found}${typo}`, expected, found);
  }

  /** A string at `path` satisfying the rule, or undefined (with an issue unless absent and optional). */
  check(path: string, value: unknown, rule: StrRule = {}): string | undefined {
    const expected = rule.expected ?? (rule.allowEmpty ? 'a string' : 'a non-empty string');
    if (value === undefined && !rule.required) return undefined;
    if (typeof value !== 'string') return void this.type(path, expected, value, rule.secret);
    if (!rule.allowEmpty && value.trim() === '') return void this.type(path, expected, value);
    if (rule.maxLength !== undefined && value.length > rule.maxLength) {
      return void this.type(path, `${expected} of at most ${rule.maxLength} characters`, value, rule.secret);
    }
    if (rule.pattern && !rule.pattern.test(value)) return void this.type(path, expected, value, rule.secret);
    return value;
  }

  str(obj: Obj, key: string, parent: string, rule: StrRule = {}): string | undefined {
    return this.check(join(parent, key), obj[key], rule);
  }

  int(obj: Obj, key: string, parent: string, fallback: number, rule: IntRule): number {
    const path = join(parent, key);
    const value = obj[key];
    if (value === undefined) return fallback;
    const why = rule.why ? ` (${rule.why})` : '';
    const range =
      rule.max !== undefined ? `an integer between ${rule.min} and ${rule.max}` : `an integer of at least ${rule.min}`;
    if (typeof value !== 'number' || !Number.isInteger(value)) this.type(path, `${range}${why}`, value);
    else if (value < rule.min) this.type(path, `at least ${rule.min}${why}`, value);
    else if (rule.max !== undefined && value > rule.max) this.type(path, `at most ${rule.max}`, value);
    else return value;
    return fallback;
  }

  bool(obj: Obj, key: string, parent: string, fallback: boolean): boolean {
    const value = obj[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.type(join(parent, key), 'true or false', value);
    return typeof value === 'boolean' ? value : fallback;
  }

  /** An array at obj[key]; undefined (with an issue when required or the wrong type) otherwise. */
  array(obj: Obj, key: string, parent: string, expected: string, required = false): unknown[] | undefined {
    const value = obj[key];
    if (value === undefined && !required) return undefined;
    if (!Array.isArray(value)) return void this.type(join(parent, key), expected, value);
    return value;
  }

  /** A list of strings; items failing the rule are reported by index and left out. */
  strings(obj: Obj, key: string, parent: string, itemRule: StrRule = {}): string[] | undefined {
    const list = this.array(obj, key, parent, `an array of ${itemRule.expected ?? 'non-empty strings'}`);
    if (!list) return undefined;
    const out: string[] = [];
    list.forEach((item, i) => {
      const value = this.check(`${join(parent, key)}[${i}]`, item, { ...itemRule, required: true });
      if (value !== undefined) out.push(value);
    });
    return out;
  }
}

const ZONE_EXAMPLES = 'e.g. "America/Los_Angeles", "Europe/Berlin" or "UTC"';
const TIME_ZONE_EXPECTED = `an IANA time zone name (${ZONE_EXAMPLES})`;

/** The plan's `sla` object: the zone business days are counted in. Undefined when absent (UTC applies). */
export function slaSettings(c: Checker, input: Obj): SlaSettings | undefined {
  const value = input.sla;
  if (value === undefined) return undefined;
  if (!isObj(value)) return void c.type('sla', 'an object {timeZone}', value);
  c.keys(value, 'sla', ['timeZone']);
  const timeZone = c.str(value, 'timeZone', 'sla', { expected: TIME_ZONE_EXPECTED, maxLength: 64 });
  if (timeZone === undefined) return undefined;
  if (!isTimeZone(timeZone)) {
    return void c.type('sla.timeZone', `an IANA time zone name this system knows (${ZONE_EXAMPLES})`, timeZone);
  }
  return { timeZone };
}
