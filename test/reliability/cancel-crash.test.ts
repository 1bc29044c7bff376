// The cancel path's one effect, `withdraw` (a comment on the ticket this tool filed), under SIGKILL: the
// migration is driven to awaiting_resolution, `cutover cancel` is killed at the boundary, and `resume`
// finishes the cancellation with exactly one withdrawal comment and no flow.
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.js';
import { describeRun } from './harness/cli.js';
import { recordFigure } from './harness/figures.js';
import { killPoints } from './harness/mode.js';
import { createMigration, resumeUntilDone, startRig, type Rig } from './harness/rig.js';
import { counts, integrityCheck, readRecord } from './harness/world.js';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe.each(killPoints(['withdraw']))('SIGKILL at $step:$phase', ({ step, phase }) => {
  it('finishes the cancellation on resume, withdrawing the ticket once', async () => {
    rig = await startRig();
    const id = await createMigration(rig);
    // No Customer Care here: the ticket stays open, so the migration waits and may still be cancelled.
    const waiting = await rig.cli(['resume', id]);
    expect(waiting.code, describeRun(waiting)).toBe(6);
    const killed = await rig.cli(['cancel', id, '--reason', 'reliability: kill during withdraw'], {
      CUTOVER_FAILPOINT: `${step}:${phase}`,
    });
    expect(killed.signal, describeRun(killed)).toBe('SIGKILL');
    const runs = await resumeUntilDone(rig, id);
    expect(runs.at(-1)!.code, runs.map(describeRun).join('\n')).toBe(0);
    recordFigure('kill', { step, phase, resumes: runs.length });

    const { record } = await readRecord(rig.db, id);
    expect(record.status).toBe('cancelled');
    expect(counts(rig.emulator)).toEqual({
      tickets: 1,
      comments: 1,
      base: 2,
      source: 1,
      target: 1,
      flows: 0,
      violations: [],
    });
    expect(rig.emulator.world(DEMO_CREDENTIALS.orgId).legacySharing.enabled).toBe(true);
    expect(integrityCheck(rig.db)).toBe('ok');
  });
});
