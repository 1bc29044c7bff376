// The rules of preflight about the org's own set-up: credentials, access, the licence and the catalogue. Each
// turns gathered facts into verdicts naming exactly what is wrong; the plan's own rules are preflight-rules-plan.ts.
import type { Plan } from './types.js';
import type { PreflightFacts, Verdict } from './preflight.js';
import { type CheckId, REQUIRED_PERMISSIONS } from './preflight-checks.js';
import { fail, isError, listNames, norm, notChecked, pass, unique, warn } from './preflight-verdict.js';

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
