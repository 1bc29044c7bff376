// The rollback path under SIGKILL: a migration parked after the legacy pipe went off (its flow create answered
// 403 after the flow was made, so there is a flow to disable) is rolled back with `cutover rollback --follow`,
// killed at an effect boundary of the rollback (CUTOVER_FAILPOINT), and finished by `resume`. Every run must end
// rolled back with one re-enable ticket, one hand-off comment, the flow disabled and every mark kept.
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.js';
import { describeRun } from './harness/cli.js';
import { recordFigure } from './harness/figures.js';
import { killPoints } from './harness/mode.js';
import { createMigration, customerCare, resumeUntilDone, startRig, type Rig } from './harness/rig.js';
import { counts, integrityCheck, jiraInstant, readRecord } from './harness/world.js';

/** The rollback's effect steps, in the order it reaches them (rollback_cleanup only with --delete-connection). */
const ROLLBACK_STEPS = ['rollback_disable', 'reenable_ticket', 'rollback_cleanup', 'rollback_handoff'] as const;

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

async function parked(r: Rig): Promise<string> {
  r.emulator.control.addFault({ kind: '403', route: 'flow.flows.create', phase: 'after' });
  const id = await createMigration(r);
  const run = await r.cli(['resume', id, '--follow']);
  expect(run.code, describeRun(run)).toBe(3);
  return id;
}

describe.each(killPoints(ROLLBACK_STEPS))('rollback: SIGKILL at $step:$phase', ({ step, phase }) => {
  it('finishes the rollback on resume: no duplicate ticket or comment, no lost mark', async () => {
    rig = await startRig();
    const stop = customerCare(rig.emulator);
    let id = '';
    try {
      id = await parked(rig);
      const args = ['rollback', id, '--reason', 'reliability: kill during rollback', '--follow'];
      if (step === 'rollback_cleanup') args.push('--delete-connection');
      const killed = await rig.cli(args, { CUTOVER_FAILPOINT: `${step}:${phase}` });
      expect(killed.signal, describeRun(killed)).toBe('SIGKILL');
      const runs = await resumeUntilDone(rig, id);
      expect(runs.at(-1)!.code, runs.map(describeRun).join('\n')).toBe(0);
      recordFigure('kill', { step, phase, resumes: runs.length });
    } finally {
      stop();
    }
    const { record } = await readRecord(rig.db, id);
    expect(record.status).toBe('rolled_back');
    const w = rig.emulator.world(DEMO_CREDENTIALS.orgId);
    const deleted = step === 'rollback_cleanup';
    expect(counts(rig.emulator)).toMatchObject({ tickets: 2, flows: deleted ? 0 : 1, violations: [] });
    const reenable = w.tickets[1]!;
    expect(reenable.comments).toBe(1);
    expect(w.legacySharing).toMatchObject({ enabled: true, restoredByTicket: reenable.key });
    const m = record.marks;
    for (const name of ['rollback_requested', 'new_flow_disabled', 'legacy_restored', 'legacy_data_seen'] as const)
      expect(m[name], name).toBeDefined();
    if (!deleted) expect(Date.parse(m.new_flow_disabled!.at)).toBe(w.flows[0]!.updatedAt);
    expect(Date.parse(m.legacy_restored!.at)).toBe(jiraInstant(reenable.resolutiondate!));
    expect(Date.parse(m.legacy_data_seen!.at)).toBe(Math.min(...w.aam.legacySegments.map((s) => s.updateTime)));
    expect(integrityCheck(rig.db)).toBe('ok');
  });
});
