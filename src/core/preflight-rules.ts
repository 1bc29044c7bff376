// The rules of preflight: each turns gathered facts into verdicts naming exactly what is wrong.
import type { Plan } from './types.js';
import type { PreflightFacts, Verdict } from './preflight.js';
import { CHECKS, MAX_AUDIENCES_PER_FLOW, REQUIRED_PERMISSIONS, type CheckId } from './preflight-checks.js';
import { all, count } from './words.js';

const isError = (f: unknown): f is { error: string } =>
  typeof f === 'object' && f !== null && !Array.isArray(f) && typeof (f as { error?: unknown }).error === 'string';

/** "a, b, c" or "a, b, ... and 12 more". */
export function listNames(names: readonly string[], max = 10): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

const pass = (id: CheckId, message: string, items?: string[]): Verdict => ({
  id,
  status: 'pass',
  message,
  ...(items ? { items } : {}),
});
const warn = (id: CheckId, message: string, items?: string[]): Verdict => ({
  id,
  status: 'warn',
  message,
  ...(items ? { items } : {}),
});
const fail = (id: CheckId, message: string, items?: string[]): Verdict => ({
  id,
  status: 'fail',
  message,
  ...(items ? { items } : {}),
});

/** A check whose facts are missing: never a pass; 'fail' for error checks, 'warn' for warnings. */
function notChecked(id: CheckId, why: string): Verdict {
  const severity = CHECKS.find((c) => c.id === id)?.severity ?? 'error';
  return { id, status: severity === 'error' ? 'fail' : 'warn', message: `not checked: ${why}` };
}

const norm = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

export function evaluateCredentials(plan: Plan, facts: PreflightFacts): Verdict[] {
  const { ims, jira, aam } = facts;
  const needsAam = plan.solutions.includes('audience_manager');
  return [
    ims.ok
      ? pass('credentials.ims', `IMS token obtained for ${plan.orgId}`)
      : fail('credentials.ims', `IMS token request failed: ${ims.error}`),
    jira.ok
      ? pass(
          'credentials.jira',
          `Jira /myself answered${jira.displayName ? `: authenticated as ${jira.displayName}` : ''}`,
        )
      : fail('credentials.jira', `Jira /myself failed: ${jira.error}`),
    aam.ok
      ? pass('credentials.aam', 'Audience Manager API answered (data sources listed)')
      : needsAam
        ? fail(
            'credentials.aam',
            `Audience Manager API failed: ${aam.error} (needed to verify that the audiences reach Audience Manager)`,
          )
        : warn(
            'credentials.aam',
            `Audience Manager API failed: ${aam.error}; the plan does not include audience_manager, but the legacy ` +
              'inventory cannot be taken',
          ),
  ];
}

export function evaluateAccess(facts: PreflightFacts): Verdict[] {
  return (Object.entries(REQUIRED_PERMISSIONS) as [CheckId, string][]).map(([id, permission]) => {
    if (isError(facts.permissions)) return notChecked(id, `the access probe failed: ${facts.permissions.error}`);
    const probe = facts.permissions.find((p) => norm(p.permission) === norm(permission));
    const detail = probe?.detail ? ` (${probe.detail})` : '';
    if (!probe)
      return warn(
        id,
        `"${permission}" cannot be probed by a harmless read: confirm with your product administrator that the ` +
          'technical account has it',
        [permission],
      );
    return probe.ok
      ? pass(id, `"${permission}" confirmed by a harmless read${detail}`, [permission])
      : fail(
          id,
          `missing AEP permission "${permission}"${detail}: ask your product administrator to grant "${permission}"`,
          [permission],
        );
  });
}

export function evaluateLicence(plan: Plan, facts: PreflightFacts): Verdict[] {
  const uses = [
    ...(plan.usesDataManagement
      ? ['data-management use cases (third-party data, look-alike modelling, cookie destinations)']
      : []),
    ...(plan.solutions.includes('analytics') ? ['sharing to Adobe Analytics'] : []),
  ];
  const id = 'licence.aam';
  if (uses.length === 0) return [pass(id, 'not required: the plan uses no Audience Manager data-management use case')];
  const needs = uses.join(' and ');
  if (facts.aamLicence === 'confirmed') return [pass(id, `Audience Manager licence confirmed (needed for ${needs})`)];
  if (facts.aamLicence === 'absent')
    return [
      warn(
        id,
        `the plan relies on ${needs}, which need an Audience Manager licence, and the org was reported to have none`,
      ),
    ];
  return [
    warn(
      id,
      `the plan relies on ${needs}, which need an Audience Manager licence; no API can tell whether the org has one, ` +
        'and it is unconfirmed',
    ),
  ];
}

function singleConnection(facts: PreflightFacts): Verdict {
  const id = 'destination.single_connection';
  const spec = facts.ecaSpec;
  if (isError(spec) || spec === null)
    return notChecked(id, 'needs the Experience Cloud Audiences connection spec (see catalogue.eca_spec)');
  const existing = facts.existingConnections;
  if (isError(existing)) return notChecked(id, `listing the existing connections failed: ${existing.error}`);
  const label = (c: { id: string; name: string }): string => `${c.id} ("${c.name}")`;
  const ours = existing.filter((c) => c.description?.includes(facts.marker));
  const others = existing.filter((c) => !c.description?.includes(facts.marker));
  if (others.length > 0) {
    return fail(
      id,
      `an Experience Cloud Audiences connection already exists without this migration's marker ${facts.marker}: ` +
        `${listNames(others.map(label))}; only one is allowed per org`,
      others.map((c) => c.id),
    );
  }
  if (ours.length > 1)
    return fail(
      id,
      `several connections carry the marker ${facts.marker}: ${listNames(ours.map(label))}; delete all but one`,
      ours.map((c) => c.id),
    );
  const [adopted] = ours;
  if (adopted)
    return pass(id, `adopting the existing connection ${label(adopted)}: it carries this migration's marker`, [
      adopted.id,
    ]);
  return pass(id, 'no Experience Cloud Audiences connection exists yet: one will be created');
}

export function evaluateCatalogue(plan: Plan, facts: PreflightFacts): Verdict[] {
  const spec = facts.ecaSpec;
  const catalogue = isError(spec)
    ? fail('catalogue.eca_spec', `reading the connection-spec catalogue failed: ${spec.error}`)
    : spec === null
      ? fail(
          'catalogue.eca_spec',
          'no connection spec named "Experience Cloud Audiences" in the Flow Service catalogue of this org',
        )
      : pass('catalogue.eca_spec', `found "${spec.name}" (${spec.id})`, [spec.id]);
  return [catalogue, singleConnection(facts), identities(plan, facts)];
}

function identities(plan: Plan, facts: PreflightFacts): Verdict {
  const id = 'identities.supported';
  const spec = facts.ecaSpec;
  if (isError(spec) || spec === null)
    return notChecked(id, 'needs the Experience Cloud Audiences connection spec (see catalogue.eca_spec)');
  const targets = unique(plan.identities.map((m) => m.target));
  const declared = spec.identities ?? [];
  if (declared.length === 0) {
    return warn(
      id,
      `the live spec declares no identities; ${targets.join(', ')} assumed supported from the documented table`,
      targets,
    );
  }
  const known = new Set(declared.map((d) => d.toLowerCase()));
  const missing = targets.filter((t) => !known.has(t.toLowerCase()));
  if (missing.length > 0) {
    return fail(
      id,
      `the live destination spec does not declare ${missing.join(', ')} (it declares ${declared.join(', ')})`,
      missing,
    );
  }
  return pass(id, `every mapped identity is declared by the live spec: ${targets.join(', ')}`, targets);
}

export function evaluateAudiences(plan: Plan, facts: PreflightFacts): Verdict[] {
  const planned = unique(plan.audiences);
  const limit =
    planned.length <= MAX_AUDIENCES_PER_FLOW
      ? pass('audiences.limit', `${count(planned.length, 'audience')} (limit ${MAX_AUDIENCES_PER_FLOW} per dataflow)`)
      : fail(
          'audiences.limit',
          `${planned.length} audiences: ${planned.length - MAX_AUDIENCES_PER_FLOW} over the limit of ` +
            `${MAX_AUDIENCES_PER_FLOW} per dataflow`,
        );
  const segments = facts.segments;
  if (isError(segments))
    return [notChecked('audiences.exist', `listing the segments failed: ${segments.error}`), limit];
  const ids = new Set(segments.map((s) => s.id));
  const missing = planned.filter((a) => !ids.has(a));
  const exist =
    missing.length > 0
      ? fail(
          'audiences.exist',
          `${missing.length} of ${count(planned.length, 'audience')} ${missing.length === 1 ? 'does' : 'do'} not ` +
            `exist in sandbox ${plan.sandbox}: ${listNames(missing)}`,
          missing,
        )
      : pass(
          'audiences.exist',
          `${all(planned.length, 'audience')} ${planned.length === 1 ? 'exists' : 'exist'} in sandbox ${plan.sandbox}`,
        );
  return [exist, limit];
}

function existingTicket(plan: Plan, facts: PreflightFacts): Verdict {
  const id = 'jira.existing_ticket';
  const key = plan.jira.existingKey;
  if (key === undefined) return pass(id, 'not attaching: a new ticket will be filed, labelled with the marker');
  const ticket = facts.existingTicket;
  if (ticket === undefined) return notChecked(id, `${key} was not looked up`);
  if (isError(ticket)) return notChecked(id, `looking up ${key} failed: ${ticket.error}`);
  if (ticket === null) return fail(id, `${key} does not exist or is not visible to the Jira user`, [key]);
  if (ticket.statusCategory === 'done') {
    return warn(
      id,
      `${ticket.key} is already resolved: the legacy pipe may already be off, so the downtime window is open and the ` +
        'cut-over runs right after preflight',
      [ticket.key],
    );
  }
  return pass(
    id,
    `${ticket.key} exists (status category ${ticket.statusCategory}): it will be attached instead of filing a new one`,
    [ticket.key],
  );
}

export function evaluateJira(plan: Plan, facts: PreflightFacts): Verdict[] {
  const { projectKey, issueType } = plan.jira;
  const project = facts.jiraProject;
  if (isError(project) || project === null) {
    const why =
      project === null
        ? `project ${projectKey} does not exist or the Jira user cannot see it`
        : `reading project ${projectKey} failed: ${project.error}`;
    return [
      fail('jira.project', why, [projectKey]),
      notChecked('jira.issue_type', `needs project ${projectKey}`),
      existingTicket(plan, facts),
    ];
  }
  const found = project.issueTypes.find((t) => t.toLowerCase() === issueType.toLowerCase());
  return [
    pass('jira.project', `project ${projectKey} exists`, [projectKey]),
    found !== undefined
      ? pass('jira.issue_type', `issue type "${found}" exists in ${projectKey}`, [found])
      : fail(
          'jira.issue_type',
          `issue type "${issueType}" does not exist in ${projectKey}; its issue types are: ` +
            `${project.issueTypes.join(', ') || '(none)'}`,
          [issueType],
        ),
    existingTicket(plan, facts),
  ];
}

/** Legacy vs plan: keep (in both, plan order), stop (legacy only, legacy order), add (plan only, plan order). */
export function legacyDiff(
  legacyIds: readonly string[],
  planIds: readonly string[],
): { keep: string[]; stop: string[]; add: string[] } {
  const legacy = new Set(legacyIds);
  const planned = new Set(planIds);
  return {
    keep: unique(planIds).filter((id) => legacy.has(id)),
    stop: unique(legacyIds).filter((id) => !planned.has(id)),
    add: unique(planIds).filter((id) => !legacy.has(id)),
  };
}

export function evaluateLegacy(plan: Plan, facts: PreflightFacts): Verdict[] {
  const id = 'legacy.inventory';
  const legacy = facts.legacyAudienceIds;
  if (isError(legacy))
    return [notChecked(id, `reading the legacy data source in Audience Manager failed: ${legacy.error}`)];
  if (legacy === null) {
    return [
      warn(
        id,
        'no legacy data source ("Adobe Experience Platform Audience Sharing" or "Experience Platform Segments") ' +
          'found in Audience Manager: nothing to compare the plan with',
      ),
    ];
  }
  const { keep, stop, add } = legacyDiff(legacy, plan.audiences);
  if (stop.length > 0) {
    return [
      warn(
        id,
        `the plan would stop sharing ${stop.length} of the ${count(unique(legacy).length, 'audience')} the legacy ` +
          `pipe shares today: ${listNames(stop)}`,
        stop,
      ),
    ];
  }
  return [
    pass(
      id,
      `keeps ${all(keep.length, 'audience')} the legacy pipe shares ` +
        `today${add.length > 0 ? ` and adds ${add.length}` : ''}`,
    ),
  ];
}
