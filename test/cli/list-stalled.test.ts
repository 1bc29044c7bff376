import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ListRow } from '../../src/cli/commands/list.js';
import { buildFleet, NOW, type Fleet } from './fleet.js';
import { cli, rig, samplePlan } from './helpers.js';

vi.mock('../../src/adapters/services.js', () => import('./fake-services.js'));

let fleet: Fleet;
beforeAll(async () => {
  fleet = await buildFleet();
});
afterAll(async () => {
  await fleet.r.store.close();
});

const codesOf = (rows: ListRow[]) =>
  Object.fromEntries(rows.map((row) => [row.id, row.stallReasons.map((s) => s.code)]));

describe('cutover list --stalled', () => {
  it('returns exactly the migrations stuck each way, each with its reason; healthy ones are absent', async () => {
    const run = await cli(fleet.r, ['list', '--stalled', '--json']);
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as ListRow[];
    const { ids } = fleet;
    expect(codesOf(rows)).toEqual({
      [ids.ticketPastSla]: ['ticket_past_sla'],
      [ids.needsAttention]: ['needs_attention'],
      [ids.deadRunner]: ['dead_runner'],
      [ids.noProgress]: ['no_progress'],
    });
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(ids.ticketPastSla)!.stallReasons[0]!.message).toMatch(
      /CC-1 filed 2026-01-05T09:00:00.000Z has waited 9 business days \(service level 6\)/,
    );
    expect(byId.get(ids.needsAttention)!.stallReasons[0]!.message).toMatch(/SERVER_ERROR: jira: POST .* HTTP 503/);
    expect(byId.get(ids.noProgress)!.stallReasons[0]!.message).toMatch(/no progress for 30h/);
    const dead = byId.get(ids.deadRunner)!;
    expect(dead.lock).toMatchObject({ holder: 'admin@dead-laptop:999', expired: true });
    expect(dead.stallReasons[0]!.message).toContain(dead.lock!.lockId);
  });

  it('prints the documented keys for every migration without --stalled, stalled or not', async () => {
    const rows = JSON.parse((await cli(fleet.r, ['list', '--json'])).stdout) as ListRow[];
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(
        [
          'attempts',
          'id',
          'lastError',
          'lastProgress',
          'lock',
          'org',
          'since',
          'stallReasons',
          'stalled',
          'state',
          'status',
          'ticket',
          'timeInState',
        ].sort(),
      );
    }
    const healthy = rows.find((row) => row.id === fleet.ids.healthyTicket)!;
    expect(healthy).toMatchObject({
      status: 'waiting',
      state: 'awaiting_resolution.sleeping',
      stalled: false,
      stallReasons: [],
      lock: null,
    });
    expect(rows.find((row) => row.id === fleet.ids.completed)).toMatchObject({ status: 'completed', stalled: false });
  });

  it('--stall-hours raises the no-progress threshold; --status and --org filter', async () => {
    const rows = JSON.parse(
      (await cli(fleet.r, ['list', '--stalled', '--stall-hours', '48', '--json'])).stdout,
    ) as ListRow[];
    expect(rows.map((row) => row.id)).not.toContain(fleet.ids.noProgress);
    expect(rows).toHaveLength(3);
    const attention = JSON.parse(
      (await cli(fleet.r, ['list', '--status', 'needs_attention', '--json'])).stdout,
    ) as ListRow[];
    expect(attention.map((row) => row.id)).toEqual([fleet.ids.needsAttention]);
    const otherOrg = JSON.parse(
      (await cli(fleet.r, ['list', '--org', 'OTHER@AdobeOrg', '--json'])).stdout,
    ) as ListRow[];
    expect(otherOrg).toEqual([]);
  });

  it('rejects a bad --stall-hours or --status with exit 2', async () => {
    const hours = await cli(fleet.r, ['list', '--stall-hours', 'soon']);
    expect(hours.code).toBe(2);
    expect(hours.stderr).toContain('--stall-hours');
    expect((await cli(fleet.r, ['list', '--status', 'stuck'])).code).toBe(2);
  });

  it('--limit shows the most recently updated first and says on stderr how many are left out', async () => {
    const all = JSON.parse((await cli(fleet.r, ['list', '--limit', '0', '--json'])).stdout) as ListRow[];
    expect(all).toHaveLength(6);
    const two = await cli(fleet.r, ['list', '--limit', '2', '--json']);
    expect((JSON.parse(two.stdout) as ListRow[]).map((row) => row.id)).toEqual(all.slice(0, 2).map((row) => row.id));
    expect(two.stderr).toContain('showing 2 of 6 migrations, most recently updated first; --limit 0 shows all');
    expect((await cli(fleet.r, ['list', '--json'])).stderr).toBe(''); // 6 is within the default limit
    const stalled = await cli(fleet.r, ['list', '--stalled', '--limit', '1', '--json']);
    expect(JSON.parse(stalled.stdout)).toHaveLength(1);
    expect(stalled.stderr).toContain('showing 1 of 4 stalled migrations');
    for (const bad of ['-1', 'all', '2.5']) {
      const run = await cli(fleet.r, ['list', '--limit', bad]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--limit');
    }
  });

  it('shows the lock holder with since/expiry and "(expired)", and each stalled reason, as text', async () => {
    const run = await cli(fleet.r, ['list', '--stalled']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/admin@dead-laptop:999 \[[0-9a-f]+\] since .* expires .* \(expired\)/);
    expect(run.stdout).toContain(`${fleet.ids.ticketPastSla} is stalled:\n  ticket_past_sla:`);
    expect(run.stdout).not.toContain(fleet.ids.healthyTicket);
    expect(new Date(fleet.r.clock.now()).toISOString()).toBe(new Date(NOW).toISOString());
  });
});

describe('cutover list on a long list', () => {
  it('shows the 50 most recently updated by default and says how many more match', async () => {
    const r = rig();
    try {
      for (let i = 0; i < 55; i++) await r.engine().create(samplePlan(), 'admin@laptop');
      const run = await cli(r, ['list', '--json']);
      expect(JSON.parse(run.stdout)).toHaveLength(50);
      expect(run.stderr).toContain('showing 50 of 55 migrations');
      expect(JSON.parse((await cli(r, ['list', '--json', '--limit', '0'])).stdout)).toHaveLength(55);
    } finally {
      await r.store.close();
    }
  });
});
