// `cutover import` refuses a support bundle whose parts disagree: the built CLI in a child process, as a support
// engineer runs it, on a bundle exported from a real database and then edited by hand.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SupportBundle } from '../../src/cli/support-bundle/bundle.js';
import { MACHINE_VERSION } from '../../src/core/machine-types.js';
import { HOUR, resolveTicket, rig, samplePlan, T0, type Rig } from './helpers.js';

const LAUNCHER = join(resolve(import.meta.dirname, '../..'), 'bin/cutover.cjs');

function cutover(r: Pick<Rig, 'env'>, args: string[]) {
  const env = { ...r.env, PATH: process.env.PATH, USER: 'e2e' };
  const result = spawnSync(process.execPath, [LAUNCHER, ...args], { env, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A migration whose ticket Jira resolved, cut over and waiting on verification, exported to a bundle file. */
async function exported(r: Rig): Promise<{ id: string; text: string }> {
  const id = await r.engine().create(samplePlan(), 'admin@laptop');
  await r.engine().drive(id, { mode: 'until-waiting' });
  r.clock.set(T0 + HOUR);
  await resolveTicket(r, id, new Date(T0 + HOUR - 4_100).toISOString());
  await r.engine().drive(id, { mode: 'until-waiting' });
  await r.store.close();
  const file = join(r.dir, 'bundle.json');
  expect(cutover(r, ['--db', r.dbFile, 'export', id, '--out', file]).code).toBe(0);
  return { id, text: readFileSync(file, 'utf8') };
}

type Edit = (b: SupportBundle) => void;

const EDITS: [string, Edit, RegExp][] = [
  [
    'legacy_stopped.at moved towards the cut-over',
    (b) => {
      const connected = Date.parse(b.migration.marks.connection_established!.at);
      b.migration.marks.legacy_stopped!.at = new Date(connected - 71).toISOString();
    },
    new RegExp(
      'mark legacy_stopped: the record says \\S+ \\(jira\\.resolutiondate\\), ' +
        "the journal's mark:legacy_stopped observation says \\S+ \\(jira\\.resolutiondate\\)",
    ),
  ],
  [
    'the plan of another org',
    (b) => {
      (b.migration.plan as { orgId: string }).orgId = 'OTHER999@AdobeOrg';
    },
    /org id: the record says ABC123@AdobeOrg, its plan says OTHER999@AdobeOrg/,
  ],
  [
    'record and plan moved to another org, the snapshot not',
    (b) => {
      b.migration.orgId = 'OTHER999@AdobeOrg';
      (b.migration.plan as { orgId: string }).orgId = 'OTHER999@AdobeOrg';
    },
    /org id: the record says OTHER999@AdobeOrg, the snapshot's plan says ABC123@AdobeOrg/,
  ],
  [
    'a machine version newer than the exporting tool',
    (b) => {
      b.migration.machineVersion = '7';
    },
    new RegExp(
      `machine version: the record says 7, but the snapshot was exported by machine version ${MACHINE_VERSION}`,
    ),
  ],
  [
    'a journal row of another migration',
    (b) => {
      b.journal[2]!.migrationId = 'm-other';
    },
    /journal\[2\] belongs to migration m-other/,
  ],
  ['journal rows out of sequence', (b) => void b.journal.reverse(), /journal\[1\]: seq \d+ does not follow \d+/],
];

describe('cutover import of an edited bundle', () => {
  it.each(EDITS)('refuses %s (exit 2, naming what disagrees), importing nothing', async (_name, edit, message) => {
    const r = rig();
    const { text } = await exported(r);
    const bundle = JSON.parse(text) as SupportBundle;
    edit(bundle);
    const file = join(r.dir, 'edited.json');
    writeFileSync(file, JSON.stringify(bundle, null, 2));
    const fresh = join(r.dir, 'fresh.db');
    const run = cutover(r, ['--db', fresh, 'import', file]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('nothing was imported');
    expect(JSON.parse(cutover(r, ['--db', fresh, 'list', '--json']).stdout)).toEqual([]);
  });

  it('imports the same bundle unedited, with its downtime as measured', async () => {
    const r = rig();
    const { id, text } = await exported(r);
    const file = join(r.dir, 'bundle.json');
    writeFileSync(file, text);
    const fresh = join(r.dir, 'fresh.db');
    const run = cutover(r, ['--db', fresh, 'import', file]);
    expect(run.code, run.stderr).toBe(0);
    type Shown = { downtime: { window: { ms: number } } };
    const shown = JSON.parse(cutover(r, ['--db', fresh, 'show', id, '--json']).stdout) as Shown;
    expect(shown.downtime.window.ms).toBeGreaterThanOrEqual(4_100);
  });
});
