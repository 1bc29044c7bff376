// Small conventions of the data commands, through the spawned CLI against the emulator: after Ctrl-C the printed
// command really continues; `resume` follows by default on a terminal (--no-follow returns at the first wait,
// pipes keep returning at once); --json on start, resume and export; the actor and lease holder name the OS
// account when $USER is unset (these helpers' environment has no USER or LOGNAME).
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, goodPlan, runCli, setUp, spawnCli, spawnOnPty, type Env } from './helpers.js';

let t: Env;
beforeAll(async () => {
  ensureBuilt();
  t = await setUp();
}, 120_000);
afterAll(() => t?.emu.close());

const account = `${userInfo().username}@${hostname()}`;

interface DriveJson {
  id: string;
  status: string;
  state: string;
  exitCode: number;
  db: string;
  ticket: string | null;
}

/** start --follow --json, interrupted once it waits for the ticket: the migration id and ticket key. */
async function startAndInterrupt(): Promise<{ id: string; ticket: string }> {
  const file = join(t.dir, 'plan.json');
  writeFileSync(file, JSON.stringify(goodPlan(await t.world())));
  const child = spawnCli(['--db', t.db, 'start', '--plan', file, '--yes', '--follow', '--json'], t.env);
  await child.waitFor(/waiting for CC-\d+/, 30_000);
  child.kill('SIGINT');
  const run = await child.exited;
  expect(run.code, run.stderr).toBe(130);
  const out = JSON.parse(run.stdout) as DriveJson;
  const ticket = expect.stringMatching(/^CC-\d+$/);
  expect(out).toMatchObject({ status: 'interrupted', exitCode: 130, db: t.db, ticket });
  expect(run.stderr).toContain(`stopped; nothing is lost. Resume with: cutover resume ${out.id} --follow`);
  return { id: out.id, ticket: out.ticket! };
}

describe('resume after Ctrl-C, --json on start, resume and export, the OS account as actor', () => {
  it('continues with the printed command, follows on a terminal, and prints each outcome as JSON', async () => {
    const { id, ticket } = await startAndInterrupt();

    // Without a terminal, plain resume returns at the first wait, as before (exit 6), here with --json.
    const piped = await runCli(['--db', t.db, 'resume', id, '--json'], t.env);
    expect(piped.code, piped.stderr).toBe(6);
    expect(JSON.parse(piped.stdout)).toMatchObject({ id, status: 'waiting', exitCode: 6, ticket });
    expect(piped.stderr).toContain(`continue with: cutover resume ${id} --follow`);

    // On a terminal --no-follow does the same; plain resume follows until the migration is done.
    const noFollow = await spawnOnPty(['--db', t.db, 'resume', id, '--no-follow'], t.env).exited;
    expect(noFollow.code, noFollow.stdout).toBe(6);
    const follow = spawnOnPty(['--db', t.db, 'resume', id], t.env);
    await follow.waitFor(new RegExp(`waiting for ${ticket}`), 30_000);
    const show = await runCli(['--db', t.db, 'show', id, '--json'], t.env);
    const shown = JSON.parse(show.stdout) as { lock: { holder: string } | null };
    expect(shown.lock?.holder).toMatch(new RegExp(`^${account}:\\d+$`));
    await t.control('POST', `/tickets/${ticket}/resolve`, {});
    const done = await follow.exited;
    expect(done.code, follow.output()).toBe(0);
    expect(follow.output()).toMatch(/completed/);
    expect((await t.world()).flows).toHaveLength(1);

    const bundle = join(t.dir, 'bundle.json');
    const exported = await runCli(['--db', t.db, 'export', id, '--out', bundle, '--json'], t.env);
    expect(exported.code, exported.stderr).toBe(0);
    const sha256 = createHash('sha256').update(readFileSync(bundle)).digest('hex');
    const bytes = statSync(bundle).size;
    expect(JSON.parse(exported.stdout)).toEqual({ id, path: bundle, bytes, sha256, exportedAt: expect.any(String) });
    expect(JSON.parse(readFileSync(bundle, 'utf8'))).toMatchObject({ exportedBy: account });
    const toStdout = await runCli(['--db', t.db, 'export', id, '--json'], t.env);
    const printed = JSON.parse(toStdout.stdout) as unknown;
    expect(printed).toMatchObject({ exportedBy: account, migration: expect.objectContaining({ id }) });
  }, 120_000);
});
