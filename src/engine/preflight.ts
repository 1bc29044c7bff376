// Gathers the preflight facts from the services (reads only), then evaluates them with the pure rules.
// A read that fails becomes `{error}` in the facts: what was not verified is never reported as passed.
import { isoNow } from '../core/time.js';
import type { PreflightOutput } from '../core/machine-types.js';
import type { Gathered, PreflightFacts } from '../core/preflight.js';
import { evaluatePreflight } from '../core/preflight.js';
import type { Plan } from '../core/types.js';
import { ServiceError } from '../errors.js';
import type { EffectDeps } from './effects.js';

async function gatheredOr<T>(read: () => Promise<T>, rethrowTransient: boolean): Promise<Gathered<T>> {
  try {
    return await read();
  } catch (err) {
    // A 5xx, 429, timeout or reset says nothing about the org: reported as a failed check it would park the
    // migration for an operator; rethrown, it takes the machine's bounded retry path like any other step.
    if (rethrowTransient && err instanceof ServiceError && err.retryable) throw err;
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function failed(value: Gathered<unknown>): value is { error: string } {
  return typeof value === 'object' && value !== null && 'error' in value;
}

function credential(value: Gathered<unknown>): { ok: true } | { ok: false; error: string } {
  return failed(value) ? { ok: false, error: value.error } : { ok: true };
}

async function jiraProject(deps: EffectDeps, projectKey: string) {
  try {
    const types = await deps.services.tracker.issueTypes(projectKey);
    return { issueTypes: types.map((t) => t.name) };
  } catch (err) {
    if (err instanceof ServiceError && err.status === 404) return null;
    throw err;
  }
}

/** AEP segment ids the legacy pipe delivers to Audience Manager today; null when there is no legacy source. */
export async function legacyAudienceIds(deps: Pick<EffectDeps, 'services' | 'settings'>): Promise<string[] | null> {
  const { directory } = deps.services;
  const legacy = (await directory.listDataSources()).find((d) => d.name === deps.settings.aamLegacyDataSource);
  if (!legacy) return null;
  const segments = await directory.segmentsInDataSource(legacy.id);
  return segments.map((s) => s.integrationCode).filter((c): c is string => Boolean(c));
}

/** Whether the variable the plan names for the destination token holds a value (an empty one counts as unset). */
export function tokenEnvSet(env: EffectDeps['env'], plan: Plan): boolean {
  const name = plan.destination.tokenEnv;
  return name !== undefined && (env[name] ?? '') !== '';
}

/** `rethrowTransient`: the engine retries transient failures; a dry run (the wizard) shows them as facts. */
export async function gatherFacts(
  deps: EffectDeps,
  plan: Plan,
  marker: string,
  rethrowTransient = false,
): Promise<PreflightFacts & { flowSpec: Gathered<{ id: string } | null> }> {
  const { tracker, platform, directory } = deps.services;
  const gathered = <T>(read: () => Promise<T>) => gatheredOr(read, rethrowTransient);
  const [permissions, whoAmI, dataSources, ecaSpec, flowSpec, segments, project, legacy, namespaces, existingTicket] =
    await Promise.all([
      gathered(() => platform.probeAccess()),
      gathered(() => tracker.whoAmI()),
      gathered(() => directory.listDataSources()),
      gathered(() => platform.findConnectionSpec(deps.settings.ecaSpecName)),
      gathered(() => platform.findFlowSpec(deps.settings.ecaFlowSpecName)),
      gathered(() => platform.listSegments()),
      gathered(() => jiraProject(deps, plan.jira.projectKey)),
      gathered(() => legacyAudienceIds(deps)),
      gathered(() => platform.listIdentityNamespaces()),
      plan.jira.existingKey
        ? gathered(() =>
            tracker.get(plan.jira.existingKey!).then((t) => ({ key: t.key, statusCategory: t.statusCategory })),
          )
        : undefined,
    ]);
  const existingConnections =
    failed(ecaSpec) || !ecaSpec ? [] : await gathered(() => platform.listConnections(ecaSpec.id));
  return {
    marker,
    ims: credential(permissions),
    jira: failed(whoAmI) ? { ok: false, error: whoAmI.error } : { ok: true, displayName: whoAmI.displayName },
    aam: credential(dataSources),
    permissions,
    ecaSpec,
    flowSpec,
    existingConnections,
    segments,
    jiraProject: project,
    legacyAudienceIds: legacy,
    identityNamespaces: namespaces,
    tokenEnvSet: tokenEnvSet(deps.env, plan),
    ...(existingTicket ? { existingTicket } : {}),
  };
}

export async function runPreflight(deps: EffectDeps, plan: Plan, marker: string): Promise<PreflightOutput> {
  const facts = await gatherFacts(deps, plan, marker, true);
  const results = evaluatePreflight(plan, facts);
  const ok = <T>(v: Gathered<T>): T | null => (failed(v) ? null : v);
  const adopted = (ok(facts.existingConnections) ?? []).find((c) => c.description?.includes(marker));
  return {
    observedAt: isoNow(deps.clock),
    results,
    ecaSpecId: ok(facts.ecaSpec)?.id ?? null,
    flowSpecId: ok(facts.flowSpec)?.id ?? null,
    adoptedConnectionId: adopted?.id ?? null,
  };
}
