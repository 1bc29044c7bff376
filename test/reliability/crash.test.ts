// Crash safety with real processes: `cutover resume --follow` is SIGKILLed at an effect boundary
// (CUTOVER_FAILPOINT=<step>:<phase>), then resumed by fresh processes until it exits 0. The dead runner's
// lease is taken over because its pid is gone. Every run must end with exactly one of everything.
import { afterEach, describe, expect, it } from 'vitest';
import { describeRun } from './harness/cli.js';
import { recordFigure } from './harness/figures.js';
import { killPoints, STEPS } from './harness/mode.js';
import { createMigration, customerCare, resumeUntilDone, startRig, type Rig } from './harness/rig.js';
import { expectCompleted, integrityCheck, readRecord } from './harness/world.js';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe.each(killPoints(STEPS))('SIGKILL at $step:$phase', ({ step, phase }) => {
  it('resumes to completion with nothing duplicated and true downtime marks', async () => {
    rig = await startRig();
    const id = await createMigration(rig);
    const stop = customerCare(rig.emulator);
    try {
      const killed = await rig.cli(['resume', id, '--follow'], { CUTOVER_FAILPOINT: `${step}:${phase}` });
      expect(killed.signal, describeRun(killed)).toBe('SIGKILL');
      const runs = await resumeUntilDone(rig, id);
      expect(runs.at(-1)!.code, runs.map(describeRun).join('\n')).toBe(0);
      recordFigure('kill', { step, phase, resumes: runs.length, ms: killed.ms + runs.reduce((n, r) => n + r.ms, 0) });
    } finally {
      stop();
    }
    await expectCompleted(rig.emulator, rig.db, id);
    expect(integrityCheck(rig.db)).toBe('ok');
    const { record } = await readRecord(rig.db, id);
    expect(record.lastError).toBeNull();
  });
});
