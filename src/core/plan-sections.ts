// The plan's nested sections (destination, jira, polling) and the rule that keeps secrets out of every one of them.
import type { Plan } from './types.js';
import { type Checker, isObj, join, type Obj } from './plan-fields.js';
import { PLAN_DEFAULTS, type PlanDefaults } from './plan-defaults.js';

const HOUR = 3_600_000;

export function polling(c: Checker, input: Obj, d: PlanDefaults): Plan['polling'] {
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

const SECRET_KEY_RE = /token|secret|password|passwd|bearer|api_?key|credential/i;

/** Secret-looking keys are errors: plans are stored, exported and shown; tokens stay in the environment. */
export function secrets(c: Checker, obj: Obj, parent: string): void {
  for (const key of Object.keys(obj).filter((k) => SECRET_KEY_RE.test(k) && k !== 'tokenEnv')) {
    const path = join(parent, key);
    const expected =
      'no secrets in a plan: put the token in an environment variable and name it in destination.tokenEnv';
    c.error(path, `${path}: ${expected}`, expected, 'a secret-like key (value not shown)');
  }
}

/** Known keys plus the secret-looking ones (already reported as errors, not to be warned about again). */
export const withSecretKeys = (obj: Obj, known: string[]): string[] =>
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

export function destination(c: Checker, input: Obj): Plan['destination'] {
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

export function jiraPlan(c: Checker, input: Obj, defaultIssueType: string): Plan['jira'] {
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
