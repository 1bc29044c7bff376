// The rollback through the engine on the fakes: a completed migration rolled back with --force, one parked after
// a refused flow create, and the refusals the machine itself keeps (defence in depth behind `cutover rollback`).
import { describe, expect, it } from 'vitest';
import type { MigrationEvent } from '../../src/core/machine-types.js';
import { ServiceError } from '../../src/errors.js';
import { restoreSnapshot } from '../../src/engine/restore.js';
import { deliverAudiences, resolveTicket, rig, samplePlan, type Rig } from './helpers.js';

const ROLLED = '2026-01-05T14:00:00.000Z';

function rollback(r: Rig, extra: Partial<Extract<MigrationEvent, { type: 'ROLLBACK' }>> = {}): MigrationEvent {
  return {
    type: 'ROLLBACK',
    by: 'admin@example.com',
    reason: 'the new card cannot carry them',
    at: new Date(r.clock.now()).toISOString(),
    ...extra,
  };
}

async function completed(r: Rig): Promise<string> {
  const plan = samplePlan();
  const id = await r.engine.create(plan, 'admin@example.com');
  deliverAudiences(r.services.world, plan.audiences);
  const done = await r.engine.drive(id, {
    mode: 'until-done',
    onSnapshot: (s) => {
      if (s.matches({ awaiting_resolution: 'sleeping' })) resolveTicket(r.services.world);
    },
  });
  expect(done.status).toBe('completed');
  return id;
}

/** Customer Care resolves the re-enable ticket (the second one) and the legacy data source updates again. */
function reenable(r: Rig, at = ROLLED): void {
  const t = r.services.world.tickets.find((x) => x.labels.some((l) => l.endsWith('-reenable')));
  if (t && !t.resolved) {
    r.services.world.resolve(t.key, at);
    r.services.world.restoreLegacy(at);
  }
}

describe('engine: rollback to legacy sharing', () => {
  it('rolls a completed migration back with force: flow disabled, one re-enable ticket', async () => {
    const r = rig();
    const id = await completed(r);
    r.clock.set(Date.parse('2026-01-05T13:00:00Z'));
    const waiting = await r.engine.drive(id, { mode: 'until-waiting', event: rollback(r, { force: true }) });
    expect(waiting.state).toBe('rolling_back.reenable.sleeping');
    expect(r.services.world.flows[0]!.state).toBe('disabled');
    const tickets = r.services.world.tickets;
    expect(tickets.map((t) => t.labels[0])).toEqual([`cutover-${id}`, `cutover-${id}-reenable`]);

    reenable(r);
    r.clock.set(Date.parse('2026-01-05T14:00:05Z'));
    const done = await r.engine.drive(id, { mode: 'until-done' });
    expect(done.status).toBe('rolled_back');
    const m = done.context.marks;
    expect(m.rollback_requested?.at).toBe('2026-01-05T13:00:00.000Z');
    expect(m.new_flow_disabled).toEqual({ at: r.services.world.flows[0]!.updatedAt, source: 'flowservice.updatedAt' });
    expect(m.legacy_restored).toEqual({ at: ROLLED, source: 'jira.resolutiondate' });
    expect(m.legacy_data_seen).toEqual({ at: ROLLED, source: 'aam.segment.updateTime' });
    expect(r.services.world.creates.ticket).toBe(2);
    expect(tickets[1]!.comments.some((c) => c.includes(`cutover-${id}:rolled-back`))).toBe(true);
    const record = await r.store.get(id);
    expect(record?.status).toBe('rolled_back');
    const journal = await r.store.journal(id);
    const asked = journal.find((j) => j.kind === 'operator' && j.name === 'ROLLBACK');
    expect(asked).toMatchObject({ actor: 'admin@example.com', reason: 'the new card cannot carry them' });
  });

  it('is refused by the machine on a completed migration without force', async () => {
    const r = rig();
    const id = await completed(r);
    const result = await r.engine.drive(id, { mode: 'until-waiting', event: rollback(r) });
    expect(result.status).toBe('completed');
    expect(r.services.world.flows[0]!.state).toBe('enabled');
  });

  it('is refused by the machine while the legacy pipe is still on', async () => {
    const r = rig();
    const id = await r.engine.create(samplePlan(), 'admin@example.com');
    await r.engine.drive(id, { mode: 'until-waiting' });
    const result = await r.engine.drive(id, { mode: 'until-waiting', event: rollback(r, { force: true }) });
    expect(result.state).toBe('awaiting_resolution.sleeping');
    expect(result.context.rollback ?? null).toBeNull();
  });

  it('rolls back a migration parked on a refused flow create: no flow to disable', async () => {
    const r = rig();
    const plan = samplePlan();
    const id = await r.engine.create(plan, 'admin@example.com');
    const forbidden = new ServiceError('aep', 'POST', 'https://x/flows', 403, '403', 'Forbidden', false);
    r.services.world.faults.failNext('create:flow', forbidden);
    const parked = await r.engine.drive(id, {
      mode: 'until-done',
      onSnapshot: (s) => {
        if (s.matches({ awaiting_resolution: 'sleeping' })) resolveTicket(r.services.world);
      },
    });
    expect(parked.status).toBe('needs_attention');
    await r.engine.drive(id, { mode: 'until-waiting', event: rollback(r) });
    reenable(r);
    r.clock.set(Date.parse('2026-01-05T14:00:05Z'));
    const done = await r.engine.drive(id, { mode: 'until-done' });
    expect(done.status).toBe('rolled_back');
    expect(done.context.marks.new_flow_disabled?.source).toBe('flowservice.no_flow');
    expect(r.services.world.flows).toHaveLength(0);
  });

  it('restores a completed snapshot of machine version 1 (final then) and rolls it back', async () => {
    const r = rig();
    const id = await completed(r);
    const record = (await r.store.get(id))!;
    const v1 = { ...(record.snapshot as Record<string, unknown>), status: 'done', output: undefined };
    const {
      snapshot: _s,
      machineVersion: _m,
      xstateVersion,
      state,
      status,
      attempts,
      lastError,
      ticketKey,
      marks,
    } = record;
    await r.store.commitTransition(id, {
      snapshot: v1,
      machineVersion: '1',
      xstateVersion,
      state,
      status,
      progressed: false,
      attempts,
      lastError,
      ticketKey,
      marks,
      journal: [],
      at: new Date(r.clock.now()).toISOString(),
    });
    const old = (await r.store.get(id))!;
    expect(restoreSnapshot(old).status).toBe('active');
    expect(() => restoreSnapshot({ ...old, machineVersion: '3' })).toThrow(/machine version 3/);
    const rolled = await r.engine.drive(id, { mode: 'until-waiting', event: rollback(r, { force: true }) });
    expect(rolled.state).toBe('rolling_back.reenable.sleeping');
    expect((await r.store.get(id))!.machineVersion).toBe('2');
  });
});
