// The support workflow over the real wire: the real service clients against the in-process emulator, the CLI
// in-process on the wall clock. Export on one "machine", import on a fresh database, resume to completion.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/clock.js';
import { main } from '../../src/cli/main.js';
import { DEMO_CREDENTIALS, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { machine, startedMigration } from './emulator-rig.js';

let emulator: Emulator | null = null;
afterEach(async () => {
  await emulator?.close();
  emulator = null;
});

async function run(env: NodeJS.ProcessEnv, dbFile: string, args: string[], actor = 'support@desk') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(['node', 'cutover', '--db', dbFile, ...args], (signal) => ({
    io: { stdout, stderr, stdin: Readable.from([]) },
    env,
    cwd: tmpdir(),
    clock: systemClock,
    signal,
    actor,
  }));
  return { code, stdout: out, stderr: err };
}

describe('against the emulator', () => {
  it('exports without secrets, imports on a fresh database, and resumes to completion there', async () => {
    emulator = await startEmulator({ timeScale: 0.02, delays: { aamPropagationMs: 0, firstRunMs: 0 } });
    const admin = machine(emulator);
    const id = await startedMigration(admin.env, admin.dbFile, emulator);
    const bundle = join(admin.dir, 'bundle.json');
    expect((await run(admin.env, admin.dbFile, ['export', id, '--out', bundle])).code).toBe(0);
    const text = readFileSync(bundle, 'utf8');
    for (const secret of [DEMO_CREDENTIALS.clientSecret, DEMO_CREDENTIALS.jiraToken, 'eca-bearer-emulated-91b2'])
      expect(text).not.toContain(secret);

    const support = machine(emulator);
    expect((await run(support.env, support.dbFile, ['import', bundle])).code).toBe(0);
    const ticket = (
      JSON.parse((await run(support.env, support.dbFile, ['show', id, '--json'])).stdout) as { ticketKey: string }
    ).ticketKey;
    emulator.control.resolveTicket(ticket);
    const resumed = await run(support.env, support.dbFile, ['resume', id, '--follow']);
    expect(resumed.stderr).toContain(`migration ${id} completed`);
    expect(resumed.code).toBe(0);
    const shown = await run(support.env, support.dbFile, ['show', id]);
    expect(shown.stdout).toMatch(/IMPORT .*by support@desk/);
    expect(shown.stdout).toMatch(/effect {6}flow: intent .* created → /);
  });

  it('cancels a migration waiting on its ticket, and refuses a confirm the state does not take', async () => {
    emulator = await startEmulator({ timeScale: 0.02, delays: { aamPropagationMs: 0, firstRunMs: 0 } });
    const admin = machine(emulator);
    const id = await startedMigration(admin.env, admin.dbFile, emulator);
    const early = await run(admin.env, admin.dbFile, [
      'confirm',
      id,
      '--solution',
      'target',
      '--reason',
      'seen in Target',
    ]);
    expect(early.code).toBe(1);
    const cancelled = await run(admin.env, admin.dbFile, ['cancel', id, '--reason', 'org postponed the switch']);
    expect(cancelled.code).toBe(0);
    const rows = JSON.parse((await run(admin.env, admin.dbFile, ['list', '--json'])).stdout) as {
      id: string;
      status: string;
    }[];
    expect(rows).toEqual([expect.objectContaining({ id, status: 'cancelled' })]);
    expect((await run(admin.env, admin.dbFile, ['show', id])).stdout).toMatch(
      /CANCEL .*by support@desk — why: org postponed the switch/,
    );
  });
});
