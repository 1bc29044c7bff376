import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { rig, samplePlan } from './helpers.js';

describe('engine: a migration end to end on the fakes', () => {
  it('stops while waiting on the ticket, then completes after the ticket resolves', async () => {
    const r = rig();
    const id = await r.engine.create(samplePlan(), 'tester');
    const first = await r.engine.drive(id, { mode: 'until-waiting' });
    expect(first.status).toBe('waiting');
    expect(first.state).toBe('awaiting_resolution.sleeping');
    expect(r.services.world.creates).toEqual({ base: 1, profile_base: 1, source: 1, target: 1, ticket: 1 });

    const ticket = r.services.world.tickets[0]!;
    r.services.world.resolve(ticket.key, '2026-01-05T10:00:00.000Z');
    r.services.world.now = () => Date.parse('2026-01-05T10:00:05Z');
    r.clock.set(Date.parse('2026-01-05T10:00:05Z'));
    const interval = setInterval(
      () =>
        r.services.world.flows[0] && r.services.world.aamSegments.length === 0 && r.services.world.deliver('flow-1'),
      1,
    );
    const done = await r.engine.drive(id, { mode: 'until-done' });
    clearInterval(interval);
    expect(done.status).toBe('completed');
    expect(r.services.world.creates).toEqual({
      base: 1,
      profile_base: 1,
      source: 1,
      target: 1,
      ticket: 1,
      flow: 1,
      comment: 1,
    });
    expect(done.context.marks.legacy_stopped).toEqual({
      at: '2026-01-05T10:00:00.000Z',
      source: 'jira.resolutiondate',
    });
    expect(done.context.marks.connection_established?.source).toBe('flowservice.createdAt');

    const again = openStore(r.dbFile);
    const record = await again.get(id);
    expect(record?.status).toBe('completed');
    expect(record?.marks.legacy_stopped?.at).toBe('2026-01-05T10:00:00.000Z');
    const effects = await again.effects(id);
    expect(effects.map((e) => [e.step, e.status])).toEqual(
      expect.arrayContaining([
        ['base_connection', 'created'],
        ['ticket', 'created'],
        ['flow', 'created'],
        ['handoff', 'created'],
      ]),
    );
  });
});
