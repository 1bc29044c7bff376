// Gathers the preflight facts from the services (reads only), then evaluates them with the pure rules.
// A read that fails becomes `{error}` in the facts: what was not verified is never reported as passed.
import { isoNow } from '../adapters/clock.js';
import type { PreflightOutput } from '../core/machine-types.js';
import type { Gathered, PreflightFacts } from '../core/preflight.js';
import { evaluatePreflight } from '../core/preflight.js';
import type { Plan } from '../core/types.js';
import { ServiceError } from '../errors.js';
import type { EffectDeps } from './effects.js';

async function gathered<T>(read: () => Promise<T>): Promise<Gathered<T>> {
  try {
    return await read();
  } catch (err) {
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

async function legacyAudienceIds(deps: EffectDeps): Promise<string[] | null> {
  const { directory } = deps.services;
  const legacy = (await directory.listDataSources()).find((d) => d.name === deps.settings.aamLegacyDataSource);
  if (!legacy) return null;
  const segments = await directory.segmentsInDataSource(legacy.id);
  return segments.map((s) => s.integrationCode).filter((c): c is string => Boolean(c));
}

export async function gatherFacts(deps: EffectDeps, plan: Plan, marker: string): Promise<PreflightFacts & { flowSpec: Gathered<{ id: string } | null> }> {
  const { tracker, platform, directory } = deps.services;
  const [permissions, whoAmI, dataSources, ecaSpec, flowSpec, segments, project, legacy, existingTicket] = await Promise.all([
    gathered(() => platform.probeAccess()),
    gathered(() => tracker.whoAmI()),
    gathered(() => directory.listDataSources()),
    gathered(() => platform.findConnectionSpec(deps.settings.ecaSpecName)),
    gathered(() => platform.findFlowSpec(deps.settings.ecaFlowSpecName)),
    gathered(() => platform.listSegments()),
    gathered(() => jiraProject(deps, plan.jira.projectKey)),
    gathered(() => legacyAudienceIds(deps)),
    plan.jira.existingKey ? gathered(() => tracker.get(plan.jira.existingKey!).then((t) => ({ key: t.key, statusCategory: t.statusCategory }))) : undefined,
  ]);
  const existingConnections = failed(ecaSpec) || !ecaSpec ? [] : await gathered(() => platform.listConnections(ecaSpec.id));
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
    ...(existingTicket ? { existingTicket } : {}),
  };
}

export async function runPreflight(deps: EffectDeps, plan: Plan, marker: string): Promise<PreflightOutput> {
  const facts = await gatherFacts(deps, plan, marker);
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
