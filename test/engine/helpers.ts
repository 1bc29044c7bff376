// Shared set-up for engine tests: a real SQLite store in a temp folder (or the memory fake), the fake
// services and a fake clock, and a plan the fakes can satisfy.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../support/fakes/clock.js';
import { fakeServices, NEW_DATA_SOURCE } from '../support/fakes/services.js';
import type { FakeWorld } from '../support/fakes/services.js';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { validatePlan } from '../../src/core/plan.js';
import type { MigrationContext } from '../../src/core/machine-types.js';
import type { Plan } from '../../src/core/types.js';
import { ServiceError } from '../../src/errors.js';
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
    polling: {
      ticketIntervalMs: 60_000,
      verifyIntervalMs: 30_000,
      verifyTimeoutMs: 3_600_000,
      maxAttempts: 3,
      retryBaseMs: 1000,
    },
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
export function rig(
  opts: {
    dbFile?: string;
    services?: ReturnType<typeof fakeServices>;
    clock?: FakeClock;
    store?: MigrationStore;
    holder?: string;
    isProcessAlive?: (pid: number) => boolean;
  } = {},
): Rig {
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
    isProcessAlive: opts.isProcessAlive ?? (() => true),
  });
  return { engine, store, clock, services, dbFile };
}

/** Customer Care: resolves the migration's ticket `afterMs` after it was filed. */
export function resolveTicketAfter(r: Rig, afterMs: number): void {
  const timer = setInterval(() => {
    const t = r.services.world.tickets[0];
    if (t && !t.resolved && r.clock.now() >= Date.parse(t.createdAt) + afterMs)
      r.services.world.resolve(t.key, new Date(Date.parse(t.createdAt) + afterMs).toISOString());
  }, 1);
  timer.unref();
}

// ---------------------------------------------------------------------------------------------- shared by the
// persistence tests (model, crash, deadline, lease)

/** Fixed instants the fake world reports, so that runs taking different routes end with comparable marks. */
// Half a minute after the ticket is filed (T0) and before the next poll: a resolution later than the poll that
// reports it (beyond the clock-skew tolerance) is implausible and parks the migration (core/resolution.ts).
export const RESOLVED_AT = '2026-01-05T09:00:30.000Z';
export const SEEN_AT = '2026-01-05T12:30:00.000Z';

/** A vendor error as the HTTP adapters raise it: 503 is retryable, 400 is not. */
export function vendorError(retryable: boolean): ServiceError {
  return retryable
    ? new ServiceError(
        'aep',
        'POST',
        'https://platform.adobe.io/data/foundation/flowservice/x',
        503,
        undefined,
        'Service Unavailable',
        true,
      )
    : new ServiceError(
        'aep',
        'POST',
        'https://platform.adobe.io/data/foundation/flowservice/x',
        400,
        'BAD-1',
        'Bad Request',
        false,
      );
}

/** Customer Care closes the migration's ticket (if filed and still open) with a known resolution date. */
export function resolveTicket(world: FakeWorld, at = RESOLVED_AT): void {
  for (const t of world.tickets) if (!t.resolved || !t.resolutionDate) world.resolve(t.key, at);
}

/** Audience Manager has received every planned audience in the new data source at a fixed instant. */
export function deliverAudiences(world: FakeWorld, audiences: string[], at = SEEN_AT): void {
  for (const id of audiences) {
    if (world.aamSegments.some((s) => s.integrationCode === id)) continue;
    world.aamSegments.push({
      sid: world.aamSegments.length + 1,
      name: id,
      integrationCode: id,
      dataSourceId: NEW_DATA_SOURCE.id,
      createdAt: at,
    });
  }
}

/** Resolves after every pending promise callback and one macrotask: lets background effects settle. */
export function settle(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The parts of a final context that a user depends on and that do not depend on the route taken (retry counts,
 * the instants retries and restarts shifted): which marks exist and where they came from, the instants the fake
 * world fixed, the remote ids, the ticket, the audiences seen.
 */
export function essentials(ctx: MigrationContext) {
  return {
    marks: Object.fromEntries(Object.entries(ctx.marks).map(([name, mark]) => [name, mark?.source])),
    legacyStopped: ctx.marks.legacy_stopped?.at,
    firstData: ctx.marks.first_data,
    remote: ctx.remote,
    ticket: ctx.ticket ? { key: ctx.ticket.key, id: ctx.ticket.id, attached: ctx.ticket.attached } : null,
    seenAudiences: ctx.seenAudiences,
    lastError: ctx.lastError,
  };
}

/** Reads a persisted snapshot's state value and context (what the store holds is plain JSON). */
export function persisted(snapshot: unknown): { value: unknown; context: MigrationContext; status: string } {
  return snapshot as { value: unknown; context: MigrationContext; status: string };
}

export interface ReferenceRun {
  context: MigrationContext;
  creates: Record<string, number>;
  /** Effect steps in the order their intents were first written. */
  steps: string[];
}

/**
 * The uninterrupted run every interrupted one is compared with: audiences already delivered, the ticket
 * resolved as soon as the migration waits on it; or, with `cancel`, cancelled while it waits.
 */
export async function referenceRun(plan: Plan, id: string, opts: { cancel?: boolean } = {}): Promise<ReferenceRun> {
  const r = rig();
  await r.engine.create(plan, 'admin@example.com', id);
  deliverAudiences(r.services.world, plan.audiences);
  let result: Awaited<ReturnType<Engine['drive']>>;
  if (opts.cancel) {
    await r.engine.drive(id, { mode: 'until-waiting' });
    result = await r.engine.drive(id, {
      mode: 'until-done',
      event: {
        type: 'CANCEL',
        by: 'admin@example.com',
        reason: 'reference',
        at: new Date(r.clock.now()).toISOString(),
      },
    });
  } else {
    result = await r.engine.drive(id, {
      mode: 'until-done',
      onSnapshot: (s) => {
        if (s.matches({ awaiting_resolution: 'sleeping' })) resolveTicket(r.services.world);
      },
    });
  }
  if (result.status !== (opts.cancel ? 'cancelled' : 'completed'))
    throw new Error(`reference run ended ${result.status}`);
  const steps = (await r.store.effects(id)).map((e) => e.step);
  await r.store.close();
  return { context: result.context, creates: { ...r.services.world.creates }, steps };
}
