// The plan's sla.timeZone: the zone whose dates the ticket's business days are counted in.
import { describe, expect, it } from 'vitest';
import { describePlan, validatePlan } from '../../src/core/plan.js';

const good = (): Record<string, unknown> => ({
  orgId: '0123456789ABCDEF01234567@AdobeOrg',
  audiences: ['seg-1'],
  destination: { name: 'Experience Cloud Audiences (cutover)', tokenEnv: 'ECA_BEARER_TOKEN' },
  jira: { projectKey: 'AAM' },
});

describe('validatePlan: sla.timeZone', () => {
  it('keeps a known IANA zone, and says so where the plan is described', () => {
    const r = validatePlan({ ...good(), sla: { timeZone: 'America/Los_Angeles' } });
    expect(r.errors).toEqual([]);
    expect(r.plan?.sla).toEqual({ timeZone: 'America/Los_Angeles' });
    expect(describePlan(r.plan!).join('\n')).toContain('stalled after 6 business days (America/Los_Angeles dates)');
  });

  it('leaves the field out when the plan has none: UTC applies and the stored plan is as before', () => {
    const r = validatePlan(good());
    expect(r.plan).not.toHaveProperty('sla');
    expect(describePlan(r.plan!).join('\n')).toMatch(/stalled after 6 business days$/m);
  });

  it.each([
    ['America/Nowhere', '"America/Nowhere"'],
    ['+01:00', '"+01:00"'],
    ['', '""'],
    [7, 'number 7'],
  ])('refuses %j, naming the field and giving an example', (timeZone, found) => {
    const r = validatePlan({ ...good(), sla: { timeZone } });
    expect(r.plan).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.path).toBe('sla.timeZone');
    const message = /^sla\.timeZone must be an IANA time zone name .*\(e\.g\. "America\/Los_Angeles"/;
    expect(r.errors[0]!.message).toMatch(message);
    expect(r.errors[0]!.message).toContain(`found ${found}`);
  });

  it('refuses an sla that is not an object, and warns of an unknown key in it', () => {
    const notObject = validatePlan({ ...good(), sla: 'America/Los_Angeles' });
    expect(notObject.errors[0]).toMatchObject({ path: 'sla', expected: 'an object {timeZone}' });
    const typo = validatePlan({ ...good(), sla: { timezone: 'Europe/Berlin' } });
    expect(typo.warnings[0]).toMatchObject({ path: 'sla.timezone', expected: 'timeZone' });
  });
});
