import { describe, expect, it, vi } from 'vitest';
import { deadRunner } from './fleet.js';
import { cli, dbFingerprint, HOUR, resolveTicket, rig, samplePlan, T0, type Rig } from './helpers.js';

vi.mock('../../src/adapters/services.js', () => import('./fake-services.js'));

async function waitingOnTicket(r: Rig, plan = samplePlan()): Promise<string> {
  const id = await r.engine().create(plan, 'admin@laptop');
  await r.engine().drive(id, { mode: 'until-waiting' });
  return id;
}

async function journalSize(r: Rig, id: string): Promise<number> {
  return (await r.store.journal(id)).length;
}

describe('operator commands without --reason', () => {
  it('exit 2 and change nothing: the database file bytes are the same', async () => {
    const r = rig();
    const id = await waitingOnTicket(r);
    const locked = await deadRunner(r);
    const lockId = (await r.store.currentLease(locked))!.nonce;
    const before = dbFingerprint(r.dbFile);
    const commands = [
      ['skip', id, '--check', 'audiences.exist'],
      ['set-resolution', id, '--at', '2026-01-05T09:00:00Z'],
      ['confirm', id, '--solution', 'target'],
      ['cancel', id],
      ['unlock', locked, '--lock-id', lockId],
      ['retry', id],
      ['cancel', id, '--reason', '   '],
    ];
    for (const args of commands) {
      const run = await cli(r, args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('needs --reason');
    }
    expect(dbFingerprint(r.dbFile)).toBe(before);
    expect((await r.store.get(id))?.state).toBe('awaiting_resolution.sleeping');
    expect((await r.store.currentLease(locked))?.nonce).toBe(lockId);
  });
});

describe('cutover set-resolution', () => {
  it('records the operator override, drives on to the cut-over, and show says who, when and why', async () => {
    const r = rig();
    const id = await waitingOnTicket(r);
    r.clock.set(T0 + 2 * HOUR);
    const args = [
      'set-resolution',
      id,
      '--at',
      '2026-01-05T10:30:00+01:00',
      '--reason',
      'Customer Care confirmed by phone',
    ];
    const refused = await cli(r, args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("ticket CC-1 is 'Open' in Jira: the legacy pipe may still be on");
    expect(r.services.world.flows).toHaveLength(0);
    const run = await cli(r, [...args, '--force']);
    expect(run.code).toBe(6);
    const m = (await r.store.get(id))!;
    expect(m.state).toBe('verifying.sleeping');
    const override = { by: 'support@desk', reason: 'Customer Care confirmed by phone' };
    expect(m.marks.legacy_stopped).toEqual({ at: '2026-01-05T09:30:00.000Z', source: 'operator.forced', override });
    const shown = await cli(r, ['show', id]);
    expect(shown.stdout).toMatch(
      /operator {4}SET_RESOLUTION .*resolvedAt=2026-01-05T09:30:00.000Z.* by support@desk — why: Customer Care confirmed by phone/,
    );
    const json = JSON.parse((await cli(r, ['show', id, '--json'])).stdout) as {
      timeline: { kind: string; name: string; actor?: string; reason?: string; at: string }[];
    };
    expect(json.timeline).toContainEqual(
      expect.objectContaining({
        kind: 'operator',
        name: 'SET_RESOLUTION',
        actor: 'support@desk',
        reason: 'Customer Care confirmed by phone',
        at: '2026-01-05T11:00:00.000Z',
      }),
    );
  });

  it('refuses an instant that is not strict ISO-8601 with offset, naming the flag (exit 2, nothing changed)', async () => {
    const r = rig();
    const id = await waitingOnTicket(r);
    const before = await journalSize(r, id);
    for (const bad of ['2026-01-05 10:30', '2026-01-05T10:30:00', '2026-02-30T10:00:00Z', 'yesterday']) {
      const run = await cli(r, ['set-resolution', id, '--at', bad, '--reason', 'typo test']);
      expect(run.code, bad).toBe(2);
      expect(run.stderr).toContain('--at');
    }
    expect(await journalSize(r, id)).toBe(before);
  });
});

describe('cutover set-resolution when Jira cannot be read', () => {
  it('judges the ticket by its last polled status, and says so', async () => {
    const r = rig();
    const id = await waitingOnTicket(r);
    r.services.world.faults.failNext('getTicket', new Error('connect ECONNREFUSED'));
    r.clock.advance(HOUR);
    const run = await cli(r, ['set-resolution', id, '--at', new Date(T0 + 60_000).toISOString(), '--reason', 'x']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'warning: could not read CC-1 from Jira (connect ECONNREFUSED); using its last polled status',
    );
    expect(run.stderr).toMatch(
      /ticket CC-1 is 'Open' in Jira \(last polled at \S+: Jira could not be read now\): the legacy pipe may still be on/,
    );
    expect(r.services.world.flows).toHaveLength(0);
  });
});

describe('cutover set-resolution where the state takes none', () => {
  it('says where the migration is (exit 1) rather than judging a ticket it does not have; nothing journaled', async () => {
    const r = rig();
    const id = await r.engine().create(samplePlan(), 'admin@laptop');
    const before = await journalSize(r, id);
    const run = await cli(r, ['set-resolution', id, '--at', new Date(T0).toISOString(), '--reason', 'too early']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('set-resolution applies while waiting on the ticket');
    expect(run.stderr).toContain('it is in draft');
    expect(await journalSize(r, id)).toBe(before);
  });
});

describe('cutover cancel', () => {
  it('cancels before the legacy pipe is off, withdrawing the ticket this tool filed', async () => {
    const r = rig();
    const id = await waitingOnTicket(r);
    const run = await cli(r, ['cancel', id, '--reason', 'customer postponed the migration']);
    expect(run.code).toBe(0);
    expect((await r.store.get(id))?.status).toBe('cancelled');
    expect(r.services.world.tickets[0]?.comments.length).toBe(1);
    expect((await cli(r, ['show', id])).stdout).toMatch(
      /CANCEL .*by support@desk — why: customer postponed the migration/,
    );
  });

  it('is refused once the legacy pipe is off: exit 1, says why and what to do instead, changes nothing', async () => {
    const r = rig();
    const id = await waitingOnTicket(r);
    await resolveTicket(r, id);
    await r.engine().drive(id, { mode: 'until-waiting' });
    const before = { state: (await r.store.get(id))!.state, journal: await journalSize(r, id) };
    const run = await cli(r, ['cancel', id, '--reason', 'changed our mind']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the legacy pipe is already off');
    expect(run.stderr).toContain('cancel cannot turn it back on');
    expect(run.stderr).toMatch(/hint: go forward: cutover resume/);
    expect({ state: (await r.store.get(id))!.state, journal: await journalSize(r, id) }).toEqual(before);
  });
});

describe('a done ticket without a resolution date', () => {
  it('refuses cancel (the pipe is off, time unknown) and takes set-resolution instead', async () => {
    const r = rig();
    const id = await waitingOnTicket(r);
    await resolveTicket(r, id);
    Object.assign(r.services.world.tickets[0]!, { resolutionDate: null, doneTransitionAt: null });
    await r.engine().drive(id, { mode: 'until-waiting' });
    expect((await r.store.get(id))?.lastError?.code).toBe('RESOLUTION_TIME_UNKNOWN');
    const cancel = await cli(r, ['cancel', id, '--reason', 'give up']);
    expect(cancel.code).toBe(1);
    expect(cancel.stderr).toMatch(/the legacy pipe is already off \(CC-1 was seen Done at /);
    r.clock.advance(HOUR);
    const set = await cli(r, [
      'set-resolution',
      id,
      '--at',
      new Date(T0 + 10 * 60_000).toISOString(),
      '--reason',
      'Customer Care: switched off at 09:10',
    ]);
    expect(set.code).toBe(6);
    expect((await r.store.get(id))?.marks.legacy_stopped?.source).toBe('operator');
  });
});

describe('cutover confirm', () => {
  it('records a manual confirmation; verification completes when every solution is confirmed', async () => {
    const r = rig();
    const id = await waitingOnTicket(r, samplePlan({ solutions: ['audience_manager', 'target'] }));
    await resolveTicket(r, id);
    await r.engine().drive(id, { mode: 'until-waiting' });
    r.services.world.deliver(r.services.world.flows[0]!.id);
    await r.engine().drive(id, { mode: 'until-waiting' });
    const m = (await r.store.get(id))!;
    expect(m.state).toBe('verifying.sleeping');
    expect(m.marks.first_data).toBeDefined();
    const run = await cli(r, [
      'confirm',
      id,
      '--solution',
      'target',
      '--reason',
      'audiences visible in Target > Audiences',
    ]);
    expect(run.code).toBe(0);
    expect((await r.store.get(id))?.status).toBe('completed');
    expect((await cli(r, ['show', id])).stdout).toMatch(
      /CONFIRM solution=target .*by support@desk — why: audiences visible in Target > Audiences/,
    );
  });

  it('refuses an unknown solution (exit 2) and a migration not verifying (exit 1, journal unchanged)', async () => {
    const r = rig();
    const id = await waitingOnTicket(r);
    const bad = await cli(r, ['confirm', id, '--solution', 'photoshop', '--reason', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--solution');
    const before = await journalSize(r, id);
    const early = await cli(r, ['confirm', id, '--solution', 'target', '--reason', 'seen it']);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/was not applied .* it is in awaiting_resolution.sleeping \(waiting\)/);
    expect(early.stderr).toContain('the new flow does not exist yet, so no solution can see the migrated audiences');
    expect(early.stderr).toContain(`wait for the cut-over (cutover resume ${id} --follow)`);
    expect(await journalSize(r, id)).toBe(before);
  });
});

describe('cutover skip', () => {
  it('skips a failed preflight check by its id, with a reason; refuses an id that did not fail', async () => {
    const r = rig();
    const id = await r.engine().create(samplePlan({ audiences: ['seg-1', 'seg-gone'] }), 'admin@laptop');
    await r.engine().drive(id, { mode: 'until-waiting' });
    expect((await r.store.get(id))?.lastError?.code).toBe('PREFLIGHT_FAILED');
    const wrong = await cli(r, ['skip', id, '--check', 'jira.project', '--reason', 'x']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      'use one of: audiences.exist (skipping it: the missing audiences are left out of the new flow',
    );
    const run = await cli(r, ['skip', id, '--check', 'audiences.exist', '--reason', 'seg-gone was deleted on purpose']);
    expect(run.code).toBe(6);
    expect(run.stderr).toContain('skipping audiences.exist: the missing audiences are left out of the new flow');
    expect((await r.store.get(id))?.state).toBe('awaiting_resolution.sleeping');
    expect((await cli(r, ['show', id])).stdout).toMatch(
      /SKIP check=audiences.exist .*by support@desk — why: seg-gone was deleted on purpose/,
    );
  });

  it('says clearly when the migration is not parked on anything to skip (exit 1)', async () => {
    const r = rig();
    const id = await waitingOnTicket(r);
    const run = await cli(r, ['skip', id, '--check', 'verification', '--reason', 'x']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'skip applies only to a migration parked on a failed preflight check or a verification timeout',
    );
  });
});

describe('cutover retry', () => {
  it('is refused when nothing is parked (exit 1), naming where it is and what continues it; journal unchanged', async () => {
    const r = rig();
    const id = await waitingOnTicket(r);
    const before = await journalSize(r, id);
    const run = await cli(r, ['retry', id, '--reason', 'poke it']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'retry applies to a migration parked in needs_attention; it is in awaiting_resolution.sleeping (waiting), so there is no failed step to go back to',
    );
    expect(run.stderr).toContain(`hint: cutover resume ${id} continues it`);
    expect(await journalSize(r, id)).toBe(before);
  });
});

describe('cutover unlock', () => {
  it('refuses a wrong lock id naming the current holder, then takes over the right one, audited', async () => {
    const r = rig();
    const id = await deadRunner(r);
    const held = (await r.store.currentLease(id))!;
    const wrong = await cli(r, ['unlock', id, '--lock-id', 'deadbeef', '--reason', 'laptop died']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(
      `lock id does not match; the current holder is admin@dead-laptop:999 (lock id ${held.nonce}`,
    );
    expect(wrong.stderr).toContain(`could let two runners drive ${id} at once`);
    const run = await cli(r, ['unlock', id, '--lock-id', held.nonce, '--reason', 'laptop died mid-step']);
    expect(run.code).toBe(0);
    expect(await r.store.currentLease(id)).toBeNull();
    const unlockRow = (await r.store.journal(id)).find((row) => row.name === 'UNLOCK');
    expect(unlockRow).toMatchObject({
      kind: 'operator',
      actor: 'support@desk',
      reason: 'laptop died mid-step',
      data: { lockId: held.nonce, previousHolder: 'admin@dead-laptop:999' },
    });
    expect((await cli(r, ['show', id])).stdout).toMatch(
      /UNLOCK .*previousHolder=admin@dead-laptop:999.* by support@desk — why: laptop died mid-step/,
    );
    expect((await cli(r, ['unlock', id, '--lock-id', held.nonce, '--reason', 'again'])).code).toBe(1);
    const resumed = await cli(r, ['resume', id]);
    expect(resumed.code).toBe(6);
    expect((await r.store.get(id))?.state).toBe('awaiting_resolution.sleeping');
  });
});
