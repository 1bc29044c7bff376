// Racing runners: N processes resume the same migration at the same moment. The lease admits one; every
// other exits 5 (locked) naming the holder. The ticket stays open until the losers are gone, so no loser can
// arrive after the winner released the lease and mistake a finished migration for its own.
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.js';
import { describeRun, type CliRun } from './harness/cli.js';
import { recordFigure } from './harness/figures.js';
import { FULL } from './harness/mode.js';
import { createMigration, startRig, type Rig } from './harness/rig.js';
import { expectCompleted, integrityCheck } from './harness/world.js';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const RUNNERS = 6;
const ROUNDS = FULL ? 5 : 1;

/** Resolves once `count` of the runs have ended. */
function settled(runs: Promise<CliRun>[], count: number): Promise<CliRun[]> {
  const done: CliRun[] = [];
  return new Promise((resolve) =>
    runs.forEach((p) => {
      p.then((r) => done.push(r) === count && resolve(done.slice()));
    }),
  );
}

/** Polls until `get` returns something (the winner has filed the ticket). */
async function until<T>(get: () => T | undefined, ms: number): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    const value = get();
    if (value !== undefined) return value;
  }
  throw new Error(`nothing after ${ms} ms`);
}

describe.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))('race round %i', (round) => {
  it(`${RUNNERS} runners at once: one drives, the rest exit 5 naming the holder`, async () => {
    rig = await startRig({ seed: round });
    const id = await createMigration(rig);
    const runs = Array.from({ length: RUNNERS }, () => rig!.cli(['resume', id, '--follow']));
    const losers = await settled(runs, RUNNERS - 1);
    for (const loser of losers) {
      expect(loser.code, describeRun(loser)).toBe(5);
      expect(loser.stderr).toMatch(
        new RegExp(`migration ${id} is being driven by \\S+@\\S+:\\d+ since .* \\(lock id [0-9a-f]+`),
      );
    }
    const ticket = await until(() => rig!.emulator.world(DEMO_CREDENTIALS.orgId).tickets[0], 20_000);
    rig.emulator.control.resolveTicket(ticket.key);
    const all = await Promise.all(runs);
    const winners = all.filter((r) => r.code === 0);
    expect(winners, all.map(describeRun).join('\n')).toHaveLength(1);
    recordFigure('race', { round, runners: RUNNERS, locked: losers.length, winners: winners.length });
    await expectCompleted(rig.emulator, rig.db, id);
    expect(integrityCheck(rig.db)).toBe('ok');
  });
});
