// Ctrl-C while waiting for the ticket (a real SIGINT to the spawned CLI): exit 130 with the resume command;
// then the ticket resolves and `cutover resume <id> --follow` completes the migration.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, goodPlan, runCli, setUp, spawnCli, type Env } from './helpers.js';

let t: Env;
beforeAll(async () => {
  ensureBuilt();
  t = await setUp();
}, 120_000);
afterAll(() => t?.emu.close());

describe('interrupting cutover start --plan F --yes --follow', () => {
  it('persists on SIGINT (exit 130), and resume --follow finishes the migration', async () => {
    const file = join(t.dir, 'plan.json');
    writeFileSync(file, JSON.stringify(goodPlan(await t.world())));
    const child = spawnCli(['--db', t.db, 'start', '--plan', file, '--yes', '--follow'], t.env);
    const waiting = await child.waitFor(/waiting for (CC-\d+) \(/, 30_000);
    child.kill('SIGINT');
    const first = await child.exited;
    expect(first.code, first.stderr).toBe(130);
    const resume = first.stderr.match(/cutover resume (m-[0-9a-f]+)/);
    expect(resume, first.stderr).not.toBeNull();
    expect((await t.world()).flows).toHaveLength(0);

    await t.control('POST', `/tickets/${waiting[1]}/resolve`, {});
    const second = await runCli(['--db', t.db, 'resume', resume![1]!, '--follow'], t.env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/completed/);
    const world = await t.world();
    expect(world.flows).toHaveLength(1);
    expect(world.tickets).toHaveLength(1);
  }, 60_000);
});
