// Preflight rules about what the plan names outside itself: the variable that holds the destination token, and
// the identity namespaces its mappings read from. Both were once accepted and did the wrong thing (a connection
// created with no auth; a flow mapping a namespace the org does not have), so both are failures, not warnings.
import type { Plan } from './types.js';
import type { PreflightFacts, Verdict } from './preflight.js';
import { listNames } from './preflight-verdict.js';

const isError = (f: unknown): f is { error: string } =>
  typeof f === 'object' && f !== null && !Array.isArray(f) && typeof (f as { error?: unknown }).error === 'string';

/** What preflight knows of one identity namespace (Identity Service `GET /idnamespace/identities`). */
export interface NamespaceFact {
  code: string;
  /** `ACTIVE` or `INACTIVE`; absent when the service did not say. */
  status?: string;
}

export function evaluateToken(plan: Plan, facts: PreflightFacts): Verdict[] {
  const id = 'destination.token';
  const name = plan.destination.tokenEnv;
  if (name === undefined) {
    return [
      { id, status: 'pass', message: 'no destination.tokenEnv: the connection is created without a bearer token' },
    ];
  }
  if (facts.tokenEnvSet === true) {
    return [
      { id, status: 'pass', message: `$${name} is set (the token is read from it and never stored)`, items: [name] },
    ];
  }
  const message =
    `destination.tokenEnv (--token-env) names $${name}, which is not set (or is empty) in this environment: ` +
    `the connection would be created with no auth; set it with \`export ${name}=<bearer token>\` and run again`;
  return [{ id, status: 'fail', message, items: [name] }];
}

const isActive = (n: NamespaceFact): boolean => (n.status ?? 'ACTIVE').toUpperCase() === 'ACTIVE';

function unknownSource(source: string, namespaces: readonly NamespaceFact[]): string {
  const sameButCase = namespaces.find((n) => n.code.toLowerCase() === source.toLowerCase());
  return sameButCase ? `${source} (did you mean ${sameButCase.code}?)` : source;
}

export function evaluateNamespaces(plan: Plan, facts: PreflightFacts): Verdict[] {
  const id = 'identities.namespaces';
  const namespaces = facts.identityNamespaces;
  const notChecked = (why: string): Verdict[] => [{ id, status: 'fail', message: `not checked: ${why}` }];
  if (namespaces === undefined) return notChecked('the identity namespaces were not read');
  if (isError(namespaces)) return notChecked(`listing the identity namespaces failed: ${namespaces.error}`);
  const sources = [...new Set(plan.identities.map((m) => m.source))];
  const byCode = new Map(namespaces.map((n) => [n.code, n]));
  const unknown = sources.filter((s) => !byCode.has(s));
  const inactive = sources.filter((s) => byCode.has(s) && !isActive(byCode.get(s)!));
  const named = (codes: string[]): string => codes.map((s) => unknownSource(s, namespaces)).join(', ');
  const problems = [
    ...(unknown.length > 0 ? [`no identity namespace ${named(unknown)} in this org`] : []),
    ...(inactive.length > 0 ? [`namespace ${inactive.join(', ')} is inactive`] : []),
  ];
  if (problems.length === 0) {
    const message = `every source is an active identity namespace of the org: ${sources.join(', ')}`;
    return [{ id, status: 'pass', message, items: sources }];
  }
  const valid =
    listNames(
      namespaces.filter(isActive).map((n) => n.code),
      30,
    ) || '(none)';
  const message = `identities[].source: ${problems.join('; ')}; the org's active namespace codes are: ${valid}`;
  return [{ id, status: 'fail', message, items: [...unknown, ...inactive] }];
}
