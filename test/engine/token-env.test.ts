// A plan that names an unset variable for the destination token: the engine's preflight parks the migration,
// and even an operator who skips that check cannot get a connection created with no auth.
import { describe, expect, it } from 'vitest';
import { rig, samplePlan } from './helpers.js';

const op = { by: 'support@example.com', reason: 'trying anyway', at: '2026-01-05T09:05:00.000Z' };

describe('destination.tokenEnv naming an unset variable', () => {
  it('fails preflight: needs attention, nothing created', async () => {
    const r = rig();
    const plan = samplePlan({ destination: { name: 'ECA', description: 'x', tokenEnv: 'NOPE' } });
    const id = await r.engine.create(plan, 'tester');
    const run = await r.engine.drive(id, { mode: 'until-waiting' });
    expect(run.status).toBe('needs_attention');
    const token = run.context.preflight?.find((c) => c.id === 'destination.token');
    expect(token).toMatchObject({ status: 'fail', items: ['NOPE'] });
    expect(r.services.world.creates).toEqual({});
  });

  it('a skipped check still creates no connection: the staging step refuses, naming the variable', async () => {
    const r = rig();
    const plan = samplePlan({ destination: { name: 'ECA', description: 'x', tokenEnv: 'NOPE' } });
    const id = await r.engine.create(plan, 'tester');
    await r.engine.drive(id, { mode: 'until-waiting' });
    const run = await r.engine.drive(id, {
      mode: 'until-waiting',
      event: { type: 'SKIP', check: 'destination.token', ...op },
    });
    expect(run.status).toBe('needs_attention');
    expect(run.context.lastError).toMatchObject({ code: 'TOKEN_ENV_UNSET', retryable: false });
    expect(run.context.lastError?.message).toContain(
      '$NOPE, which is not set in this environment: no connection was created',
    );
    expect(r.services.world.creates.base ?? 0).toBe(0);
  });
});
