// A support engineer's machine against the in-process emulator: its own folder, database and environment, and
// a migration started there by the real engine over the real service clients, left waiting on its ticket.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { systemClock } from '../../src/adapters/clock.js';
import { loadConfig } from '../../src/adapters/config-load.js';
import { createServices } from '../../src/adapters/services.js';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { DEMO_CREDENTIALS, emulatorEnv, type Emulator } from '../../src/emulator/index.js';
import { Engine } from '../../src/engine/engine.js';
import { DEFAULT_SETTINGS } from '../../src/engine/types.js';
import { quietLogger, samplePlan } from './helpers.js';

// The plan's shortest polling intervals, so that a real-clock drive finishes within a test.
export const FAST_POLLING = {
  ticketIntervalMs: 5_000,
  verifyIntervalMs: 5_000,
  verifyTimeoutMs: 3_600_000,
  maxAttempts: 3,
  retryBaseMs: 100,
};

export interface Machine {
  dir: string;
  env: NodeJS.ProcessEnv;
  dbFile: string;
}

export function machine(emu: Emulator): Machine {
  const dir = mkdtempSync(join(tmpdir(), 'cutover-cli-emu-'));
  const env: NodeJS.ProcessEnv = {
    ...emulatorEnv(emu.url),
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    ECA_TOKEN: 'eca-bearer-emulated-91b2',
  };
  return { dir, env, dbFile: join(dir, 'state.db') };
}

/** A migration started by the admin's machine against the emulator, left waiting on its ticket. */
export async function startedMigration(env: NodeJS.ProcessEnv, dbFile: string, emu: Emulator): Promise<string> {
  const config = loadConfig({ env });
  expect(config.errors).toEqual([]);
  const store = openStore(dbFile);
  const services = createServices(config.config, { logger: quietLogger, clock: systemClock });
  const engine = new Engine({
    store,
    services,
    clock: systemClock,
    logger: quietLogger,
    holder: 'admin@laptop:1',
    settings: DEFAULT_SETTINGS,
    env,
  });
  const audiences = emu
    .world()
    .audiences.slice(0, 2)
    .map((a) => a.id);
  const plan = samplePlan({
    orgId: DEMO_CREDENTIALS.orgId,
    audiences,
    destination: { name: 'ECA', description: 'migrated', tokenEnv: 'ECA_TOKEN' },
    polling: FAST_POLLING,
  });
  const id = await engine.create(plan, 'admin@laptop');
  const result = await engine.drive(id, { mode: 'until-waiting' });
  expect(result.state).toBe('awaiting_resolution.sleeping');
  await store.close();
  return id;
}
