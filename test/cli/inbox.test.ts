// Operator commands reach a migration another process drives: a runner drives until done in this process while
// `cutover confirm` / `retry` run as spawned CLI processes against the same database, through the store's inbox.
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DriveResult } from '../../src/engine/engine.js';
import { emulatorPlan, emulatorRig, type EmulatorRig } from '../integration/helpers.js';
import { ensureBuilt, runCli } from '../wizard/helpers.js';

let rig: EmulatorRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

/** Polls `probe` until it holds, failing after `timeoutMs` (a bound, not a synchronisation sleep). */
async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A migration with Target (no API check) driven until done here, already verifying and waiting for the confirm. */
async function drivenAndVerifying(r: EmulatorRig): Promise<{ id: string; driving: Promise<DriveResult> }> {
  const plan = { ...emulatorPlan(r.emulator), solutions: ['audience_manager' as const, 'target' as const] };
  const id = await r.engine.create(plan, 'tester');
  const driving = r.engine.drive(id, { mode: 'until-done' });
  driving.catch(() => {});
  await until('the ticket is filed', async () => r.emulator.world(plan.orgId).tickets.length > 0);
  r.emulator.control.resolveTicket(r.emulator.world(plan.orgId).tickets[0]!.key);
  await until('verification waits', async () => (await r.store.get(id))?.state === 'verifying.sleeping');
  return { id, driving };
}

function cliEnv(r: EmulatorRig, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: dirname(r.dbFile), USER: 'ops-anna', ...r.env, ...extra };
}

describe('operator commands while another runner drives', () => {
  it('confirm from another process is taken by the runner within a bound; the run completes; one CONFIRM row', async () => {
    ensureBuilt();
    rig = await emulatorRig();
    const { id, driving } = await drivenAndVerifying(rig);
    const run = await runCli(
      ['--db', rig.dbFile, 'confirm', id, '--solution', 'target', '--reason', 'checked in Target'],
      cliEnv(rig),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      new RegExp(
        `cutover confirm was taken by the runner driving ${id} \\(integration@test:1\\): it is now in (handoff|completed|verifying)`,
      ),
    );
    expect((await driving).status).toBe('completed');
    const confirms = (await rig.store.journal(id)).filter((row) => row.kind === 'operator' && row.name === 'CONFIRM');
    expect(confirms).toEqual([
      expect.objectContaining({
        kind: 'operator',
        actor: expect.stringMatching(/^ops-anna@/),
        reason: 'checked in Target',
      }),
    ]);
  }, 60_000);

  // The command's own check refuses it before anything is posted (the runner's own refusal, for an event that
  // races a state change, is held by test/engine/inbox.test.ts).
  it('a retry the driven state does not take is refused at once, and the runner drives on undisturbed (exit 1)', async () => {
    ensureBuilt();
    rig = await emulatorRig();
    const { id, driving } = await drivenAndVerifying(rig);
    const run = await runCli(['--db', rig.dbFile, 'retry', id, '--reason', 'just in case'], cliEnv(rig));
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(
      `cutover retry was not applied to ${id}: retry applies to a migration parked in needs_attention; ` +
        'it is in verifying.sleeping (waiting), so there is no failed step to go back to',
    );
    expect((await rig.store.journal(id)).some((row) => row.name === 'RETRY')).toBe(false);
    await runCli(['--db', rig.dbFile, 'confirm', id, '--solution', 'target', '--reason', 'checked'], cliEnv(rig));
    expect((await driving).status).toBe('completed');
  }, 60_000);

  it('an event no runner takes in time is withdrawn (exit 5, naming the holder) and never applied later', async () => {
    ensureBuilt();
    rig = await emulatorRig();
    const plan = { ...emulatorPlan(rig.emulator), solutions: ['audience_manager' as const, 'target' as const] };
    const id = await rig.engine.create(plan, 'tester');
    await rig.engine.drive(id, { mode: 'until-waiting' });
    rig.emulator.control.resolveTicket(rig.emulator.world(plan.orgId).tickets[0]!.key);
    await rig.engine.drive(id, { mode: 'until-waiting' });
    expect((await rig.store.get(id))?.state).toBe('verifying.sleeping');
    // A runner on another machine that never reads its inbox (an older cutover, or a hung process).
    const far = { migrationId: id, nonce: 'far0001', holder: 'ops@other-host:77', ttlMs: 3_600_000 };
    await rig.store.acquireLease(far);
    const run = await runCli(
      ['--db', rig.dbFile, 'confirm', id, '--solution', 'target', '--reason', 'checked'],
      cliEnv(rig, { CUTOVER_OPERATOR_WAIT_MS: '300' }),
    );
    expect(run.code, run.stderr).toBe(5);
    expect(run.stderr).toContain(
      `migration ${id} is being driven by ops@other-host:77 (lock id far0001), which did not take cutover confirm ` +
        'within 0.3 s; it was withdrawn and will not be applied',
    );
    await rig.store.releaseLease(id, 'far0001');
    expect(await rig.store.pendingOperatorEvents(id, new Date(0).toISOString())).toEqual([]);
    await rig.engine.drive(id, { mode: 'until-waiting' });
    expect((await rig.store.journal(id)).some((row) => row.name === 'CONFIRM')).toBe(false);
  }, 60_000);
});
