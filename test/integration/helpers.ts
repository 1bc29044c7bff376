// An engine wired to the real HTTP clients, talking to the emulator over real sockets, over a real SQLite
// file: the closest this machine gets to production.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/adapters/clock.js';
import { createServices } from '../../src/adapters/services.js';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { validateConfig } from '../../src/core/config.js';
import { validatePlan } from '../../src/core/plan.js';
import type { Plan } from '../../src/core/types.js';
import { Engine } from '../../src/engine/engine.js';
import { DEFAULT_SETTINGS } from '../../src/engine/types.js';
import {
  DEMO_CREDENTIALS,
  emulatorEnv,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
} from '../../src/emulator/index.js';
import type { Logger, MigrationStore } from '../../src/ports.js';

export const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A plan for an emulated org, with polling fast enough for tests (below what a plan file may ask for). */
export function emulatorPlan(emulator: Emulator, orgId: string = DEMO_CREDENTIALS.orgId): Plan {
  const world = emulator.world(orgId);
  const audiences = world.aam.legacySegments.map((s) => s.integrationCode).filter((c): c is string => Boolean(c));
  const { plan, errors } = validatePlan({
    orgId,
    audiences,
    identities: [{ source: 'ECID', target: 'ECID' }],
    solutions: ['audience_manager'],
    destination: { name: 'Experience Cloud Audiences', description: 'integration test' },
    jira: { projectKey: 'CC', issueType: 'Task' },
  });
  if (!plan) throw new Error(JSON.stringify(errors));
  plan.polling = {
    ticketIntervalMs: 300,
    verifyIntervalMs: 300,
    verifyTimeoutMs: 60_000,
    maxAttempts: 10,
    retryBaseMs: 100,
  };
  return plan;
}

export interface EmulatorRig {
  emulator: Emulator;
  engine: Engine;
  /** The engine's store: a test reads what the runner wrote, as another process would. */
  store: MigrationStore;
  dbFile: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function emulatorRig(
  options: EmulatorOptions = {},
  dbFile = join(mkdtempSync(join(tmpdir(), 'cutover-int-')), 'state.db'),
): Promise<EmulatorRig> {
  const emulator = await startEmulator({ port: 0, ...options });
  const env = emulatorEnv(emulator.url);
  const { config, errors } = validateConfig({ ...env, CUTOVER_HTTP_TIMEOUT_MS: '2000' });
  if (errors.length > 0) throw new Error(errors.join('; '));
  const services = createServices(config, { logger: silent, retryBaseMs: 20, retryCapMs: 200 });
  const store = openStore(dbFile);
  const engine = new Engine({
    store,
    services,
    clock: systemClock,
    logger: silent,
    holder: 'integration@test:1',
    settings: DEFAULT_SETTINGS,
    env: {},
  });
  return {
    emulator,
    engine,
    store,
    dbFile,
    env,
    close: async () => {
      await store.close();
      await emulator.close();
    },
  };
}

/** Customer Care: resolves the migration's ticket once it exists, after `afterMs`. */
export function resolveWhenFiled(emulator: Emulator, afterMs: number, orgId = DEMO_CREDENTIALS.orgId): () => void {
  let done = false;
  const timer = setInterval(() => {
    const ticket = emulator.world(orgId).tickets[0];
    if (!ticket || done) return;
    done = true;
    setTimeout(() => emulator.control.resolveTicket(ticket.key), afterMs);
  }, 50);
  return () => clearInterval(timer);
}
