import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { openStore } from '../../src/adapters/sqlite/store.js';
import type { SupportBundle } from '../../src/cli/support-bundle/bundle.js';
import { VERSION } from '../../src/cli/version.js';
import { MACHINE_VERSION, XSTATE_VERSION } from '../../src/core/machine-types.js';
import type { JournalRow } from '../../src/ports.js';
import { cli, deliverFlows, HOUR, rig, samplePlan, SECRETS, T0, type Rig } from './helpers.js';

vi.mock('../../src/adapters/services.js', () => import('./fake-services.js'));

/** A migration started from the CLI (resume), overridden by an operator, waiting for verification. */
async function migrationWithHistory(r: Rig): Promise<string> {
  const id = await r.engine().create(samplePlan(), 'admin@laptop');
  expect((await cli(r, ['resume', id], 'admin@laptop')).code).toBe(6);
  r.clock.set(T0 + 3 * HOUR);
  expect(
    (
      await cli(r, [
        'set-resolution',
        id,
        '--at',
        '2026-01-05T11:00:00Z',
        '--reason',
        'CC resolved it without a date',
        '--force',
      ])
    ).code,
  ).toBe(6);
  return id;
}

/** The same migration's database, on "another machine": a fresh file, the same clock, env and remote world. */
function otherMachine(r: Rig) {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-cli-other-'));
  return { dir, dbFile: join(dir, 'fresh.db'), clock: r.clock, env: r.env };
}

const content = (rows: JournalRow[]) => rows.map(({ seq: _s, migrationId: _m, ...rest }) => rest);

describe('cutover export', () => {
  it('writes a bundle with the versions, the record, journal and effects, and none of the configured secrets', async () => {
    const r = rig();
    const id = await migrationWithHistory(r);
    const file = join(r.dir, 'bundle.json');
    const run = await cli(r, ['export', id, '--out', file]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`cutover import ${file}`);
    const text = readFileSync(file, 'utf8');
    for (const secret of [SECRETS.jiraToken, SECRETS.clientSecret, SECRETS.destinationToken])
      expect(text).not.toContain(secret);
    const bundle = JSON.parse(text) as SupportBundle;
    expect(bundle).toMatchObject({
      format: 'cutover-support-bundle',
      formatVersion: 1,
      cutoverVersion: VERSION,
      machineVersion: MACHINE_VERSION,
      xstateVersion: XSTATE_VERSION,
      exportedBy: 'support@desk',
    });
    expect(bundle.migration).toMatchObject({ id, state: 'verifying.sleeping', xstateVersion: XSTATE_VERSION });
    expect((bundle.migration.plan as { destination: { tokenEnv: string } }).destination.tokenEnv).toBe('ECA_TOKEN');
    expect(bundle.migration.snapshot).toBeTruthy();
    expect(bundle.journal.map((row) => row.name)).toEqual(
      expect.arrayContaining(['CREATE', 'SET_RESOLUTION', 'mark:legacy_stopped']),
    );
    expect(bundle.effects.map((e) => e.step)).toEqual(expect.arrayContaining(['ticket', 'flow']));
    expect((await cli(r, ['export', id])).stdout).toBe(text);
  });

  it('refuses to write a bundle holding a configured secret, without naming the secret', async () => {
    const r = rig();
    const id = await migrationWithHistory(r);
    await r.store.appendJournal(id, [
      {
        kind: 'operator',
        at: new Date(r.clock.now()).toISOString(),
        name: 'NOTE',
        actor: 'admin',
        reason: `token was ${SECRETS.jiraToken}`,
      },
    ]);
    const file = join(r.dir, 'leak.json');
    const run = await cli(r, ['export', id, '--out', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refusing to export .* a configured secret value appears in \$\.journal\[\d+\]\.reason/);
    expect(run.stderr).not.toContain(SECRETS.jiraToken);
    expect(existsSync(file)).toBe(false);
    expect((await cli(r, ['export', id])).stdout).toBe('');
  });
});

describe('cutover import', () => {
  it('restores a bundle on a fresh database, keeping the journal content, and the migration resumes to completion', async () => {
    const r = rig();
    const id = await migrationWithHistory(r);
    const file = join(r.dir, 'bundle.json');
    await cli(r, ['export', id, '--out', file]);
    const other = otherMachine(r);
    const run = await cli(other, ['import', file], 'support@other-desk');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`cutover resume ${id}`);

    const original = (await r.store.get(id))!;
    const store = openStore(other.dbFile);
    const imported = (await store.get(id))!;
    expect(imported).toEqual(original);
    const journal = await store.journal(id);
    expect(content(journal.slice(0, -1))).toEqual(content(await r.store.journal(id)));
    expect(journal.at(-1)).toMatchObject({ kind: 'operator', name: 'IMPORT', actor: 'support@other-desk' });
    expect(await store.effects(id)).toEqual(await r.store.effects(id));
    await store.close();

    const stop = deliverFlows(r);
    const resumed = await cli(other, ['resume', id, '--follow'], 'support@other-desk');
    stop();
    expect(resumed.code).toBe(0);
    const done = openStore(other.dbFile);
    expect((await done.get(id))?.status).toBe('completed');
    await done.close();
    expect(r.services.world.creates.flow).toBe(1);
  });

  it('refuses an id that already exists (exit 1) and a malformed bundle (exit 2), importing nothing', async () => {
    const r = rig();
    const id = await migrationWithHistory(r);
    const file = join(r.dir, 'bundle.json');
    await cli(r, ['export', id, '--out', file]);
    const again = await cli(r, ['import', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`migration ${id} already exists`);

    const other = otherMachine(r);
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const cases: [string, string, RegExp][] = [
      ['not-json.json', '{"format": ', /not JSON/],
      [
        'wrong-format.json',
        JSON.stringify({ ...bundle, format: 'something-else' }),
        /expected "format": "cutover-support-bundle"/,
      ],
      [
        'no-snapshot.json',
        JSON.stringify({ ...bundle, migration: { ...(bundle.migration as object), snapshot: null } }),
        /migration\.snapshot: expected object, found null/,
      ],
      [
        'bad-journal.json',
        JSON.stringify({ ...bundle, journal: [{ kind: 'gossip', at: 'x', name: 'y' }] }),
        /journal\[0\]\.kind/,
      ],
    ];
    for (const [name, text, message] of cases) {
      const path = join(other.dir, name);
      writeFileSync(path, text);
      const run = await cli(other, ['import', path]);
      expect(run.code, name).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    expect((await cli(other, ['import', join(other.dir, 'missing.json')])).code).toBe(2);
    expect(JSON.parse((await cli(other, ['list', '--json'])).stdout)).toEqual([]);
  });
});
