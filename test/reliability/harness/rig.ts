// One emulator in the test process (its world survives a child's SIGKILL), one temporary SQLite file, one
// empty 0600 config file, and a migration created in-process so the CLI children only ever resume it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../src/adapters/clock.js';
import { openStore } from '../../../src/adapters/sqlite/store.js';
import type { Plan } from '../../../src/core/types.js';
import type { MigrationStore } from '../../../src/ports.js';
import { Engine } from '../../../src/engine/engine.js';
import { DEFAULT_SETTINGS, type Services } from '../../../src/engine/types.js';
import {
  DEMO_CREDENTIALS,
  emulatorEnv,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
} from '../../../src/emulator/index.js';
import { emulatorPlan, silent } from '../../integration/helpers.js';
import { runCli, type CliOptions, type CliRun } from './cli.js';

export interface Rig {
  emulator: Emulator;
  dir: string;
  db: string;
  /** The environment every child gets: emulator URLs and credentials, the empty config file. */
  env: Record<string, string>;
  /** Runs the CLI against the rig's database (or `options.db`). */
  cli(
    args: string[],
    extra?: Record<string, string>,
    options?: Omit<CliOptions, 'env'> & { db?: string },
  ): Promise<CliRun>;
  close(): Promise<void>;
}

export async function startRig(options: EmulatorOptions = {}, extraEnv: Record<string, string> = {}): Promise<Rig> {
  const emulator = await startEmulator({ port: 0, ...options });
  const dir = mkdtempSync(join(tmpdir(), 'cutover-rel-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, '{}', { mode: 0o600 });
  const db = join(dir, 'state.db');
  // A low HTTP timeout so an injected hang costs seconds, not the default 30 s.
  const env = {
    ...emulatorEnv(emulator.url),
    CUTOVER_CONFIG: config,
    CUTOVER_HTTP_TIMEOUT_MS: '1500',
    HOME: dir,
    ...extraEnv,
  };
  return {
    emulator,
    dir,
    db,
    env,
    cli: (args, extra = {}, opts = {}) =>
      runCli([...args, '--db', opts.db ?? db], { ...opts, env: { ...env, ...extra } }),
    close: () => emulator.close(),
  };
}

/** An engine that only creates migrations (no services): the workers under test drive them. */
export function creatorEngine(store: MigrationStore): Engine {
  return new Engine({
    store,
    services: {} as Services,
    clock: systemClock,
    logger: silent,
    holder: 'reliability@test:0',
    settings: DEFAULT_SETTINGS,
    env: {},
  });
}

/** Engine.create over the rig's file, then the store is closed: the children find a draft to resume. */
export async function createMigration(rig: Rig, tweak: (plan: Plan) => void = () => {}, db = rig.db): Promise<string> {
  const plan = emulatorPlan(rig.emulator);
  tweak(plan);
  const store = openStore(db);
  try {
    return await creatorEngine(store).create(plan, 'reliability');
  } finally {
    await store.close();
  }
}

/** Customer Care: resolves every ticket of the demo org shortly after it is filed. Returns the stop. */
export function customerCare(emulator: Emulator, afterMs = 150): () => void {
  const seen = new Set<string>();
  const timer = setInterval(() => {
    for (const ticket of emulator.world(DEMO_CREDENTIALS.orgId).tickets) {
      if (seen.has(ticket.key)) continue;
      seen.add(ticket.key);
      setTimeout(() => emulator.control.resolveTicket(ticket.key), afterMs);
    }
  }, 50);
  return () => clearInterval(timer);
}

/** Resumes until the CLI exits 0 (each kill leaves one more attempt to make); returns every run. */
export async function resumeUntilDone(
  rig: Rig,
  id: string,
  extra: Record<string, string> = {},
  attempts = 4,
  db = rig.db,
): Promise<CliRun[]> {
  const runs: CliRun[] = [];
  for (let i = 0; i < attempts; i++) {
    const run = await rig.cli(['resume', id, '--follow'], extra, { db });
    runs.push(run);
    if (run.code === 0) break;
  }
  return runs;
}
