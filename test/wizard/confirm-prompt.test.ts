// The attended run asks for the manual confirmations its verification waits on, and its waiting line says what
// it waits for: on a real pseudo-terminal (answered at the prompt, or Ctrl-C), and with plain pipes (--yes),
// where the line names the command that a `cutover confirm` from another terminal then answers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { ensureBuilt, goodPlan, runCli, setUp, spawnCli, spawnOnPty, type Env } from './helpers.js';

const ENTER = '\r';

let t: Env;
beforeAll(() => ensureBuilt(), 120_000);
// A fresh emulated org each time: an org allows one destination connection, and each run creates it.
beforeEach(async () => {
  t = await setUp();
});
afterEach(() => t?.emu.close());

async function planWithTarget(name: string): Promise<string> {
  const file = join(t.dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(goodPlan(await t.world(), { solutions: ['audience_manager', 'target'] })));
  return file;
}

async function stored(db: string, id: string) {
  const store = openStore(db);
  try {
    return await store.get(id);
  } finally {
    await store.close();
  }
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function journalOf(db: string, id: string) {
  const store = openStore(db);
  try {
    return await store.journal(id);
  } finally {
    await store.close();
  }
}

describe('the attended run and its manual confirmations', () => {
  it('on a terminal, asks whether Target shows the audiences and confirms with the answer', async () => {
    const db = join(t.dir, 'pty.db');
    const child = spawnOnPty(['--db', db, 'start', '--plan', await planWithTarget('pty')], t.env);
    await child.waitFor(/Create the migration and start\?/);
    child.send(ENTER);
    const waiting = await child.waitFor(/waiting for (CC-\d+) \(status '[^']+'\)/, 30_000);
    await t.control('POST', `/tickets/${waiting[1]}/resolve`, {});
    await child.waitFor(/Does Adobe Target show the audiences\? confirm when checked/, 30_000);
    const id = (await child.waitFor(/Created migration (m-[0-9a-f]+)/))[1]!;
    // The question stays open across the next verification check (verifying alternates checking and sleeping).
    await until('verification sleeps', async () => (await stored(db, id))?.state === 'verifying.sleeping');
    const asked = (await stored(db, id))?.updatedAt;
    await until('verification checked again', async () => (await stored(db, id))?.updatedAt !== asked);
    child.send('y');
    child.send(ENTER);
    const run = await child.exited;
    const output = child.output();
    expect(run.code, output).toBe(0);
    expect(output).toContain('confirmed Target');
    const confirms = (await journalOf(db, id)).filter((row) => row.kind === 'operator' && row.name === 'CONFIRM');
    expect(confirms).toEqual([
      expect.objectContaining({
        kind: 'operator',
        reason: 'checked by hand, confirmed at the prompt of cutover start',
      }),
    ]);
  }, 90_000);

  it('resume on a terminal follows and asks the same question (a migration started without one)', async () => {
    const db = join(t.dir, 'resume.db');
    const first = await runCli(['--db', db, 'start', '--plan', await planWithTarget('resume'), '--yes'], t.env);
    expect(first.code, first.stderr).toBe(6);
    const id = /Created migration (m-[0-9a-f]+)/.exec(first.stderr)![1]!;
    await t.control('POST', `/tickets/${(await stored(db, id))!.ticketKey}/resolve`, {});
    const child = spawnOnPty(['--db', db, 'resume', id], t.env);
    await child.waitFor(/Does Adobe Target show the audiences\? confirm when checked/, 30_000);
    child.send('y');
    child.send(ENTER);
    const run = await child.exited;
    expect(run.code, child.output()).toBe(0);
    const confirms = (await journalOf(db, id)).filter((row) => row.kind === 'operator' && row.name === 'CONFIRM');
    expect(confirms).toEqual([
      expect.objectContaining({ reason: 'checked by hand, confirmed at the prompt of cutover resume' }),
    ]);
  }, 90_000);

  it('Ctrl-C at the confirmation stops the run cleanly and says how to resume (exit 130)', async () => {
    const db = join(t.dir, 'pty-c.db');
    const child = spawnOnPty(['--db', db, 'start', '--plan', await planWithTarget('pty-c')], t.env);
    await child.waitFor(/Create the migration and start\?/);
    child.send(ENTER);
    const waiting = await child.waitFor(/waiting for (CC-\d+)/, 30_000);
    await t.control('POST', `/tickets/${waiting[1]}/resolve`, {});
    await child.waitFor(/Does Adobe Target show the audiences\?/, 30_000);
    child.send('\u0003');
    const run = await child.exited;
    expect(run.code, child.output()).toBe(130);
    expect(child.output()).toMatch(/stopped; nothing is lost\. Resume with: cutover resume m-[0-9a-f]+/);
  }, 90_000);

  it('without a terminal, the waiting line names what verification awaits and the confirm command that answers it', async () => {
    const db = join(t.dir, 'pipes.db');
    const child = spawnCli(['--db', db, 'start', '--plan', await planWithTarget('pipes'), '--yes', '--follow'], t.env);
    const waiting = await child.waitFor(
      /waiting for (CC-\d+) \(status '[^']+'\) · waited \S+ · next check in \d+s/,
      30_000,
    );
    await t.control('POST', `/tickets/${waiting[1]}/resolve`, {});
    const line = await child.waitFor(
      /verifying: awaiting confirmation: Target \((cutover confirm (m-[0-9a-f]+) --solution target --reason "\.\.\.")\) · next check in \d+s/,
      30_000,
    );
    const confirm = await runCli(
      ['--db', db, 'confirm', line[2]!, '--solution', 'target', '--reason', 'seen in Target'],
      t.env,
    );
    expect(confirm.code, confirm.stderr).toBe(0);
    expect(confirm.stderr).toContain(`cutover confirm was taken by the runner driving ${line[2]}`);
    const run = await child.exited;
    expect(run.code, child.output()).toBe(0);
    expect(child.output()).toMatch(/migration m-[0-9a-f]+ completed/);
  }, 90_000);

  it('without a terminal, start --confirm target confirms Target once verification waits on it', async () => {
    const db = join(t.dir, 'flag.db');
    const plan = await planWithTarget('flag');
    const child = spawnCli(['--db', db, 'start', '--plan', plan, '--yes', '--follow', '--confirm', 'target'], t.env);
    const waiting = await child.waitFor(/waiting for (CC-\d+)/, 30_000);
    await t.control('POST', `/tickets/${waiting[1]}/resolve`, {});
    const run = await child.exited;
    expect(run.code, child.output()).toBe(0);
    const id = /migration (m-[0-9a-f]+) completed/.exec(child.output())![1]!;
    const confirms = (await journalOf(db, id)).filter((row) => row.kind === 'operator' && row.name === 'CONFIRM');
    expect(confirms).toEqual([expect.objectContaining({ reason: 'checked by hand (cutover start --confirm)' })]);
    expect(child.output()).toContain('confirmed Target');
  }, 90_000);

  it('refuses --confirm naming a solution that has an API check, before anything is asked (exit 2)', async () => {
    const run = await runCli(
      [
        '--db',
        join(t.dir, 'bad.db'),
        'start',
        '--plan',
        await planWithTarget('bad'),
        '--yes',
        '--confirm',
        'audience_manager',
      ],
      t.env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--confirm: expected solutions without an API check, found "audience_manager"');
  }, 30_000);
});
