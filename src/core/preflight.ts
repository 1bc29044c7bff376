// Preflight (DESIGN §2 step 2): the checks as data, and a pure evaluation of facts the engine gathered.
// Status rules: 'fail' blocks and can never be accepted in the plan (only the operator `skip` path, handled by
// the engine, gets past one); 'warn' may be accepted through plan.acceptedChecks and then reads 'pass' with
// the acceptance recorded. A fact that could not be gathered ({error}) gives 'fail' for an error-severity check
// and 'warn' for a warning-severity one: what was not verified is never reported as passed.
import type { AcceptedCheck, Plan } from './types.js';
import { CHECKS, type CheckId } from './preflight-checks.js';
import { evaluateAccess, evaluateCatalogue, evaluateCredentials, evaluateLicence } from './preflight-rules.js';
import { evaluateAudiences, evaluateJira, evaluateLegacy } from './preflight-rules-plan.js';
import { evaluateNamespaces, evaluateToken, type NamespaceFact } from './preflight-inputs.js';

export {
  CHECKS,
  CHECK_IDS,
  MAX_AUDIENCES_PER_FLOW,
  REQUIRED_PERMISSIONS,
  type CheckDef,
  type CheckId,
} from './preflight-checks.js';
export { legacyDiff } from './preflight-rules-plan.js';
export type { NamespaceFact } from './preflight-inputs.js';

export type Gathered<T> = T | { error: string };

export interface PreflightFacts {
  /** This migration's marker (carried in descriptions of everything it creates), e.g. `cutover-<id>`. */
  marker: string;
  ims: { ok: true } | { ok: false; error: string };
  jira: { ok: true; displayName?: string } | { ok: false; error: string };
  aam: { ok: true } | { ok: false; error: string };
  /** From DestinationPlatform.probeAccess(); a permission absent from the list was not probed. */
  permissions: Gathered<{ permission: string; ok: boolean; detail?: string }[]>;
  /** Audience Manager licence: no API tells, so it is asked. Absent means not asked yet. */
  aamLicence?: 'confirmed' | 'absent' | 'unknown';
  ecaSpec: Gathered<{ id: string; name: string; identities?: string[] } | null>;
  /** Base connections of the ECA spec in the org. */
  existingConnections: Gathered<{ id: string; name: string; description?: string }[]>;
  segments: Gathered<{ id: string; name: string }[]>;
  /** null: the project does not exist (or is not visible). */
  jiraProject: Gathered<{ issueTypes: string[] } | null>;
  /** AEP segment ids the legacy pipe delivers to Audience Manager today; null: no legacy data source found. */
  legacyAudienceIds: Gathered<string[] | null>;
  /** Whether the variable plan.destination.tokenEnv names holds a non-empty value (never the value itself). */
  tokenEnvSet?: boolean;
  /** The org's identity namespaces (Identity Service); absent: not read. */
  identityNamespaces?: Gathered<NamespaceFact[]>;
  /** Only gathered when plan.jira.existingKey is set; null: the key does not exist. */
  existingTicket?: Gathered<{ key: string; statusCategory: string } | null>;
}

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  id: CheckId;
  severity: 'error' | 'warning';
  title: string;
  status: CheckStatus;
  message: string;
  /** Present unless the check passed on its own. */
  fix?: string;
  /** The specific things the message names (audience ids, identities, permissions, connection ids). */
  items?: string[];
  accepted?: { reason: string; by: string; at: string };
}

/** What a rule returns: the evaluation before definitions and acceptances are applied. */
export interface Verdict {
  id: CheckId;
  status: CheckStatus;
  message: string;
  items?: string[];
}

function accept(result: CheckResult, acceptance: AcceptedCheck | undefined): CheckResult {
  if (!acceptance || result.status === 'pass') return result;
  if (result.status === 'fail') {
    const refusal =
      `listed in acceptedChecks by ${acceptance.by}, but a failed check cannot be accepted: fix it, or ` +
      `an operator may run \`cutover skip ${result.id} --reason ...\``;
    return { ...result, message: `${result.message} (${refusal})` };
  }
  const { reason, by, at } = acceptance;
  return {
    ...result,
    status: 'pass',
    message: `${result.message} (accepted by ${by}: ${reason})`,
    accepted: { reason, by, at },
  };
}

function toResult(verdict: Verdict, plan: Plan): CheckResult {
  const def = CHECKS.find((c) => c.id === verdict.id);
  if (!def) throw new Error(`preflight rule returned unknown check id ${verdict.id}`);
  const result: CheckResult = {
    id: def.id,
    severity: def.severity,
    title: def.title,
    status: verdict.status,
    message: verdict.message,
    ...(verdict.status === 'pass' ? {} : { fix: def.fix }),
    ...(verdict.items && verdict.items.length > 0 ? { items: verdict.items } : {}),
  };
  return accept(
    result,
    plan.acceptedChecks.find((a) => a.check === def.id),
  );
}

/** Evaluates every check of CHECKS, in CHECKS order. Pure: the same plan and facts give the same results. */
export function evaluatePreflight(plan: Plan, facts: PreflightFacts): CheckResult[] {
  const verdicts = [
    ...evaluateCredentials(plan, facts),
    ...evaluateAccess(facts),
    ...evaluateLicence(plan, facts),
    ...evaluateCatalogue(plan, facts),
    ...evaluateToken(plan, facts),
    ...evaluateNamespaces(plan, facts),
    ...evaluateAudiences(plan, facts),
    ...evaluateJira(plan, facts),
    ...evaluateLegacy(plan, facts),
  ];
  const byId = new Map(verdicts.map((v) => [v.id, v]));
  return CHECKS.map((def) => {
    const verdict = byId.get(def.id);
    if (!verdict) throw new Error(`no preflight rule evaluated ${def.id}`);
    return toResult(verdict, plan);
  });
}

/** True when any check failed: the migration must not go past preflight (unless an operator skips it). */
export function preflightBlocks(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.status === 'fail');
}
