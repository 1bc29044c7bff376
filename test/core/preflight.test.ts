import { describe, expect, it } from 'vitest';
import {
  CHECKS,
  evaluatePreflight,
  legacyDiff,
  preflightBlocks,
  type CheckResult,
  type PreflightFacts,
} from '../../src/core/preflight.js';
import { validatePlan } from '../../src/core/plan.js';
import type { Plan } from '../../src/core/types.js';

const MARKER = 'cutover-m1';

function plan(patch: Record<string, unknown> = {}): Plan {
  const r = validatePlan({
    orgId: 'ABC123@AdobeOrg',
    audiences: ['seg-1', 'seg-2'],
    destination: { name: 'ECA' },
    jira: { projectKey: 'AAM', issueType: 'Task' },
    ...patch,
  });
  if (!r.plan) throw new Error(JSON.stringify(r.errors));
  return r.plan;
}

function facts(patch: Partial<PreflightFacts> = {}): PreflightFacts {
  return {
    marker: MARKER,
    ims: { ok: true },
    jira: { ok: true, displayName: 'Ana Admin' },
    aam: { ok: true },
    permissions: ['Manage Destinations', 'Activate Destinations', 'View Profiles', 'View Segments'].map(
      (permission) => ({ permission, ok: true }),
    ),
    ecaSpec: {
      id: 'spec-eca',
      name: 'Experience Cloud Audiences',
      identities: ['ECID', 'GAID', 'IDFA', 'email_lc_sha256'],
    },
    existingConnections: [],
    segments: [
      { id: 'seg-1', name: 'One' },
      { id: 'seg-2', name: 'Two' },
      { id: 'seg-3', name: 'Three' },
    ],
    jiraProject: { issueTypes: ['Task', 'Bug'] },
    legacyAudienceIds: ['seg-1', 'seg-2'],
    identityNamespaces: ['ECID', 'Email', 'Phone', 'GAID', 'IDFA'].map((code) => ({ code, status: 'ACTIVE' })),
    ...patch,
  };
}

const result = (results: CheckResult[], id: string): CheckResult => {
  const r = results.find((x) => x.id === id);
  if (!r) throw new Error(`no result ${id}`);
  return r;
};
const check = (id: string, p: Plan, f: PreflightFacts): CheckResult => result(evaluatePreflight(p, f), id);

describe('CHECKS', () => {
  it('covers DESIGN §2 step 2, each with a severity, a title and a fix', () => {
    expect(CHECKS.map((c) => c.id)).toEqual([
      'credentials.ims',
      'credentials.jira',
      'credentials.aam',
      'access.manage_destinations',
      'access.activate_destinations',
      'access.view_profiles',
      'access.view_segments',
      'licence.aam',
      'catalogue.eca_spec',
      'destination.single_connection',
      'destination.token',
      'audiences.exist',
      'identities.namespaces',
      'identities.supported',
      'audiences.limit',
      'jira.project',
      'jira.issue_type',
      'jira.existing_ticket',
      'legacy.inventory',
    ]);
    for (const c of CHECKS) expect(c.fix.length).toBeGreaterThan(20);
  });
});

describe('evaluatePreflight', () => {
  it('all facts good: every check passes, in CHECKS order, without a fix hint', () => {
    const results = evaluatePreflight(plan(), facts());
    expect(results.map((r) => r.id)).toEqual(CHECKS.map((c) => c.id));
    expect(results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(results.every((r) => r.fix === undefined)).toBe(true);
    expect(preflightBlocks(results)).toBe(false);
  });

  it('credentials: each failing service fails its check with the error', () => {
    const r = evaluatePreflight(
      plan(),
      facts({ ims: { ok: false, error: '401 invalid_client' }, jira: { ok: false, error: '403' } }),
    );
    expect(result(r, 'credentials.ims')).toMatchObject({
      status: 'fail',
      message: 'IMS token request failed: 401 invalid_client',
    });
    expect(result(r, 'credentials.jira').message).toBe('Jira /myself failed: 403');
    expect(result(r, 'credentials.ims').fix).toContain('client secret');
    expect(preflightBlocks(r)).toBe(true);
  });

  it('credentials.aam fails when the plan needs Audience Manager, warns otherwise', () => {
    const f = facts({ aam: { ok: false, error: 'timeout' } });
    expect(check('credentials.aam', plan(), f).status).toBe('fail');
    expect(check('credentials.aam', plan({ solutions: ['target'] }), f).status).toBe('warn');
  });

  it('access: a missing permission names the permission to ask for; an unprobed one warns', () => {
    const f = facts({
      permissions: [
        { permission: 'Manage Destinations', ok: false, detail: 'GET /connections: 403' },
        { permission: 'View Profiles', ok: true },
        { permission: 'View Segments', ok: true },
      ],
    });
    const manage = check('access.manage_destinations', plan(), f);
    expect(manage).toMatchObject({ status: 'fail', items: ['Manage Destinations'] });
    expect(manage.message).toBe(
      'missing AEP permission "Manage Destinations" (GET /connections: 403): ask your product administrator to grant "Manage Destinations"',
    );
    expect(check('access.activate_destinations', plan(), f).status).toBe('warn');
    expect(check('access.view_profiles', plan(), facts({ permissions: { error: 'ECONNRESET' } })).message).toBe(
      'not checked: the access probe failed: ECONNRESET',
    );
  });

  it('licence.aam: pass when not needed, warn when unconfirmed, pass when confirmed', () => {
    expect(check('licence.aam', plan(), facts()).status).toBe('pass');
    const dm = plan({ usesDataManagement: true });
    expect(check('licence.aam', dm, facts()).status).toBe('warn');
    expect(check('licence.aam', dm, facts({ aamLicence: 'unknown' })).message).toContain('it is unconfirmed');
    expect(check('licence.aam', dm, facts({ aamLicence: 'confirmed' })).status).toBe('pass');
    expect(check('licence.aam', plan({ solutions: ['analytics'] }), facts()).message).toContain(
      'sharing to Adobe Analytics',
    );
  });

  it('catalogue.eca_spec fails when the spec is not found', () => {
    const r = check('catalogue.eca_spec', plan(), facts({ ecaSpec: null }));
    expect(r.status).toBe('fail');
    expect(r.message).toContain('no connection spec named "Experience Cloud Audiences"');
  });

  it('destination.single_connection: another connection fails; ours is adopted', () => {
    const other = check(
      'destination.single_connection',
      plan(),
      facts({ existingConnections: [{ id: 'c-9', name: 'Old ECA', description: 'made by hand' }] }),
    );
    expect(other).toMatchObject({ status: 'fail', items: ['c-9'] });
    expect(other.message).toContain('c-9 ("Old ECA")');
    const ours = check(
      'destination.single_connection',
      plan(),
      facts({ existingConnections: [{ id: 'c-1', name: 'ECA', description: `x [${MARKER}]` }] }),
    );
    expect(ours).toMatchObject({ status: 'pass', items: ['c-1'] });
    expect(ours.message).toContain('adopting the existing connection c-1');
  });

  it('audiences.exist names the missing audience ids', () => {
    const r = check('audiences.exist', plan({ audiences: ['seg-1', 'seg-404', 'seg-405'] }), facts());
    expect(r).toMatchObject({ status: 'fail', items: ['seg-404', 'seg-405'] });
    expect(r.message).toBe('2 of 3 audiences do not exist in sandbox prod: seg-404, seg-405');
  });

  it('identities.supported names what the live spec does not declare; a spec declaring none warns', () => {
    const p = plan({
      identities: [
        { source: 'ECID', target: 'ECID' },
        { source: 'Phone', target: 'phone_sha256', applyHashing: true },
      ],
    });
    const r = check('identities.supported', p, facts());
    expect(r).toMatchObject({ status: 'fail', items: ['phone_sha256'] });
    expect(r.message).toContain('does not declare phone_sha256');
    const none = check('identities.supported', p, facts({ ecaSpec: { id: 's', name: 'Experience Cloud Audiences' } }));
    expect(none.status).toBe('warn');
    expect(none.message).toContain('declares no identities');
  });

  it('audiences.limit fails above 250', () => {
    const p = { ...plan(), audiences: Array.from({ length: 260 }, (_, i) => `seg-${i}`) };
    const r = check('audiences.limit', p, facts());
    expect(r.status).toBe('fail');
    expect(r.message).toBe('260 audiences: 10 over the limit of 250 per dataflow');
  });

  it('jira.project and jira.issue_type', () => {
    const missing = evaluatePreflight(plan(), facts({ jiraProject: null }));
    expect(result(missing, 'jira.project').message).toBe('project AAM does not exist or the Jira user cannot see it');
    expect(result(missing, 'jira.issue_type').status).toBe('fail');
    const r = check('jira.issue_type', plan({ jira: { projectKey: 'AAM', issueType: 'Story' } }), facts());
    expect(r.message).toBe('issue type "Story" does not exist in AAM; its issue types are: Task, Bug');
  });

  it('jira.existing_ticket: the key must exist; an already resolved one warns', () => {
    const p = plan({ jira: { projectKey: 'AAM', existingKey: 'AAM-52354' } });
    expect(check('jira.existing_ticket', plan(), facts()).status).toBe('pass');
    expect(check('jira.existing_ticket', p, facts({ existingTicket: null })).message).toBe(
      'AAM-52354 does not exist or is not visible to the Jira user',
    );
    expect(
      check('jira.existing_ticket', p, facts({ existingTicket: { key: 'AAM-52354', statusCategory: 'new' } })).status,
    ).toBe('pass');
    expect(
      check('jira.existing_ticket', p, facts({ existingTicket: { key: 'AAM-52354', statusCategory: 'done' } })).status,
    ).toBe('warn');
  });

  it('legacy.inventory warns listing the audiences the plan would stop sharing', () => {
    const r = check(
      'legacy.inventory',
      plan({ audiences: ['seg-1', 'seg-3'] }),
      facts({ legacyAudienceIds: ['seg-1', 'seg-2', 'seg-7'] }),
    );
    expect(r).toMatchObject({ status: 'warn', items: ['seg-2', 'seg-7'] });
    expect(r.message).toBe(
      'the plan would stop sharing 2 of the 3 audiences the legacy pipe shares today: seg-2, seg-7',
    );
    expect(check('legacy.inventory', plan(), facts({ legacyAudienceIds: null })).status).toBe('warn');
  });

  it('counts one audience as one: "1 audience", "the 1 audience exists", never "1 audiences"', () => {
    const one = plan({ audiences: ['seg-1'] });
    const r = evaluatePreflight(one, facts({ legacyAudienceIds: ['seg-1'] }));
    expect(result(r, 'audiences.limit').message).toBe('1 audience (limit 250 per dataflow)');
    expect(result(r, 'audiences.exist').message).toBe('the 1 audience exists in sandbox prod');
    expect(result(r, 'legacy.inventory').message).toBe('keeps the 1 audience the legacy pipe shares today');
    const gone = check('audiences.exist', plan({ audiences: ['seg-1', 'seg-404'] }), facts());
    expect(gone.message).toBe('1 of 2 audiences does not exist in sandbox prod: seg-404');
  });

  it('a fact that could not be gathered is never a pass', () => {
    const r = evaluatePreflight(plan(), facts({ segments: { error: '503' }, legacyAudienceIds: { error: '500' } }));
    expect(result(r, 'audiences.exist')).toMatchObject({
      status: 'fail',
      message: 'not checked: listing the segments failed: 503',
    });
    expect(result(r, 'legacy.inventory').status).toBe('warn');
  });
});

describe('what the plan names outside itself', () => {
  const withToken = () => plan({ destination: { name: 'ECA', tokenEnv: 'NOPE' } });

  it('destination.token: a plan naming an unset variable fails, naming it and how to set it', () => {
    const r = check('destination.token', withToken(), facts({ tokenEnvSet: false }));
    expect(r.status).toBe('fail');
    expect(r.message).toContain('destination.tokenEnv (--token-env) names $NOPE, which is not set');
    expect(r.message).toContain('export NOPE=<bearer token>');
    expect(r.items).toEqual(['NOPE']);
    expect(check('destination.token', withToken(), facts()).status).toBe('fail');
    expect(check('destination.token', withToken(), facts({ tokenEnvSet: true })).status).toBe('pass');
    expect(check('destination.token', plan(), facts()).status).toBe('pass');
  });

  it('identities.namespaces: an unknown or inactive source fails, listing the valid codes', () => {
    const p = plan({
      identities: [
        { source: 'NotANamespace', target: 'ECID' },
        { source: 'email', target: 'email_lc_sha256', applyHashing: true },
      ],
    });
    const r = check('identities.namespaces', p, facts());
    expect(r.status).toBe('fail');
    expect(r.message).toBe(
      "identities[].source: no identity namespace NotANamespace, email (did you mean Email?) in this org; the org's active namespace codes are: ECID, Email, Phone, GAID, IDFA",
    );
    expect(r.items).toEqual(['NotANamespace', 'email']);
    const inactive = facts({
      identityNamespaces: [
        { code: 'ECID', status: 'INACTIVE' },
        { code: 'Email', status: 'ACTIVE' },
      ],
    });
    expect(check('identities.namespaces', plan(), inactive).message).toContain('namespace ECID is inactive');
  });

  it('identities.namespaces: a namespace list that could not be read is never a pass', () => {
    expect(check('identities.namespaces', plan(), facts({ identityNamespaces: { error: 'HTTP 403' } }))).toMatchObject({
      status: 'fail',
      message: 'not checked: listing the identity namespaces failed: HTTP 403',
    });
    expect(check('identities.namespaces', plan(), facts({ identityNamespaces: undefined })).status).toBe('fail');
  });
});

describe('acceptance', () => {
  const at = '2026-03-27T10:00:00Z';
  it('an accepted warning passes with the acceptance recorded', () => {
    const p = plan({
      usesDataManagement: true,
      acceptedChecks: [{ check: 'licence.aam', reason: 'licensed since 2019', by: 'ana', at }],
    });
    const r = check('licence.aam', p, facts());
    expect(r.status).toBe('pass');
    expect(r.accepted).toEqual({ reason: 'licensed since 2019', by: 'ana', at: '2026-03-27T10:00:00.000Z' });
    expect(r.message).toContain('(accepted by ana: licensed since 2019)');
    expect(r.fix).toBeDefined();
  });

  it('a failed check cannot be accepted, and the message says so', () => {
    const p = plan({ acceptedChecks: [{ check: 'catalogue.eca_spec', reason: 'we know', by: 'ana', at }] });
    const results = evaluatePreflight(p, facts({ ecaSpec: null }));
    const r = result(results, 'catalogue.eca_spec');
    expect(r.status).toBe('fail');
    expect(r.accepted).toBeUndefined();
    expect(r.message).toContain('a failed check cannot be accepted');
    expect(r.message).toContain('cutover skip catalogue.eca_spec');
    expect(preflightBlocks(results)).toBe(true);
  });
});

describe('legacyDiff', () => {
  it('splits into keep, stop and add', () => {
    expect(legacyDiff(['a', 'b', 'c', 'a'], ['c', 'd', 'a'])).toEqual({ keep: ['c', 'a'], stop: ['b'], add: ['d'] });
    expect(legacyDiff([], [])).toEqual({ keep: [], stop: [], add: [] });
  });
});
