// `cutover rollback` end to end: the spawned CLI against the emulator, whose world is the truth. A migration whose
// flow create is refused for good (403) is rolled back: the flow (if any) disabled, one re-enable ticket, legacy
// sharing on again in the emulator's world, the marks equal to the emulator's own instants, status rolled_back.
// And the refusals: before the legacy pipe is off, on a completed migration without --force, under another lease.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.js';
import { describeRun } from '../reliability/harness/cli.js';
import { createMigration, customerCare, resumeUntilDone, startRig, type Rig } from '../reliability/harness/rig.js';
import { counts, jiraInstant, readRecord } from '../reliability/harness/world.js';
import { emulatorPlan } from '../integration/helpers.js';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const REASON = 'the Experience Cloud Audiences connection is refused (licence)';

/** A migration parked after the legacy pipe went off: the flow create is answered 403 every time. */
async function parkedAfterStop(r: Rig, phase: 'before' | 'after'): Promise<string> {
  r.emulator.control.addFault({ kind: '403', route: 'flow.flows.create', phase });
  const id = await createMigration(r);
  const stop = customerCare(r.emulator);
  try {
    const parked = await r.cli(['resume', id, '--follow']);
    expect(parked.code, describeRun(parked)).toBe(3);
    expect(parked.stderr).toContain('403');
    expect(parked.stderr).toContain(`or go back to legacy sharing: cutover rollback ${id}`);
  } finally {
    stop();
  }
  const show = await r.cli(['show', id]);
  expect(show.stdout).toMatch(new RegExp(`next: .*go back to legacy sharing: cutover rollback ${id}`));
  return id;
}

function world(r: Rig) {
  return r.emulator.world(DEMO_CREDENTIALS.orgId);
}

/** Every mark the rollback adds, checked against the emulator's own instants. */
async function expectRolledBack(r: Rig, id: string): Promise<void> {
  const { record } = await readRecord(r.db, id);
  expect(record.status).toBe('rolled_back');
  const w = world(r);
  expect(w.tickets).toHaveLength(2);
  const reenable = w.tickets[1]!;
  expect(reenable.labels).toContain(`cutover-${id}-reenable`);
  expect(w.legacySharing).toMatchObject({ enabled: true, restoredByTicket: reenable.key });
  expect(w.violations).toEqual([]);
  const m = record.marks;
  expect(Date.parse(m.legacy_restored!.at)).toBe(jiraInstant(reenable.resolutiondate!));
  expect(m.legacy_restored!.at).toBe(w.legacySharing.restoredAt);
  const updated = Math.min(...w.aam.legacySegments.map((s) => s.updateTime));
  expect(Date.parse(m.legacy_data_seen!.at)).toBe(updated);
  expect(Date.parse(m.rollback_requested!.at)).toBeLessThanOrEqual(jiraInstant(reenable.created));
  expect(Date.parse(m.new_flow_disabled!.at)).toBeLessThanOrEqual(jiraInstant(reenable.created));
  expect(reenable.comments).toBe(1);
}

describe('cutover rollback against the emulator', () => {
  it('rolls back a migration whose flow create is refused (403): no flow, one re-enable ticket, exit 0', async () => {
    rig = await startRig();
    const id = await parkedAfterStop(rig, 'before');
    const stop = customerCare(rig.emulator);
    try {
      const run = await rig.cli(['rollback', id, '--reason', REASON, '--follow', '--json']);
      expect(run.code, describeRun(run)).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ id, status: 'rolled_back', state: 'rolled_back' });
      expect(run.stderr).toContain('rolled back');
    } finally {
      stop();
    }
    await expectRolledBack(rig, id);
    const { record } = await readRecord(rig.db, id);
    expect(world(rig).flows).toHaveLength(0);
    expect(record.marks.new_flow_disabled?.source).toBe('flowservice.no_flow');
    const show = await rig.cli(['show', id]);
    expect(show.stdout).toContain('next:     nothing: rolled back, legacy sharing is on again');
    expect(show.stdout).toMatch(/rollback window\s+\S/);
    expect(show.stdout).toMatch(/operator\s+ROLLBACK .* by \S+ — why: the Experience Cloud Audiences connection/);
  });

  it('disables the flow a 403 hid (created, answer lost), found by marker: its update time is the mark', async () => {
    rig = await startRig();
    const id = await parkedAfterStop(rig, 'after');
    expect(world(rig).flows).toHaveLength(1);
    const stop = customerCare(rig.emulator);
    try {
      const run = await rig.cli(['rollback', id, '--reason', REASON, '--follow']);
      expect(run.code, describeRun(run)).toBe(0);
    } finally {
      stop();
    }
    await expectRolledBack(rig, id);
    const flow = world(rig).flows[0]!;
    expect(flow.state).toBe('disabled');
    const { record } = await readRecord(rig.db, id);
    expect(record.marks.new_flow_disabled).toMatchObject({ source: 'flowservice.updatedAt' });
    expect(Date.parse(record.marks.new_flow_disabled!.at)).toBe(flow.updatedAt);
    expect(counts(rig.emulator)).toMatchObject({ tickets: 2, flows: 1, violations: [] });
  });

  it('refuses before the legacy pipe is off (exit 2, use cancel) and changes nothing', async () => {
    rig = await startRig();
    const id = await createMigration(rig);
    const waiting = await rig.cli(['resume', id]);
    expect(waiting.code, describeRun(waiting)).toBe(6);
    const run = await rig.cli(['rollback', id, '--reason', REASON, '--force']);
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.stderr).toContain('the legacy pipe is still on');
    expect(run.stderr).toContain(`cutover cancel ${id}`);
    expect(world(rig).tickets).toHaveLength(1);
  });

  it('refuses a completed migration without --force (exit 2), then rolls it back with --force', async () => {
    rig = await startRig();
    const id = await createMigration(rig);
    const stop = customerCare(rig.emulator);
    try {
      const runs = await resumeUntilDone(rig, id);
      expect(runs.at(-1)!.code, runs.map(describeRun).join('\n')).toBe(0);
      const refusedRun = await rig.cli(['rollback', id, '--reason', REASON]);
      expect(refusedRun.code, describeRun(refusedRun)).toBe(2);
      expect(refusedRun.stderr).toContain('it completed');
      expect(refusedRun.stderr).toContain('--force');
      expect(world(rig).flows[0]!.state).toBe('enabled');
      const forced = await rig.cli(['rollback', id, '--reason', REASON, '--force', '--follow']);
      expect(forced.code, describeRun(forced)).toBe(0);
    } finally {
      stop();
    }
    await expectRolledBack(rig, id);
    expect(world(rig).flows[0]!.state).toBe('disabled');
  });

  it('refuses while another runner holds the lease (exit 5, naming it)', async () => {
    rig = await startRig();
    const id = await parkedAfterStop(rig, 'before');
    const store = openStore(rig.db);
    try {
      const held = await store.acquireLease({
        migrationId: id,
        nonce: 'feedfeed0001',
        holder: 'bo@elsewhere:7',
        ttlMs: 60_000,
      });
      expect(held.ok).toBe(true);
    } finally {
      await store.close();
    }
    const run = await rig.cli(['rollback', id, '--reason', REASON]);
    expect(run.code, describeRun(run)).toBe(5);
    expect(run.stderr).toContain('bo@elsewhere:7');
    expect(world(rig).tickets).toHaveLength(1);
  });

  it('rolling forward later: a new migration is refused by preflight while the kept connection exists', async () => {
    rig = await startRig();
    const first = await parkedAfterStop(rig, 'before');
    const stop = customerCare(rig.emulator);
    try {
      const back = await rig.cli(['rollback', first, '--reason', REASON, '--follow']);
      expect(back.code, describeRun(back)).toBe(0);
      rig.emulator.control.clearFaults();
      // Kept (the default): the new migration has another marker, and the card allows one connection per org.
      const kept = await createMigration(rig);
      const refusedRun = await rig.cli(['resume', kept, '--follow']);
      expect(refusedRun.code, describeRun(refusedRun)).toBe(3);
      expect(refusedRun.stderr).toContain('destination.single_connection');
      expect(refusedRun.stderr).toContain('only one is allowed per org');
    } finally {
      stop();
    }
  });

  it('rolling forward after --delete-connection: a new migration stages afresh and completes', async () => {
    rig = await startRig();
    const first = await parkedAfterStop(rig, 'after');
    const stop = customerCare(rig.emulator);
    try {
      const back = await rig.cli(['rollback', first, '--reason', REASON, '--delete-connection', '--follow']);
      expect(back.code, describeRun(back)).toBe(0);
      expect(world(rig).flows).toHaveLength(0);
      expect(world(rig).connections.target).toHaveLength(0);
      rig.emulator.control.clearFaults();
      const again = await createMigration(rig);
      const runs = await resumeUntilDone(rig, again);
      expect(runs.at(-1)!.code, runs.map(describeRun).join('\n')).toBe(0);
    } finally {
      stop();
    }
    expect(world(rig).flows.map((f) => f.state)).toEqual(['enabled']);
    expect(world(rig).violations).toEqual([]);
  });

  it('plan lists what a rollback would request, and sends none of it', async () => {
    rig = await startRig();
    const { polling: _fast, ...plan } = emulatorPlan(rig.emulator);
    const file = join(rig.dir, 'plan.json');
    writeFileSync(file, JSON.stringify(plan));
    const run = await rig.cli(['plan', '--plan', file]);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toContain('Rollback (only if asked for later, once the legacy pipe is off');
    expect(run.stdout).toMatch(/disable: POST \/flows\/\{flowId\}\/action\?op=disable with If-Match/);
    expect(run.stdout).toMatch(/reenable: search for the label cutover-m-[0-9a-f]{10}-reenable/);
    expect(world(rig).tickets).toHaveLength(0);
    const json = await rig.cli(['plan', '--plan', file, '--json']);
    expect(JSON.parse(json.stdout).rollback.map((r: { step: string }) => r.step)).toContain('legacy');
  });
});
