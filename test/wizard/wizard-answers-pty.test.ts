// The wizard never throws answers away (issue 13, item 7), through the spawned CLI on a real pseudo-terminal:
// a wrong answer is re-asked at its question with the plan's own rule, an unwritable --plan-out is refused before
// the first question, the answers so far are kept in a draft that `start --plan DRAFT` continues after Ctrl-C,
// and a space in the audience search is part of the search.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, ensureBuilt, runCli, setUp, spawnOnPty, type Child, type Env } from './helpers.js';

const ENTER = '\r';
const CTRL_C = '\u0003';
const BACKSPACE = '\u007f';

let t: Env;
beforeAll(async () => {
  ensureBuilt();
  t = await setUp();
}, 120_000);
afterAll(() => t?.emu.close());

/** The questions before the audiences, each taking its default. */
async function upToAudiences(child: Child): Promise<void> {
  await answer(child, /IMS organisation id/, ENTER);
  await answer(child, /Sandbox/, ENTER);
  await answer(child, /Which solutions must see the audiences\?/, ENTER);
}

/** From the audiences to the Jira project key, defaults throughout. */
async function upToProjectKey(child: Child): Promise<void> {
  await answer(child, /Audiences to share/, ENTER);
  await answer(child, /Identities to map/, ENTER);
  await answer(child, /The Jira deprovisioning ticket/, ENTER);
}

/** After the project key: issue type, licence, name, then create and return once the ticket is filed. */
async function toTheEnd(child: Child): Promise<void> {
  await answer(child, /Issue type/, ENTER);
  await answer(child, /data-management use cases\?/, ENTER);
  await answer(child, /Name of the new destination connection/, ENTER);
  await answer(child, /Create the migration and start\?/, ENTER);
}

const draftOf = (env: Env, world: { orgId: string }) => join(env.dir, 'drafts', `${world.orgId}.plan.json`);

/** A world of its own, for a test that creates a migration (and so a destination connection). */
async function withOwnWorld(test: (env: Env) => Promise<void>): Promise<void> {
  const env = await setUp();
  try {
    await test(env);
  } finally {
    await env.emu.close();
  }
}

describe('the wizard keeps every answer', () => {
  it(
    're-asks a project key the plan would refuse ("cc"), then takes "CC" and the run goes on',
    () =>
      withOwnWorld(async (t) => {
        const child = spawnOnPty(['--db', t.db, 'start', '--no-follow'], t.env);
        await upToAudiences(child);
        await upToProjectKey(child);
        await answer(child, /Jira project key/, ['cc', ENTER]);
        await child.waitFor(
          /jira\.projectKey must be a Jira project key: 2-10 characters, an upper-case letter[^\n]*found "cc"/,
        );
        child.send(`${BACKSPACE}${BACKSPACE}`);
        await answer(child, /Jira project key[^\n]*$/, ['CC', ENTER]);
        await toTheEnd(child);
        const run = await child.exited;
        expect(run.code, child.output()).toBe(6);
        expect(child.output()).not.toMatch(/do not make a valid plan/);
        const world = await t.world();
        expect(world.tickets.map((ticket) => ticket.key)).toEqual([expect.stringMatching(/^CC-\d+$/)]);
        expect(existsSync(draftOf(t, world)), 'the draft is removed once the migration exists').toBe(false);
      }),
    90_000,
  );

  it(
    'after Ctrl-C the answers are in a 0600 draft, and start --plan DRAFT asks only the rest',
    () =>
      withOwnWorld(async (t) => {
        const world = await t.world();
        const first = spawnOnPty(['--db', t.db, 'start', '--no-follow'], t.env);
        await upToAudiences(first);
        await answer(first, /Audiences to share/, ENTER);
        await answer(first, /Identities to map/, CTRL_C);
        const stopped = await first.exited;
        const file = draftOf(t, world);
        expect(stopped.code, first.output()).toBe(130);
        expect(first.output().replace(/\n/g, '')).toContain(
          `your answers are kept in ${file}; continue with: cutover start --plan ${file}`,
        );
        expect(statSync(file).mode & 0o777).toBe(0o600);
        const kept = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        expect(kept).toMatchObject({ orgId: world.orgId, sandbox: 'prod', solutions: ['audience_manager'] });
        expect(kept.audiences).toHaveLength(world.aam.legacySegments.length);

        const unattended = await runCli(['--db', t.db, 'start', '--plan', file, '--yes'], t.env);
        expect(unattended.code, unattended.stderr).toBe(2);
        expect(unattended.stderr).toMatch(
          /nothing was created\. No answer yet for: destination, jira\nhint: run cutover start --plan \S+ on a terminal to answer only those/,
        );

        const second = spawnOnPty(['--db', t.db, 'start', '--plan', file, '--no-follow'], t.env);
        await second.waitFor(/Audiences to share[^\n]*\(kept\)/);
        await answer(second, /Identities to map/, ENTER);
        await answer(second, /The Jira deprovisioning ticket/, ENTER);
        await answer(second, /Jira project key/, ['CC', ENTER]);
        await toTheEnd(second);
        const run = await second.exited;
        expect(run.code, second.output()).toBe(6);
        expect(second.output()).toMatch(/IMS organisation id \S+@AdobeOrg {2}\(kept\)/);
        expect(second.output()).not.toMatch(/\? IMS organisation id|\? Sandbox|\? Which solutions/);
        expect(existsSync(file)).toBe(false);
      }),
    90_000,
  );

  it.each([
    [
      'whose parent is a regular file',
      (dir: string) => {
        writeFileSync(join(dir, 'a-file'), '');
        return join(dir, 'a-file', 'plan.json');
      },
      /is not a folder/,
    ],
    [
      'in a folder that does not exist',
      (dir: string) => join(dir, 'no-such-folder', 'plan.json'),
      /the folder \S+ does not exist/,
    ],
  ])(
    'refuses a --plan-out %s before the first question (exit 2)',
    async (_what, path, why) => {
      const file = path(t.dir);
      const child = spawnOnPty(['--db', t.db, 'start', '--plan-out', file], t.env);
      const run = await child.exited;
      expect(run.code, child.output()).toBe(2);
      expect(child.output()).toContain(`--plan-out ${file}`);
      expect(child.output()).toMatch(why);
      expect(child.output()).not.toMatch(/Checking credentials|IMS organisation id/);
    },
    30_000,
  );

  it('refuses --poll-every 5.5 before anything is asked or read (exit 2, naming the flag)', async () => {
    const run = await runCli(['--db', t.db, 'start', '--poll-every', '5.5', '--yes'], t.env);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('--poll-every "5.5": expected whole seconds from 5 to 86400');
    expect(run.stderr).not.toMatch(/Checking credentials/);
  });

  it('a space in the audience search is part of the search; tab toggles; one dropped audience is "1 legacy audience"', async () => {
    const world = await t.world();
    const legacy = new Set(world.aam.legacySegments.map((s) => s.integrationCode));
    const spaced = world.audiences.find((a) => legacy.has(a.id) && a.name.includes(' '))!;
    const query = spaced.name.slice(0, spaced.name.indexOf(' ') + 2);
    const child = spawnOnPty(['--db', t.db, 'start', '--no-follow'], t.env);
    await upToAudiences(child);
    await answer(child, /Audiences to share/, [...query]);
    await child.waitFor(new RegExp(`search "${query}": 1 of \\d+ shown · ↑↓ move · tab select`));
    child.send('\t');
    await answer(child, /◯ [^\n]*\[legacy\]/, ENTER);
    await child.waitFor(new RegExp(`1 legacy audience would stop flowing: ${spaced.name} \\(${spaced.id}\\)`));
    await answer(child, /Identities to map/, CTRL_C);
    expect((await child.exited).code).toBe(130);
  }, 60_000);
});
