// `cutover plan`: preflight plus every request start would make, with no side effect on any service: the
// emulator's world is unchanged and no write route was called.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldState } from '../../src/emulator/index.js';
import { ensureBuilt, goodPlan, runCli, setUp, type Env } from './helpers.js';

let t: Env;
let base: Record<string, unknown>;
beforeAll(async () => {
  ensureBuilt();
  t = await setUp();
  base = goodPlan(await t.world());
}, 120_000);
afterAll(() => t?.emu.close());

const WRITE_ROUTE = /\.(create|delete|patch|action|add|do)$/;

/** The world without its counters, and the counters of write routes only (reads are expected to grow). */
function split(world: WorldState) {
  const { counters, globalCounters, ...rest } = world;
  const writes = (c: WorldState['counters']) =>
    Object.fromEntries(Object.entries(c.requests).filter(([route]) => WRITE_ROUTE.test(route)));
  return { rest, writes: writes(counters), globalWrites: writes(globalCounters) };
}

function planFile(name: string, plan: Record<string, unknown>): string {
  const file = join(t.dir, name);
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

describe('cutover plan', () => {
  it('shows preflight, the ticket and every write it would make, and makes none', async () => {
    const before = split(await t.world());
    const run = await runCli(['--db', join(t.dir, 'unused.db'), 'plan', '--plan', planFile('plan.json', base)], t.env);
    expect(run.code, run.stderr).toBe(0);
    const after = split(await t.world());
    expect(after.rest).toEqual(before.rest);
    expect(after.writes).toEqual(before.writes);
    expect(after.globalWrites).toEqual(before.globalWrites);
    expect(run.stdout).toMatch(/pass\s+catalogue\.eca_spec/);
    expect(run.stdout).toMatch(/Summary: Deprovision legacy AEP segment sharing/);
    for (const path of [
      '/flowservice/connections',
      '/flowservice/sourceConnections',
      '/flowservice/targetConnections',
      '/rest/api/3/issue',
      '/flowservice/flows',
      '/comment',
    ]) {
      expect(run.stdout).toMatch(new RegExp(`POST http://127\\.0\\.0\\.1:\\d+\\S*${path}\\n`));
    }
    expect(run.stdout).toContain('"PLATFORM_SEGMENT"');
  });

  it('--json gives the checks and the recorded requests, with secrets redacted', async () => {
    const env = { ...t.env, ECA_TOKEN: 'super-secret-bearer-token' };
    const plan = { ...base, destination: { name: 'ECA', tokenEnv: 'ECA_TOKEN' } };
    const run = await runCli(['plan', '--plan', planFile('secret.json', plan), '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as {
      blocked: boolean;
      steps: string[];
      endState: string;
      requests: { step: string; method: string; url: string; body: unknown }[];
    };
    expect(out.blocked).toBe(false);
    expect(out.requests.map((r) => r.step)).toEqual([
      'staging',
      'staging',
      'staging',
      'staging',
      'filing',
      'cutting_over',
      'handoff',
    ]);
    // The machine's own path, rehearsed to its end: no step list is kept by hand anywhere.
    expect(out.steps).toEqual([
      'draft',
      'preflight',
      'staging',
      'filing',
      'awaiting_resolution',
      'cutting_over',
      'verifying',
      'handoff',
      'completed',
    ]);
    expect(out.endState).toBe('completed');
    expect(run.stdout).not.toContain('super-secret-bearer-token');
    expect(run.stdout).not.toContain('p8e-demo-secret');
    expect(JSON.stringify(out.requests[0]!.body)).toContain('REDACTED');
  });

  it('--accept CHECK --reason TEXT downgrades a warning and records it in acceptedChecks', async () => {
    const legacy = base.audiences as string[];
    const narrowed = planFile('narrow.json', { ...base, audiences: legacy.slice(1) });
    const warned = await runCli(['plan', '--plan', narrowed], t.env);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toMatch(/warn\s+legacy\.inventory\s+the plan would stop sharing 1 of/);
    const accepted = await runCli(
      ['plan', '--plan', narrowed, '--accept', 'legacy.inventory', '--reason', 'retired audience', '--json'],
      t.env,
    );
    const out = JSON.parse(accepted.stdout) as {
      plan: { acceptedChecks: { check: string; reason: string }[] };
      checks: { id: string; status: string }[];
    };
    expect(out.plan.acceptedChecks).toMatchObject([{ check: 'legacy.inventory', reason: 'retired audience' }]);
    expect(out.checks.find((c) => c.id === 'legacy.inventory')?.status).toBe('pass');
    expect(accepted.stderr).toContain('accepted legacy.inventory: retired audience');
  });

  it('exits 3 when a check fails, 2 for --accept without --reason', async () => {
    const failing = await runCli(
      ['plan', '--plan', planFile('missing.json', { ...base, audiences: ['no-such-segment'] })],
      t.env,
    );
    expect(failing.code).toBe(3);
    expect(failing.stdout).toMatch(/FAIL\s+audiences\.exist/);
    const unpaired = await runCli(['plan', '--plan', planFile('p2.json', base), '--accept', 'legacy.inventory'], t.env);
    expect(unpaired.code).toBe(2);
    expect(unpaired.stderr).toContain('--accept was given 1 time(s) but --reason 0 time(s)');
  });
});
