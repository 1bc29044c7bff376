// Plan validation and defaults (DESIGN §2 step 1). validatePlan never throws: it returns the plan (null when
// any error) with every error and warning, each naming the field, what was expected and what was found.
// The fields are checked in plan-lists.ts (audiences, solutions, alerts, accepted checks), plan-identities.ts
// (identity mappings), plan-sections.ts (destination, jira, polling, no secrets) and plan-fields.ts (the checker).
import type { Plan } from './types.js';
import { Checker, isObj, slaSettings, type Issue } from './plan-fields.js';
import { mergeDefaults, type PlanDefaultsInput } from './plan-defaults.js';
import { identities } from './plan-identities.js';
import { acceptedChecks, alerts, audiences, solutions } from './plan-lists.js';
import { destination, jiraPlan, polling, secrets, withSecretKeys } from './plan-sections.js';
import { jsonSyntaxIssue } from './plan-text.js';
import { duplicateKeyIssues } from './plan-keys.js';

export type { Issue } from './plan-fields.js';
export { describePlan, jsonErrorOffset } from './plan-text.js';
export { PLAN_DEFAULTS, type PlanDefaults, type PlanDefaultsInput } from './plan-defaults.js';
export { HASHABLE_IDENTITIES } from './plan-identities.js';
export { ALERTS_NOT_APPLIED } from './plan-lists.js';

export interface PlanResult {
  plan: Plan | null;
  warnings: Issue[];
  errors: Issue[];
}

export interface ValidateOptions {
  /** Overrides of PLAN_DEFAULTS (e.g. from a configuration file). */
  defaults?: PlanDefaultsInput;
}

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
