// Shared set-up for engine tests: a real SQLite store in a temp folder (or the memory fake), the fake
// services and a fake clock, and a plan the fakes can satisfy.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../src/adapters/fakes/clock.js';
import { fakeServices } from '../../src/adapters/fakes/services.js';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { validatePlan } from '../../src/core/plan.js';
import type { Plan } from '../../src/core/types.js';
import { Engine } from '../../src/engine/engine.js';
import { DEFAULT_SETTINGS } from '../../src/engine/types.js';
import type { Logger, MigrationStore } from '../../src/ports.js';

export const T0 = Date.parse('2026-01-05T09:00:00Z');

export const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function samplePlan(overrides: Record<string, unknown> = {}): Plan {
  const result = validatePlan({
    orgId: 'ABC123@AdobeOrg',
    sandbox: 'prod',
    audiences: ['seg-1', 'seg-2'],
    identities: [{ source: 'ECID', target: 'ECID' }],
    solutions: ['audience_manager'],
    destination: { name: 'Experience Cloud Audiences', description: 'Migrated by cutover' },
    jira: { projectKey: 'CC', issueType: 'Task' },
    polling: { ticketIntervalMs: 60_000, verifyIntervalMs: 30_000, verifyTimeoutMs: 3_600_000, maxAttempts: 3, retryBaseMs: 1000 },
    ...overrides,
  });
  if (!result.plan) throw new Error(JSON.stringify(result.errors));
  return result.plan;
}

export function tempDb(): string {
  return join(mkdtempSync(join(tmpdir(), 'cutover-engine-')), 'state.db');
}

export interface Rig {
  engine: Engine;
  store: MigrationStore;
  clock: FakeClock;
  services: ReturnType<typeof fakeServices>;
  dbFile: string;
}

/** A rig over a database file; pass the same services and file to model a resumed process. */
export function rig(opts: { dbFile?: string; services?: ReturnType<typeof fakeServices>; clock?: FakeClock; store?: MigrationStore; holder?: string } = {}): Rig {
  const dbFile = opts.dbFile ?? tempDb();
  const store = opts.store ?? openStore(dbFile);
  const clock = opts.clock ?? new FakeClock(T0, true);
  const services = opts.services ?? fakeServices();
  services.world.now = () => clock.now();
  const engine = new Engine({
    store,
    services,
    clock,
    logger: quietLogger,
    holder: opts.holder ?? 'tester@test-host:1',
    settings: DEFAULT_SETTINGS,
    env: {},
    isProcessAlive: () => true,
  });
  return { engine, store, clock, services, dbFile };
}

/** Customer Care: resolves the migration's ticket `afterMs` after it was filed. */
export function resolveTicketAfter(r: Rig, afterMs: number): void {
  const timer = setInterval(() => {
    const t = r.services.world.tickets[0];
    if (t && !t.resolved && r.clock.now() >= Date.parse(t.createdAt) + afterMs) r.services.world.resolve(t.key, new Date(Date.parse(t.createdAt) + afterMs).toISOString());
  }, 1);
  timer.unref();
}
