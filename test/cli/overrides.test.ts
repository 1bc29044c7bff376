// Overrides that must not break the invariant, and Jira times that must not skew the downtime: the built CLI in a
// child process, the real service clients over HTTP to the in-process emulator (npm test builds dist/ first).
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { JournalRow } from '../../src/ports.js';
import { describeRun, runCli } from '../reliability/harness/cli.js';
import { machine, startedMigration, type Machine } from './emulator-rig.js';

let emulator: Emulator | null = null;
afterEach(async () => {
  await emulator?.close();
  emulator = null;
});

async function waitingMigration(): Promise<{ emu: Emulator; m: Machine; id: string; key: string; filedAt: string }> {
  emulator = await startEmulator({ timeScale: 0.02, delays: { aamPropagationMs: 0, firstRunMs: 0 } });
  const m = machine(emulator);
  const id = await startedMigration(m.env, m.dbFile, emulator);
  type Shown = { ticketKey: string; marks: { ticket_filed: { at: string } } };
  const shown = JSON.parse((await cutover(m, ['show', id, '--json'])).stdout) as Shown;
  return { emu: emulator, m, id, key: shown.ticketKey, filedAt: shown.marks.ticket_filed.at };
}

function cutover(m: Machine, args: string[]) {
  return runCli(['--db', m.dbFile, ...args], { env: { ...(m.env as Record<string, string>), USER: 'support' } });
}

async function journal(m: Machine, id: string): Promise<JournalRow[]> {
  return (JSON.parse((await cutover(m, ['show', id, '--json'])).stdout) as { journal: JournalRow[] }).journal;
}

const refusals = (rows: JournalRow[]) => rows.filter((r) => r.kind === 'operator' && r.name === 'REFUSED');

describe('set-resolution keeps the invariant', () => {
  it('refuses --at 2020-01-01 while Jira shows the ticket open (exit 2, naming its status): no flow, no violation, journaled', async () => {
    const { emu, m, id, key } = await waitingMigration();
    const run = await cutover(m, ['set-resolution', id, '--at', '2020-01-01T00:00:00Z', '--reason', 'x']);
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.stderr).toContain(`ticket ${key} is 'To Do' in Jira: the legacy pipe may still be on`);
    expect(run.stderr).toContain(`2020-01-01T00:00:00.000Z is before ticket ${key} was filed`);
    expect(run.stderr).toContain('--force');
    expect(emu.world().flows).toHaveLength(0);
    expect(emu.world().violations).toEqual([]);
    const [refused] = refusals(await journal(m, id));
    expect(refused).toMatchObject({
      actor: expect.stringMatching(/^support@/),
      reason: 'x',
      data: { code: 'OVERRIDE_TICKET_NOT_DONE', ticketStatus: { statusName: 'To Do', source: 'jira' } },
    });
    expect((await cutover(m, ['show', id])).stdout).toContain('awaiting_resolution.sleeping');
  });

  it('refuses 2020-01-01 (before the ticket was filed) and a future instant even with --force, journaling each', async () => {
    const { emu, m, id, key } = await waitingMigration();
    const early = await cutover(m, ['set-resolution', id, '--at', '2020-01-01T00:00:00Z', '--reason', 'x', '--force']);
    expect(early.code, describeRun(early)).toBe(2);
    expect(early.stderr).toContain(`is before ticket ${key} was filed`);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const late = await cutover(m, ['set-resolution', id, '--at', future, '--reason', 'x', '--force']);
    expect(late.code, describeRun(late)).toBe(2);
    expect(late.stderr).toContain('is after now');
    const codes = refusals(await journal(m, id)).map((r) => (r.data as { code: string }).code);
    expect(codes).toEqual(['OVERRIDE_BEFORE_FILED', 'OVERRIDE_IN_FUTURE']);
    expect(emu.world().flows).toHaveLength(0);
  });

  it('refuses an instant before filing on a done ticket too, and takes a plausible one without --force', async () => {
    const { emu, m, id, key, filedAt } = await waitingMigration();
    emu.control.resolveTicket(key);
    const filed = Date.parse(filedAt);
    emu.control.setTicketTimes(key, { resolutiondate: filed - 7_200_000, doneAt: filed - 3_600_000 });
    const parked = await cutover(m, ['resume', id]);
    expect(parked.code, describeRun(parked)).toBe(3);
    const early = await cutover(m, ['set-resolution', id, '--at', '2020-01-01T00:00:00Z', '--reason', 'x']);
    expect(early.code, describeRun(early)).toBe(2);
    const stopped = emu.world().legacySharing.stoppedAtMs!;
    const reason = 'Customer Care: switched off then';
    const ok = await cutover(m, ['set-resolution', id, '--at', new Date(stopped).toISOString(), '--reason', reason]);
    expect([0, 6], describeRun(ok)).toContain(ok.code);
    expect(emu.world().flows).toHaveLength(1);
    expect(emu.world().violations).toEqual([]);
  });

  it('--force with a reason goes through, is journaled with the ticket status, and shows as FORCED in show and report', async () => {
    const { emu, m, id, key } = await waitingMigration();
    const at = new Date().toISOString();
    const reason = 'CC turned the pipe off by phone';
    const run = await cutover(m, ['set-resolution', id, '--at', at, '--reason', reason, '--force']);
    expect([0, 6], describeRun(run)).toContain(run.code);
    expect(run.stderr).toContain(`FORCED: ${key} is 'To Do' in Jira`);
    // Nobody turned legacy sharing off in the emulated world, so it records the flow as a violation: that is
    // exactly the responsibility --force hands to the operator.
    expect(emu.world().flows).toHaveLength(1);
    const row = (await journal(m, id)).find((r) => r.kind === 'operator' && r.name === 'SET_RESOLUTION');
    expect(row).toMatchObject({ reason, data: { force: true, ticketStatus: { statusName: 'To Do', source: 'jira' } } });
    const shown = await cutover(m, ['show', id]);
    const label =
      /legacy stopped +\S+ \(operator\.forced\) \(FORCED operator override by support@\S+: CC turned the pipe off by phone\)/;
    expect(shown.stdout).toMatch(label);
    const report = await cutover(m, ['report', '--id', id, '--format', 'md']);
    expect(report.stdout, describeRun(report)).toContain('(FORCED operator override by support@');
  });
});

describe('Jira times outside what the other marks allow', () => {
  it('a resolutiondate two hours before filing is not used: the consistent changelog Done time is, and says so', async () => {
    const { emu, m, id, key, filedAt } = await waitingMigration();
    emu.control.resolveTicket(key);
    const doneAt = emu.world().legacySharing.stoppedAtMs!;
    emu.control.setTicketTimes(key, { resolutiondate: Date.parse(filedAt) - 7_200_000 });
    const run = await cutover(m, ['resume', id]);
    expect([0, 6], describeRun(run)).toContain(run.code);
    type Shown = { marks: { legacy_stopped: { at: string; source: string } } };
    const shown = JSON.parse((await cutover(m, ['show', id, '--json'])).stdout) as Shown;
    expect(shown.marks.legacy_stopped).toEqual({ at: new Date(doneAt).toISOString(), source: 'jira.changelog' });
    const observed = (await journal(m, id)).find((r) => r.name === 'mark:legacy_stopped');
    const note = /^resolutiondate \S+ is before the ticket was filed .*the changelog's Done time was used$/;
    expect((observed!.data as { note: string }).note).toMatch(note);
    const timeline = /legacy stopped \S+ \(jira\.changelog; resolutiondate \S+ is before the ticket was filed/;
    expect((await cutover(m, ['show', id])).stdout).toMatch(timeline);
    expect(emu.world().flows).toHaveLength(1);
    expect(emu.world().violations).toEqual([]);
  });

  it('parks RESOLUTION_OUT_OF_BOUNDS when neither time is plausible, with the set-resolution command; no flow', async () => {
    const { emu, m, id, key, filedAt } = await waitingMigration();
    emu.control.resolveTicket(key);
    emu.control.setTicketTimes(key, {
      resolutiondate: Date.parse(filedAt) - 7_200_000,
      doneAt: Date.now() + 3_600_000,
    });
    const run = await cutover(m, ['resume', id]);
    expect(run.code, describeRun(run)).toBe(3);
    expect(run.stderr).toContain('RESOLUTION_OUT_OF_BOUNDS');
    expect(run.stderr).toContain(`cutover set-resolution ${id} --at ISO --reason`);
    expect(run.stderr).toContain('clock-skew tolerance');
    expect(emu.world().flows).toHaveLength(0);
    expect((await cutover(m, ['show', id])).stdout).toMatch(/next: +Jira's resolution times are implausible/);
  });
});
