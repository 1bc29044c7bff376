// A torn write-ahead log: a copy of the database taken mid-run (its -wal still holding the latest
// transitions, as after a power cut), with the -wal cut in the middle of a frame. SQLite must ignore the
// torn tail, the file must pass integrity_check, and the migration must resume to exactly one of everything.
import { spawnSync } from 'node:child_process';
import { copyFileSync, statSync, truncateSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/clock.js';
import { createServices } from '../../src/adapters/services.js';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { validateConfig } from '../../src/core/config.js';
import { Engine } from '../../src/engine/engine.js';
import { DEFAULT_SETTINGS } from '../../src/engine/types.js';
import { silent } from '../integration/helpers.js';
import { describeRun } from './harness/cli.js';
import { recordFigure } from './harness/figures.js';
import { createMigration, customerCare, resumeUntilDone, startRig, type Rig } from './harness/rig.js';
import { expectCompleted, integrityCheck, readRecord } from './harness/world.js';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const WAL_HEADER = 32;
const FRAME = 24 + 4096; // frame header + one page (SQLite's default page size)

/** The copy keeps the lease of the runner that "lost power": a pid on this host that has exited. */
function deadHolder(): string {
  return `reliability@${hostname()}:${spawnSync('true').pid}`;
}

/** Drives the migration in-process until it waits on the ticket, and copies db + -wal while still open. */
async function crashImage(r: Rig, id: string, copy: string): Promise<void> {
  const { config } = validateConfig(r.env);
  const store = openStore(r.db);
  const services = createServices(config, { logger: silent });
  const engine = new Engine({
    store,
    services,
    clock: systemClock,
    logger: silent,
    holder: deadHolder(),
    settings: DEFAULT_SETTINGS,
    env: {},
  });
  await engine.drive(id, { mode: 'until-waiting' });
  copyFileSync(r.db, copy);
  copyFileSync(`${r.db}-wal`, `${copy}-wal`);
  await store.close();
}

/** Moves the created migration into the main file, so only the later transitions live in the -wal. */
function checkpoint(db: string): void {
  const conn = new Database(db);
  conn.pragma('wal_checkpoint(TRUNCATE)');
  conn.close();
}

describe('a -wal torn mid-frame', () => {
  it('opens, passes integrity_check, and the migration resumes to completion', async () => {
    rig = await startRig();
    const id = await createMigration(rig);
    checkpoint(rig.db);
    const copy = join(rig.dir, 'copy.db');
    await crashImage(rig, id, copy);
    const frames = Math.floor((statSync(`${copy}-wal`).size - WAL_HEADER) / FRAME);
    expect(frames, 'the drive left transitions in the -wal').toBeGreaterThan(2);
    const kept = Math.floor(frames / 2);
    truncateSync(`${copy}-wal`, WAL_HEADER + kept * FRAME + 1000);

    const before = await readRecord(copy, id);
    expect(integrityCheck(copy)).toBe('ok');
    recordFigure('wal', { frames, kept, stateAfterTear: before.record.state, journalRows: before.journal });
    const stop = customerCare(rig.emulator);
    const runs = await resumeUntilDone(rig, id, {}, 2, copy).finally(stop);
    expect(runs.at(-1)!.code, runs.map(describeRun).join('\n')).toBe(0);
    await expectCompleted(rig.emulator, copy, id);
    expect(integrityCheck(copy)).toBe('ok');
  });
});
