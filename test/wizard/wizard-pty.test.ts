// End to end through a real pseudo-terminal: the interactive wizard from its first prompt to a completed
// migration against the emulator, answering each prompt with keystrokes as it appears.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, ensureBuilt, setUp, spawnOnPty, type Env } from './helpers.js';

const ENTER = '\r';
const DOWN = '\u001b[B';

let t: Env;
beforeAll(async () => {
  ensureBuilt();
  t = await setUp();
}, 120_000);
afterAll(() => t?.emu.close());

describe('cutover start (interactive, on a terminal)', () => {
  it('asks every question, then files, waits, cuts over and verifies', async () => {
    const world = await t.world();
    const legacy = new Set(world.aam.legacySegments.map((s) => s.integrationCode));
    const extra = world.audiences.find((a) => !legacy.has(a.id));
    const child = spawnOnPty(
      ['--db', t.db, 'start', '--poll-every', '5', '--plan-out', `${t.dir}/answers.json`],
      t.env,
    );

    await answer(child, /Adobe IMS token: token issued[\s\S]*IMS organisation id/, ENTER);
    await answer(child, /Sandbox/, ENTER);
    await answer(child, /Which solutions must see the audiences\?/, ENTER);
    // The searchable checkbox: legacy audiences preselected; search for one more and add it (tab toggles).
    const search = extra ? [...extra.id.slice(0, 8)].concat(['\t', ENTER]) : [ENTER];
    await answer(child, /Audiences to share \(\d+ in the sandbox; \d+ shared by the legacy pipe today/, search);
    await answer(child, /Identities to map/, [DOWN, ENTER]);
    await answer(child, /The Jira deprovisioning ticket/, ENTER);
    await answer(child, /Jira project key/, ['CC', ENTER]);
    await answer(child, /Issue type/, ENTER);
    await answer(child, /Ticket preview[\s\S]*data-management use cases\?/, ENTER);
    await answer(child, /Name of the new destination connection/, ENTER);
    await answer(child, /Create the migration and start\?/, ENTER);

    const waiting = await child.waitFor(/waiting for (CC-\d+)/, 30_000);
    await t.control('POST', `/tickets/${waiting[1]}/resolve`, {});
    const run = await child.exited;
    const output = child.output();
    if (process.env.CUTOVER_TRANSCRIPT) writeFileSync(process.env.CUTOVER_TRANSCRIPT, output); // docs/guide.md is written from this

    expect(run.code, output).toBe(0);
    expect(output).toContain('Identities to map');
    expect(output).toMatch(/not supported by the live destination spec/);
    expect(output).toMatch(/Known limitations/);
    for (const mark of [
      'ticket filed',
      'legacy stopped',
      'resolution detected',
      'connection established',
      'first data',
    ])
      expect(output).toContain(mark);
    expect(output).toMatch(/migration m-[0-9a-f]+ completed/);
    const after = await t.world();
    expect(after.flows).toHaveLength(1);
    expect(new Set(after.flows[0]!.segmentIds)).toEqual(new Set([...legacy, ...(extra ? [extra.id] : [])]));
    expect(after.legacySharing.enabled).toBe(false);
  }, 90_000);
});
