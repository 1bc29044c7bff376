// Plan validation and defaults (DESIGN §2 step 1). validatePlan never throws: it returns the plan (null when
// any error) with every error and warning, each naming the field, what was expected and what was found.
import {
  IDENTITIES,
  SOLUTIONS,
  type AcceptedCheck,
  type IdentityMapping,
  type IdentityName,
  type Plan,
  type Solution,
} from './types.js';
import { Checker, isObj, join, nearest, slaSettings, type Issue, type Obj } from './plan-fields.js';
import { CHECK_IDS, MAX_AUDIENCES_PER_FLOW } from './preflight-checks.js';
import { tryParseInstant, toUtcIso } from './time.js';

export type { Issue } from './plan-fields.js';
import { jsonSyntaxIssue } from './plan-text.js';
import { duplicateKeyIssues } from './plan-keys.js';

export { describePlan, jsonErrorOffset } from './plan-text.js';

export interface PlanResult {
  plan: Plan | null;
  warnings: Issue[];
  errors: Issue[];
}

export interface PlanDefaults {
  sandbox: string;
  solutions: Solution[];
  identities: IdentityMapping[];
  alerts: string[];
  usesDataManagement: boolean;
  ticketSlaBusinessDays: number;
  /** Jira issue type when the plan names none. */
  issueType: string;
  polling: Plan['polling'];
}
export type PlanDefaultsInput = Partial<Omit<PlanDefaults, 'polling'>> & { polling?: Partial<Plan['polling']> };
export interface ValidateOptions {
  /** Overrides of PLAN_DEFAULTS (e.g. from a configuration file). */
  defaults?: PlanDefaultsInput;
}

export const PLAN_DEFAULTS: Readonly<PlanDefaults> = {
  sandbox: 'prod',
  solutions: ['audience_manager'],
  identities: [{ source: 'ECID', target: 'ECID' }],
  alerts: [],
  usesDataManagement: false,
  ticketSlaBusinessDays: 6,
  issueType: 'Task',
  polling: {
    ticketIntervalMs: 60_000,
    verifyIntervalMs: 30_000,
    verifyTimeoutMs: 72 * 3_600_000,
    maxAttempts: 5,
    retryBaseMs: 2_000,
  },
};

/** Identities that may be hashed on activation (applyHashing). */
export const HASHABLE_IDENTITIES: readonly IdentityName[] = ['phone_sha256', 'email_lc_sha256'];
/** In the beta table, but not listed for Experience Cloud Audiences by the GA documentation. */
const UNCONFIRMED_IDENTITIES: readonly IdentityName[] = ['phone_sha256', 'extern_id'];

export const ORG_ID_RE = /^[A-Za-z0-9]+@AdobeOrg$/;
const SANDBOX_RE = /^[a-z0-9][a-z0-9-]*$/;
/** Marks a draft: the wizard's answers so far, where an absent field is a question not yet answered. */
export const DRAFT_KEY = '$draft';
const ROOT_KEYS = [
  '$schema',
  DRAFT_KEY,
  'orgId',
  'sandbox',
  'audiences',
  'identities',
  'solutions',
  'destination',
  'alerts',
  'jira',
  'usesDataManagement',
  'polling',
  'ticketSlaBusinessDays',
  'sla',
  'acceptedChecks',
];
const HOUR = 3_600_000;

function mergeDefaults(input: PlanDefaultsInput = {}): PlanDefaults {
  return { ...PLAN_DEFAULTS, ...input, polling: { ...PLAN_DEFAULTS.polling, ...input.polling } };
}

/** Validates a parsed plan document and fills the defaults. */
export function validatePlan(input: unknown, opts: ValidateOptions = {}): PlanResult {
  const c = new Checker();
  const d = mergeDefaults(opts.defaults);
  if (!isObj(input)) {
    c.type('(plan)', 'a JSON object with at least orgId, audiences, destination and jira', input);
    return { plan: null, warnings: c.warnings, errors: c.errors };
  }
  secrets(c, input, '');
  c.keys(input, '', withSecretKeys(input, ROOT_KEYS));
  const plan: Plan = {
    orgId:
      c.str(input, 'orgId', '', {
        required: true,
        pattern: ORG_ID_RE,
        expected: 'an IMS org id like "0123456789ABCDEF01234567@AdobeOrg"',
      }) ?? '',
    sandbox:
      c.str(input, 'sandbox', '', {
        pattern: SANDBOX_RE,
        maxLength: 256,
        expected: 'a sandbox name (lower-case letters, digits and hyphens, e.g. "prod")',
      }) ?? d.sandbox,
    audiences: audiences(c, input),
    identities: identities(c, input, d),
    solutions: solutions(c, input, d),
    destination: destination(c, input),
    alerts: alerts(c, input, d),
    jira: jiraPlan(c, input, d.issueType),
    usesDataManagement: c.bool(input, 'usesDataManagement', '', d.usesDataManagement),
    polling: polling(c, input, d),
    ticketSlaBusinessDays: c.int(input, 'ticketSlaBusinessDays', '', d.ticketSlaBusinessDays, { min: 1, max: 60 }),
    acceptedChecks: acceptedChecks(c, input),
  };
  const sla = slaSettings(c, input);
  if (sla) plan.sla = sla; // absent unless set: a plan without it stores and prints exactly as before
  return { plan: c.errors.length > 0 ? null : plan, warnings: c.warnings, errors: c.errors };
}

/** Parses (JSON) and validates a plan file; `source` names it in messages (e.g. the path). */
export function parsePlanText(text: string, source: string, opts: ValidateOptions = {}): PlanResult {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') {
    const expected = 'a JSON object with at least orgId, audiences, destination and jira';
    return {
      plan: null,
      warnings: [],
      errors: [
        { path: '(plan)', message: `${source} is empty: expected ${expected}`, expected, found: 'an empty file' },
      ],
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { plan: null, warnings: [], errors: [jsonSyntaxIssue(body, source)] };
  }
  const duplicates = duplicateKeyIssues(body, source);
  const result = validatePlan(parsed, opts);
  if (duplicates.length === 0) return result;
  return { plan: null, warnings: result.warnings, errors: [...duplicates, ...result.errors] };
}

/** Values of a list, reported by index; a repeated value is a warning and is dropped. */
function uniqueItems<T>(
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

function audiences(c: Checker, input: Obj): string[] {
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

function alerts(c: Checker, input: Obj, d: PlanDefaults): string[] {
  const list = c.strings(input, 'alerts', '', { expected: 'alert names' }) ?? [...d.alerts];
  if (list.length > 0) {
    const message = `alerts (${list.join(', ')}) is not applied: ${ALERTS_NOT_APPLIED}; remove it from the plan`;
    c.warn('alerts', message, 'no alerts', list.join(', '));
  }
  return list;
}

function identityTarget(c: Checker, value: unknown, path: string): IdentityName | undefined {
  if (typeof value === 'string' && (IDENTITIES as readonly string[]).includes(value)) return value as IdentityName;
  const guess =
    typeof value === 'string'
      ? (IDENTITIES.find((i) => i.toLowerCase() === value.toLowerCase()) ?? nearest(value, IDENTITIES))
      : undefined;
  c.type(path, `one of ${IDENTITIES.join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}`, value);
  return undefined;
}

function mapping(c: Checker, item: unknown, path: string): IdentityMapping | undefined {
  if (!isObj(item)) return void c.type(path, 'an identity mapping {source, target, applyHashing?}', item);
  c.keys(item, path, ['source', 'target', 'applyHashing']);
  const source = c.str(item, 'source', path, {
    required: true,
    expected: 'an AEP identity namespace (e.g. "ECID", "Email")',
  });
  const target = identityTarget(c, item.target, join(path, 'target'));
  const hashing = item.applyHashing === undefined ? undefined : c.bool(item, 'applyHashing', path, false);
  if (hashing && target && !HASHABLE_IDENTITIES.includes(target)) {
    const expected = `applyHashing only with ${HASHABLE_IDENTITIES.join(' or ')}`;
    c.error(
      join(path, 'applyHashing'),
      `${join(path, 'applyHashing')} is true, but ${target} cannot be hashed on activation: ${expected}`,
      expected,
      `target ${target}`,
    );
  }
  if (target && UNCONFIRMED_IDENTITIES.includes(target)) {
    c.warn(
      join(path, 'target'),
      `${join(path, 'target')}: ${target} is in the beta table but not listed for Experience Cloud Audiences by the ` +
        'GA documentation; preflight checks the live spec',
      'ECID, GAID, IDFA or email_lc_sha256',
      target,
    );
  }
  if (source === undefined || target === undefined) return undefined;
  return { source, target, ...(hashing !== undefined ? { applyHashing: hashing } : {}) };
}

function identities(c: Checker, input: Obj, d: PlanDefaults): IdentityMapping[] {
  const expected = 'a non-empty array of identity mappings {source, target, applyHashing?} (omit it for ECID -> ECID)';
  const list = c.array(input, 'identities', '', expected);
  if (!list) return d.identities.map((m) => ({ ...m }));
  if (list.length === 0) {
    c.type('identities', expected, list);
    return [];
  }
  return uniqueItems(
    c,
    'identities',
    list,
    (v, p) => mapping(c, v, p),
    (m) => `${m.source} -> ${m.target}`,
  );
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

function solutions(c: Checker, input: Obj, d: PlanDefaults): Solution[] {
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

function polling(c: Checker, input: Obj, d: PlanDefaults): Plan['polling'] {
  const value = input.polling;
  if (value !== undefined && !isObj(value)) c.type('polling', 'an object of intervals in milliseconds', value);
  const obj = isObj(value) ? value : {};
  c.keys(obj, 'polling', Object.keys(PLAN_DEFAULTS.polling));
  const p = d.polling;
  const result = {
    ticketIntervalMs: c.int(obj, 'ticketIntervalMs', 'polling', p.ticketIntervalMs, {
      min: 5_000,
      max: 24 * HOUR,
      why: 'polling Jira more often than every 5 s risks its rate limits',
    }),
    verifyIntervalMs: c.int(obj, 'verifyIntervalMs', 'polling', p.verifyIntervalMs, {
      min: 5_000,
      max: 24 * HOUR,
      why: 'at most one Audience Manager and Flow Service read every 5 s',
    }),
    verifyTimeoutMs: c.int(obj, 'verifyTimeoutMs', 'polling', p.verifyTimeoutMs, { min: 60_000, max: 30 * 24 * HOUR }),
    maxAttempts: c.int(obj, 'maxAttempts', 'polling', p.maxAttempts, { min: 1, max: 100 }),
    retryBaseMs: c.int(obj, 'retryBaseMs', 'polling', p.retryBaseMs, { min: 100, max: 600_000 }),
  };
  if (result.verifyTimeoutMs < result.verifyIntervalMs) {
    c.error(
      'polling.verifyTimeoutMs',
      `polling.verifyTimeoutMs (${result.verifyTimeoutMs}) must be at least polling.verifyIntervalMs ` +
        `(${result.verifyIntervalMs})`,
      `>= ${result.verifyIntervalMs}`,
      String(result.verifyTimeoutMs),
    );
  } else if (result.verifyTimeoutMs < 24 * HOUR) {
    c.warn(
      'polling.verifyTimeoutMs',
      `polling.verifyTimeoutMs is ${result.verifyTimeoutMs} ms: Audience Manager may take up to 24 h to make ` +
        'audiences fully available, so verification may time out early',
      `at least ${24 * HOUR} (24 h)`,
      String(result.verifyTimeoutMs),
    );
  }
  return result;
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

function acceptedChecks(c: Checker, input: Obj): AcceptedCheck[] {
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

const SECRET_KEY_RE = /token|secret|password|passwd|bearer|api_?key|credential/i;

/** Secret-looking keys are errors: plans are stored, exported and shown; tokens stay in the environment. */
function secrets(c: Checker, obj: Obj, parent: string): void {
  for (const key of Object.keys(obj).filter((k) => SECRET_KEY_RE.test(k) && k !== 'tokenEnv')) {
    const path = join(parent, key);
    const expected =
      'no secrets in a plan: put the token in an environment variable and name it in destination.tokenEnv';
    c.error(path, `${path}: ${expected}`, expected, 'a secret-like key (value not shown)');
  }
}

/** Known keys plus the secret-looking ones (already reported as errors, not to be warned about again). */
const withSecretKeys = (obj: Obj, known: string[]): string[] =>
  known.concat(Object.keys(obj).filter((k) => SECRET_KEY_RE.test(k)));

/** A nested object; undefined (with an issue when required or not an object) otherwise. */
function section(c: Checker, input: Obj, key: string, expected: string, required: boolean): Obj | undefined {
  const value = input[key];
  if (value === undefined && !required) return undefined;
  if (!isObj(value)) return void c.type(key, expected, value);
  secrets(c, value, key);
  return value;
}

const DESTINATION_KEYS = ['name', 'description', 'accountId', 'tokenEnv'];
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function destination(c: Checker, input: Obj): Plan['destination'] {
  const obj = section(c, input, 'destination', 'an object {name, description?, accountId?, tokenEnv?}', true);
  if (!obj) return { name: '', description: '' };
  c.keys(obj, 'destination', withSecretKeys(obj, DESTINATION_KEYS));
  const name =
    c.str(obj, 'name', 'destination', { required: true, maxLength: 256, expected: 'a non-empty connection name' }) ??
    '';
  const description = c.str(obj, 'description', 'destination', { allowEmpty: true, maxLength: 4000 }) ?? '';
  const accountId = c.str(obj, 'accountId', 'destination', { expected: 'a non-empty account id' });
  const tokenEnv = c.str(obj, 'tokenEnv', 'destination', {
    pattern: ENV_NAME_RE,
    secret: true,
    expected:
      'the name of the environment variable that holds the bearer token (letters, digits and _, not starting with a ' +
      'digit; e.g. "ECA_BEARER_TOKEN"), not the token itself',
  });
  return {
    name,
    description,
    ...(accountId !== undefined ? { accountId } : {}),
    ...(tokenEnv !== undefined ? { tokenEnv } : {}),
  };
}

const JIRA_KEYS = ['projectKey', 'issueType', 'existingKey', 'summary', 'description', 'labels'];
const PROJECT_KEY_RE = /^[A-Z][A-Z0-9_]{1,9}$/;
const ISSUE_KEY_RE = /^[A-Z][A-Z0-9_]+-\d+$/;

function jiraPlan(c: Checker, input: Obj, defaultIssueType: string): Plan['jira'] {
  const obj = section(
    c,
    input,
    'jira',
    'an object {projectKey, issueType?, existingKey?, summary?, description?, labels?}',
    true,
  );
  if (!obj) return { projectKey: '', issueType: defaultIssueType };
  c.keys(obj, 'jira', withSecretKeys(obj, JIRA_KEYS));
  const projectKey =
    c.str(obj, 'projectKey', 'jira', {
      required: true,
      pattern: PROJECT_KEY_RE,
      expected: 'a Jira project key: 2-10 characters, an upper-case letter then A-Z, 0-9 or _ (e.g. "AAM")',
    }) ?? '';
  const issueType =
    c.str(obj, 'issueType', 'jira', { expected: 'a Jira issue type name (e.g. "Task")' }) ?? defaultIssueType;
  const existingKey = c.str(obj, 'existingKey', 'jira', {
    pattern: ISSUE_KEY_RE,
    expected: 'a Jira issue key like "AAM-52354"',
  });
  const summary = c.str(obj, 'summary', 'jira', { maxLength: 255 });
  const description = c.str(obj, 'description', 'jira', { allowEmpty: true });
  const labels = c.strings(obj, 'labels', 'jira', {
    pattern: /^\S{1,255}$/,
    expected: 'Jira labels (no spaces, at most 255 characters)',
  });
  const project = existingKey?.slice(0, existingKey.lastIndexOf('-'));
  if (existingKey && projectKey && project !== projectKey) {
    c.warn(
      'jira.existingKey',
      `jira.existingKey ${existingKey} is in project ${project}, not jira.projectKey ${projectKey}; it is attached ` +
        'as is',
      `a key in ${projectKey}`,
      existingKey,
    );
  }
  return {
    projectKey,
    issueType,
    ...(existingKey !== undefined ? { existingKey } : {}),
    ...(summary !== undefined ? { summary } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(labels !== undefined ? { labels } : {}),
  };
}
