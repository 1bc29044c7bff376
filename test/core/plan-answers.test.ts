// One answer at a time, by the plan's own rules (the wizard's questions use these), and counts that read right.
import { describe, expect, it } from 'vitest';
import { checkField, missingFields } from '../../src/core/plan-answers.js';
import { describePlan, validatePlan } from '../../src/core/plan.js';
import { all, count } from '../../src/core/words.js';

const ORG = '0123456789ABCDEF01234567@AdobeOrg';

describe('checkField', () => {
  it('refuses "cc" as a Jira project key with the message validatePlan gives, and takes "CC"', () => {
    const inPlan = validatePlan({
      orgId: ORG,
      audiences: ['a'],
      destination: { name: 'x' },
      jira: { projectKey: 'cc' },
    }).errors;
    expect(checkField('jira.projectKey', 'cc')).toBe(inPlan.find((e) => e.path === 'jira.projectKey')!.message);
    expect(checkField('jira.projectKey', 'cc')).toMatch(/an upper-case letter then A-Z, 0-9 or _ .*found "cc"/);
    expect(checkField('jira.projectKey', 'CC')).toBe(true);
  });

  it('checks every field the wizard asks, lists included', () => {
    expect(checkField('orgId', 'nope')).toMatch(/orgId must be an IMS org id/);
    expect(checkField('sandbox', 'Prod')).toMatch(/sandbox must be a sandbox name/);
    expect(checkField('destination.name', ' ')).toMatch(/destination\.name must be a non-empty connection name/);
    expect(checkField('jira.existingKey', 'cc 12')).toMatch(/a Jira issue key like "AAM-52354"/);
    expect(
      checkField(
        'audiences',
        Array.from({ length: 251 }, (_, i) => `seg-${i}`),
      ),
    ).toMatch(/at most 250 per dataflow \(1 too many\)/);
    expect(checkField('audiences', ['seg-1'])).toBe(true);
  });

  it('tells the fields a draft has not answered from the ones it answered wrongly', () => {
    const draft = { orgId: ORG, sandbox: 'Bad' };
    expect(missingFields(draft, validatePlan(draft).errors).sort()).toEqual(['audiences', 'destination', 'jira']);
  });
});

describe('counts', () => {
  it('say "1 legacy audience" and "the 1 audience", never "1 audiences"', () => {
    expect(count(1, 'legacy audience')).toBe('1 legacy audience');
    expect(count(2, 'legacy audience')).toBe('2 legacy audiences');
    expect(count(0, 'error')).toBe('0 errors');
    expect(all(1, 'audience')).toBe('the 1 audience');
    expect(all(3, 'audience')).toBe('all 3 audiences');
  });

  it('the review of a plan with one audience has no "1 audiences"', () => {
    const { plan } = validatePlan({
      orgId: ORG,
      audiences: ['seg-1'],
      destination: { name: 'x' },
      jira: { projectKey: 'CC' },
    });
    const text = describePlan(plan!).join('\n');
    expect(text).toContain('creates the dataflow with the 1 audience; never earlier');
    expect(text).not.toMatch(/\b1 audiences\b/);
  });
});
