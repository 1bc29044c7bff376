import { describe, expect, it } from 'vitest';
import {
  describePlan,
  parsePlanText,
  PLAN_DEFAULTS,
  validatePlan,
  type Issue,
  type PlanResult,
} from '../../src/core/plan.js';

const ORG = '0123456789ABCDEF01234567@AdobeOrg';
const good = (): Record<string, unknown> => ({
  orgId: ORG,
  audiences: ['seg-1', 'seg-2'],
  destination: { name: 'Experience Cloud Audiences (cutover)', tokenEnv: 'ECA_BEARER_TOKEN' },
  jira: { projectKey: 'AAM' },
});
const withField = (patch: Record<string, unknown>): Record<string, unknown> => ({ ...good(), ...patch });

function only(list: Issue[], path: string): Issue {
  const found = list.filter((i) => i.path === path);
  expect(found, `issues at ${path} among ${JSON.stringify(list, null, 1)}`).toHaveLength(1);
  return found[0]!;
}
function errorAt(r: PlanResult, path: string): Issue {
  expect(r.plan).toBeNull();
  return only(r.errors, path);
}

describe('validatePlan: a good plan', () => {
  it('fills every default', () => {
    const r = validatePlan(good());
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.plan).toEqual({
      orgId: ORG,
      sandbox: 'prod',
      audiences: ['seg-1', 'seg-2'],
      identities: [{ source: 'ECID', target: 'ECID' }],
      solutions: ['audience_manager'],
      destination: { name: 'Experience Cloud Audiences (cutover)', description: '', tokenEnv: 'ECA_BEARER_TOKEN' },
      alerts: [],
      jira: { projectKey: 'AAM', issueType: 'Task' },
      usesDataManagement: false,
      polling: {
        ticketIntervalMs: 60_000,
        verifyIntervalMs: 30_000,
        verifyTimeoutMs: 72 * 3_600_000,
        maxAttempts: 5,
        retryBaseMs: 2_000,
      },
      ticketSlaBusinessDays: 6,
      acceptedChecks: [],
    });
  });

  it('takes overrides of the defaults', () => {
    const r = validatePlan(good(), { defaults: { sandbox: 'dev', polling: { ticketIntervalMs: 10_000 } } });
    expect(r.plan?.sandbox).toBe('dev');
    expect(r.plan?.polling.ticketIntervalMs).toBe(10_000);
    expect(r.plan?.polling.verifyIntervalMs).toBe(PLAN_DEFAULTS.polling.verifyIntervalMs);
  });

  it('keeps explicit values and normalises acceptedChecks[].at to UTC', () => {
    const r = validatePlan(
      withField({
        identities: [{ source: 'Email', target: 'email_lc_sha256', applyHashing: true }],
        solutions: ['audience_manager', 'target'],
        acceptedChecks: [
          {
            check: 'licence.aam',
            reason: 'licence confirmed by the account team',
            by: 'ana',
            at: '2026-03-27T16:42:10.123+0100',
          },
        ],
      }),
    );
    expect(r.errors).toEqual([]);
    expect(r.plan?.identities).toEqual([{ source: 'Email', target: 'email_lc_sha256', applyHashing: true }]);
    expect(r.plan?.acceptedChecks[0]?.at).toBe('2026-03-27T15:42:10.123Z');
  });
});

describe('validatePlan: bad plans name the field, the expectation and what was found', () => {
  it('a non-object document', () => {
    const e = errorAt(validatePlan([1, 2]), '(plan)');
    expect(e.message).toMatch(/must be a JSON object.*found an array of 2 items/);
  });

  it('orgId missing', () => {
    expect(errorAt(validatePlan(withField({ orgId: undefined })), 'orgId').message).toMatch(
      /orgId \(required\) must be an IMS org id.*found nothing/,
    );
  });

  it('orgId malformed', () => {
    const e = errorAt(validatePlan(withField({ orgId: 'ACME@adobe' })), 'orgId');
    expect(e.message).toContain('@AdobeOrg');
    expect(e.found).toBe('"ACME@adobe"');
  });

  it('orgId of the wrong type', () => {
    expect(errorAt(validatePlan(withField({ orgId: 42 })), 'orgId').found).toBe('number 42');
  });

  it('audiences not an array', () => {
    expect(errorAt(validatePlan(withField({ audiences: 'seg-1' })), 'audiences').message).toMatch(
      /must be a non-empty array.*found "seg-1"/,
    );
  });

  it('audiences empty', () => {
    expect(errorAt(validatePlan(withField({ audiences: [] })), 'audiences').found).toBe('an array of 0 items');
  });

  it('an audience id of the wrong type, by index', () => {
    expect(
      errorAt(validatePlan(withField({ audiences: ['seg-1', 'seg-2', 'seg-3', 7] })), 'audiences[3]').message,
    ).toMatch(/audiences\[3\] must be an audience id.*found number 7/);
  });

  it('duplicate audiences are a warning and are dropped', () => {
    const r = validatePlan(withField({ audiences: ['seg-1', 'seg-2', 'seg-1'] }));
    expect(r.errors).toEqual([]);
    expect(only(r.warnings, 'audiences[2]').message).toContain('repeats "seg-1" (first at audiences[0])');
    expect(r.plan?.audiences).toEqual(['seg-1', 'seg-2']);
  });

  it('251 audiences exceed the destination guardrail; 250 do not', () => {
    const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `seg-${i}`);
    const e = errorAt(validatePlan(withField({ audiences: ids(251) })), 'audiences');
    expect(e.message).toContain('at most 250 per dataflow (1 too many)');
    expect(e.found).toBe('251 distinct audience ids');
    expect(validatePlan(withField({ audiences: ids(250) })).errors).toEqual([]);
  });

  it('an unsupported identity lists the valid ones', () => {
    const e = errorAt(
      validatePlan(withField({ identities: [{ source: 'Email', target: 'email' }] })),
      'identities[0].target',
    );
    expect(e.message).toContain('one of GAID, IDFA, ECID, phone_sha256, email_lc_sha256, extern_id');
    expect(e.found).toBe('"email"');
  });

  it('applyHashing on a non-hashable identity', () => {
    const e = errorAt(
      validatePlan(withField({ identities: [{ source: 'ECID', target: 'ECID', applyHashing: true }] })),
      'identities[0].applyHashing',
    );
    expect(e.message).toContain('ECID cannot be hashed on activation');
    expect(e.expected).toBe('applyHashing only with phone_sha256 or email_lc_sha256');
  });

  it('identities not confirmed by the GA documentation are a warning', () => {
    const r = validatePlan(
      withField({ identities: [{ source: 'Phone', target: 'phone_sha256', applyHashing: true }] }),
    );
    expect(r.errors).toEqual([]);
    expect(only(r.warnings, 'identities[0].target').message).toContain('preflight checks the live spec');
  });

  it('an unknown solution lists the valid ones, with a suggestion', () => {
    const e = errorAt(validatePlan(withField({ solutions: ['Audience Manager', 'adobe_target'] })), 'solutions[0]');
    expect(e.message).toContain(
      'one of audience_manager, target, advertising_cloud, marketo, analytics, campaign (did you mean "audience_manager"?)',
    );
    expect(errorAt(validatePlan(withField({ solutions: ['adobe_target'] })), 'solutions[0]').found).toBe(
      '"adobe_target"',
    );
  });

  it('missing Jira project key', () => {
    const e = errorAt(validatePlan(withField({ jira: { issueType: 'Task' } })), 'jira.projectKey');
    expect(e.message).toMatch(/jira\.projectKey \(required\) must be a Jira project key.*found nothing/);
  });

  it('Jira project key in lower case', () => {
    expect(errorAt(validatePlan(withField({ jira: { projectKey: 'aam' } })), 'jira.projectKey').found).toBe('"aam"');
  });

  it('jira missing entirely', () => {
    expect(errorAt(validatePlan(withField({ jira: undefined })), 'jira').message).toMatch(
      /jira \(required\) must be an object/,
    );
  });

  it('malformed existing ticket key', () => {
    const e = errorAt(
      validatePlan(withField({ jira: { projectKey: 'AAM', existingKey: 'AAM52354' } })),
      'jira.existingKey',
    );
    expect(e.message).toContain('a Jira issue key like "AAM-52354"');
    expect(e.found).toBe('"AAM52354"');
  });

  it('destination name empty and too long', () => {
    expect(errorAt(validatePlan(withField({ destination: { name: '  ' } })), 'destination.name').found).toBe('"  "');
    const long = errorAt(validatePlan(withField({ destination: { name: 'x'.repeat(257) } })), 'destination.name');
    expect(long.message).toContain('at most 256 characters');
    expect(long.found).toContain('(257 characters)');
  });

  it('tokenEnv that is not an environment variable name is not echoed', () => {
    const e = errorAt(
      validatePlan(withField({ destination: { name: 'ECA', tokenEnv: 'eyJhbGciOi.secret-value' } })),
      'destination.tokenEnv',
    );
    expect(e.message).toContain('environment variable');
    expect(e.found).toBe('a string of 23 characters (not shown)');
    expect(JSON.stringify(e)).not.toContain('secret-value');
  });

  it('a token in the plan is an error, never echoed', () => {
    const r = validatePlan(withField({ destination: { name: 'ECA', bearerToken: 'abc123' } }));
    expect(errorAt(r, 'destination.bearerToken').message).toContain('no secrets in a plan');
    expect(JSON.stringify(r)).not.toContain('abc123');
    expect(r.warnings).toEqual([]);
  });

  it('ticket poll interval below 5 s', () => {
    const e = errorAt(validatePlan(withField({ polling: { ticketIntervalMs: 1000 } })), 'polling.ticketIntervalMs');
    expect(e.message).toContain('at least 5000');
    expect(e.found).toBe('number 1000');
  });

  it('polling values that are not positive integers', () => {
    expect(errorAt(validatePlan(withField({ polling: { maxAttempts: 0 } })), 'polling.maxAttempts').message).toBe(
      'polling.maxAttempts must be at least 1; found number 0',
    );
    expect(
      errorAt(validatePlan(withField({ polling: { verifyIntervalMs: 7500.5 } })), 'polling.verifyIntervalMs').found,
    ).toBe('number 7500.5');
    expect(errorAt(validatePlan(withField({ polling: { retryBaseMs: '2s' } })), 'polling.retryBaseMs').found).toBe(
      '"2s"',
    );
  });

  it('a verification timeout shorter than its interval', () => {
    const r = validatePlan(withField({ polling: { verifyIntervalMs: 120_000, verifyTimeoutMs: 60_000 } }));
    expect(errorAt(r, 'polling.verifyTimeoutMs').message).toContain('must be at least polling.verifyIntervalMs');
  });

  it('usesDataManagement of the wrong type', () => {
    expect(errorAt(validatePlan(withField({ usesDataManagement: 'yes' })), 'usesDataManagement').message).toBe(
      'usesDataManagement must be true or false; found "yes"',
    );
  });

  it.each([
    ['2026-03-27 16:42:10Z', 'space separator'],
    ['2026-03-27T16:42:10', 'no offset'],
    ['2026-02-30T10:00:00Z', 'no such day'],
    ['2026-03-27T24:00:00Z', 'hour 24'],
    ['27/03/2026', 'not ISO'],
    ['2026-03-27T16:42:10+2500', 'offset out of range'],
  ])('a bad date in acceptedChecks[].at: %s (%s)', (at) => {
    const r = validatePlan(withField({ acceptedChecks: [{ check: 'licence.aam', reason: 'known', by: 'ana', at }] }));
    const e = errorAt(r, 'acceptedChecks[0].at');
    expect(e.message).toContain('ISO-8601 instant');
    expect(e.found).toBe(JSON.stringify(at));
  });

  it('an unknown check id in acceptedChecks is a warning with a suggestion', () => {
    const r = validatePlan(
      withField({ acceptedChecks: [{ check: 'licence.am', reason: 'r', by: 'b', at: '2026-03-27T16:42:10Z' }] }),
    );
    expect(only(r.warnings, 'acceptedChecks[0].check').message).toContain('did you mean "licence.aam"?');
  });

  it('an unknown key is a warning naming the nearest known key', () => {
    const plan = withField({ audiencess: ['seg-3'] });
    const r = validatePlan(plan);
    expect(r.errors).toEqual([]);
    const w = only(r.warnings, 'audiencess');
    expect(w.message).toBe('audiencess: unknown key "audiencess" (ignored); did you mean "audiences"?');
    expect(w.expected).toBe('audiences');
  });

  it('a misspelt required key: the error points at the misspelling', () => {
    const plan = good();
    plan.audiencess = plan.audiences;
    delete plan.audiences;
    const r = validatePlan(plan);
    expect(errorAt(r, 'audiences').message).toContain('the plan has "audiencess": a misspelling?');
    expect(only(r.warnings, 'audiencess')).toBeDefined();
  });

  it('a nested unknown key', () => {
    const r = validatePlan(withField({ jira: { projectKey: 'AAM', isueType: 'Bug' } }));
    expect(only(r.warnings, 'jira.isueType').message).toContain('did you mean "issueType"?');
  });

  it('bad sandbox name and Jira label with a space', () => {
    expect(errorAt(validatePlan(withField({ sandbox: 'Prod EU' })), 'sandbox').found).toBe('"Prod EU"');
    expect(
      errorAt(validatePlan(withField({ jira: { projectKey: 'AAM', labels: ['ok', 'not ok'] } })), 'jira.labels[1]')
        .found,
    ).toBe('"not ok"');
  });
});

describe('parsePlanText', () => {
  it('an empty file', () => {
    const r = parsePlanText(' \n', 'plan.json');
    expect(r.plan).toBeNull();
    expect(r.errors[0]?.message).toBe(
      'plan.json is empty: expected a JSON object with at least orgId, audiences, destination and jira',
    );
  });

  it('not JSON: line and column of the syntax error', () => {
    const r = parsePlanText('{\n  "orgId": "x",\n  "audiences": ["a",],\n}', 'plan.json');
    expect(r.errors[0]?.message).toBe(
      'plan.json is not valid JSON: unexpected "]" at line 3, column 21: a trailing comma?',
    );
    expect(r.errors[0]?.path).toBe('(plan) line 3, column 21');
  });

  it('not JSON at all, and truncated JSON', () => {
    expect(parsePlanText("orgId: 'x'", 'p.yaml').errors[0]?.message).toContain('unexpected "o" at line 1, column 1');
    expect(parsePlanText('{"orgId": "x"', 'p.json').errors[0]?.message).toContain(
      'unexpected the end of the file at line 1, column 14',
    );
  });

  it('valid JSON goes through validation (a BOM is tolerated)', () => {
    const r = parsePlanText(`\uFEFF${JSON.stringify(good())}`, 'plan.json');
    expect(r.errors).toEqual([]);
    expect(r.plan?.orgId).toBe(ORG);
  });
});

describe('describePlan', () => {
  it('says what will be created and the known limitations', () => {
    const plan = validatePlan(withField({ solutions: ['audience_manager', 'target'] })).plan!;
    const text = describePlan(plan).join('\n');
    expect(text).toContain('Audiences (2): seg-1, seg-2');
    expect(text).toContain('read from $ECA_BEARER_TOKEN (never stored)');
    expect(text).toContain('confirmed by hand after the cut-over: Target');
    expect(text).toContain('No dataflow monitoring in beta');
    expect(text).toContain('No backfill in beta: populations rebuild as profiles re-qualify');
    expect(text).toContain('Audience Manager permissions must be set again for the new data source');
    expect(text).toContain('polled every 1m 00.0s');
  });
});

describe('alerts, which the destination does not support', () => {
  it('is a warning naming the field and saying it is not applied; the review does not present it as done', () => {
    const r = validatePlan(withField({ alerts: ['flow_run_failed', 'activation_skipped'] }));
    expect(r.plan).not.toBeNull();
    expect(only(r.warnings, 'alerts').message).toBe(
      'alerts (flow_run_failed, activation_skipped) is not applied: the Experience Cloud Audiences destination does not support alerts (GA documentation), so cutover subscribes none; remove it from the plan',
    );
    const review = describePlan(r.plan!).find((l) => l.startsWith('Alerts:'));
    expect(review).toBe(
      'Alerts: not applied (flow_run_failed, activation_skipped): the destination does not support alerts',
    );
  });

  it('no alerts: no warning', () => {
    expect(validatePlan(good()).warnings.filter((w) => w.path === 'alerts')).toEqual([]);
    expect(describePlan(validatePlan(good()).plan!)).toContain('Alerts: none');
  });
});
