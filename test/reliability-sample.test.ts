// A quick slice of the reliability suite (test/reliability, docs/reliability.md) for every `npm test`: three
// real processes SIGKILLed at representative effect boundaries and resumed, and six racing runners.
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../src/emulator/index.js';
import { describeRun } from './reliability/harness/cli.js';
import { createMigration, customerCare, resumeUntilDone, startRig, type Rig } from './reliability/harness/rig.js';
import { expectCompleted } from './reliability/harness/world.js';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

// A staged connection whose answer was lost, the ticket filed but not recorded, and the flow recorded but
// its transition not yet persisted: the three kinds of boundary, on three different steps.
const SAMPLE = ['target_connection:after-call', 'ticket:before-call', 'flow:after-outcome'];

describe.each(SAMPLE)('SIGKILL at %s', (failpoint) => {
  it('resumes to completion with exactly one of everything', async () => {
    rig = await startRig();
    const id = await createMigration(rig);
    const stop = customerCare(rig.emulator);
    try {
      const killed = await rig.cli(['resume', id, '--follow'], { CUTOVER_FAILPOINT: failpoint });
      expect(killed.signal, describeRun(killed)).toBe('SIGKILL');
      const runs = await resumeUntilDone(rig, id);
      expect(runs.at(-1)!.code, runs.map(describeRun).join('\n')).toBe(0);
    } finally {
      stop();
    }
    await expectCompleted(rig.emulator, rig.db, id);
  }, 60_000);
});

describe('racing runners', () => {
  it('six at once: one drives, five exit 5', async () => {
    rig = await startRig();
    const id = await createMigration(rig);
    const runs = Array.from({ length: 6 }, () => rig!.cli(['resume', id, '--follow']));
    while (rig.emulator.world(DEMO_CREDENTIALS.orgId).tickets.length === 0) await new Promise((r) => setTimeout(r, 50));
    // Give every loser time to be refused before the winner can finish and release the lease.
    await new Promise((r) => setTimeout(r, 1500));
    rig.emulator.control.resolveTicket(rig.emulator.world(DEMO_CREDENTIALS.orgId).tickets[0]!.key);
    const codes = (await Promise.all(runs)).map((r) => r.code).sort();
    expect(codes).toEqual([0, 5, 5, 5, 5, 5]);
    await expectCompleted(rig.emulator, rig.db, id);
  }, 60_000);
});
