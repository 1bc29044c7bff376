// The rollback's pure rules: when it is refused (and what to do instead), and its two derived figures.
import { describe, expect, it } from 'vitest';
import { computeDowntime } from '../../src/core/downtime.js';
import { rollbackProblem, type RollbackFacts } from '../../src/core/rollback.js';
import { reenableLabel, reenableTemplate, rollbackRequests } from '../../src/core/rollback-ticket.js';
import type { Marks } from '../../src/core/types.js';
import { samplePlan } from '../engine/helpers.js';

const STOPPED: Marks = { legacy_stopped: { at: '2026-01-05T10:00:00.000Z', source: 'jira.resolutiondate' } };

function facts(over: Partial<RollbackFacts>): RollbackFacts {
  return { id: 'm-1', state: 'needs_attention', marks: STOPPED, lastPoll: null, force: false, reason: 'r', ...over };
}

describe('rollbackProblem', () => {
  it('takes a migration parked, backing off or verifying after the legacy pipe went off', () => {
    for (const state of ['needs_attention', 'retrying', 'verifying.sleeping', 'verifying.checking'])
      expect(rollbackProblem(facts({ state }))).toBeNull();
  });

  it('refuses while the legacy pipe may be on, and says to cancel instead', () => {
    const p = rollbackProblem(facts({ state: 'awaiting_resolution.sleeping', marks: {}, force: true }));
    expect(p?.why).toContain('the legacy pipe is still on');
    expect(p?.instead).toBe('use cancel: cutover cancel m-1 --reason "..."');
  });

  it('counts a ticket seen done as the pipe off even without a usable time', () => {
    const lastPoll = { at: '2026-01-05T10:01:00.000Z', statusName: 'Done', statusCategory: 'done' };
    expect(rollbackProblem(facts({ marks: {}, lastPoll }))).toBeNull();
  });

  it('refuses a completed migration unless forced with a reason', () => {
    expect(rollbackProblem(facts({ state: 'completed' }))?.instead).toContain('--force');
    expect(rollbackProblem(facts({ state: 'completed', force: true, reason: '  ' }))?.instead).toContain('--force');
    expect(rollbackProblem(facts({ state: 'completed', force: true }))).toBeNull();
  });

  it('refuses a second rollback, a cancelled migration and a step in flight', () => {
    const rollback = { by: 'ana', at: '2026-01-05T11:00:00.000Z' } as RollbackFacts['rollback'];
    expect(rollbackProblem(facts({ rollback }))?.why).toContain('already being rolled back (asked by ana');
    expect(rollbackProblem(facts({ state: 'rolled_back' }))?.why).toContain('already being rolled back');
    expect(rollbackProblem(facts({ state: 'cancelled' }))?.why).toContain('cancelled');
    expect(rollbackProblem(facts({ state: 'cutting_over.creating' }))?.why).toContain('talking to a service');
    expect(rollbackProblem(facts({ state: 'handoff' }))?.why).toContain('talking to a service');
  });
});

describe('rollback figures', () => {
  it('rollback window: flow disabled → legacy restored; total outage: legacy stopped → data seen', () => {
    const marks: Marks = {
      ...STOPPED,
      rollback_requested: { at: '2026-01-05T12:00:00.000Z', source: 'cutover.operator' },
      new_flow_disabled: { at: '2026-01-05T12:00:01.000Z', source: 'flowservice.updatedAt' },
      legacy_restored: { at: '2026-01-05T15:00:01.000Z', source: 'jira.resolutiondate' },
      legacy_data_seen: { at: '2026-01-05T15:10:00.000Z', source: 'aam.segment.updateTime' },
    };
    const d = computeDowntime(marks);
    expect(d.rollbackWindow?.ms).toBe(3 * 3_600_000);
    expect(d.totalOutage?.text).toBe('5h 10m');
    expect(computeDowntime(STOPPED)).not.toHaveProperty('rollbackWindow');
  });
});

describe('re-enable ticket', () => {
  it('has its own label, names the org and the deprovisioning ticket, and plan lists the requests', () => {
    const plan = samplePlan();
    const t = reenableTemplate({
      plan,
      marker: 'cutover-m-1',
      deprovisioningKey: 'CC-7',
      by: 'ana',
      reason: 'licence',
    });
    expect(reenableLabel('cutover-m-1')).toBe('cutover-m-1-reenable');
    expect(t.summary).toBe(`Re-enable legacy AEP segment sharing for org ${plan.orgId}`);
    expect(t.description).toContain('relates to CC-7');
    expect(t.description).toContain('Requested by ana: licence');
    const steps = rollbackRequests(plan, 'cutover-m-1', true).map((r) => r.step);
    expect(steps).toEqual(['disable', 'disable', 'reenable', 'reenable', 'legacy', 'handoff', 'cleanup']);
  });
});
