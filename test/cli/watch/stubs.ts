// Stand-ins for the scheduler's two collaborators: a store that lists records from an array, and a drive
// function whose every call the test can see, hold and finish.
import type { MigrationContext } from '../../../src/core/machine-types.js';
import type { MigrationStatus } from '../../../src/core/types.js';
import type { DriveResult } from '../../../src/engine/engine.js';
import { dueAtOf, isWatched } from '../../../src/core/due.js';
import type { FleetMigration, MigrationFilter, MigrationRecord } from '../../../src/ports.js';
import type { DriveOne } from '../../../src/engine/fleet/scheduler.js';
import type { MigrationEvent } from '../../../src/core/machine-types.js';

export function record(id: string, over: Partial<MigrationRecord> & { waitUntil?: number } = {}): MigrationRecord {
  const { waitUntil, ...rest } = over;
  return {
    id,
    orgId: 'ORG@AdobeOrg',
    plan: {},
    snapshot: { context: { waitUntil: waitUntil ?? null } },
    machineVersion: '1',
    xstateVersion: '5.33.3',
    state: 'draft',
    status: 'active',
    createdAt: '',
    updatedAt: '',
    progressAt: '',
    attempts: 0,
    lastError: null,
    ticketKey: null,
    marks: {},
    ...rest,
  };
}

export class ListStore {
  constructor(public records: MigrationRecord[]) {}
  async list(filter: MigrationFilter = {}): Promise<MigrationRecord[]> {
    return this.records.filter(
      (r) => (!filter.status || r.status === filter.status) && (!filter.orgId || r.orgId === filter.orgId),
    );
  }
  /** The light listing of the watched records, as the stores write it (due_at by core/due.ts). */
  async fleet(filter: { orgId?: string } = {}, known: ReadonlySet<string> = new Set()): Promise<FleetMigration[]> {
    const watched = this.records.filter((r) => isWatched(r.status) && (!filter.orgId || r.orgId === filter.orgId));
    return watched.map((r) => ({
      id: r.id,
      orgId: r.orgId,
      state: r.state,
      status: r.status,
      ticketKey: r.ticketKey,
      dueAt: dueAtOf(r),
      ...(known.has(r.id) ? {} : { plan: r.plan }),
    }));
  }
}

export interface Call {
  id: string;
  event?: MigrationEvent;
  signal: AbortSignal;
  startedAt: number;
  finish(result?: Partial<DriveResult> & { waitUntil?: number | null; ticketKey?: string }): void;
  fail(error: unknown): void;
}

export function result(
  id: string,
  status: MigrationStatus | 'interrupted',
  state: string,
  over: { waitUntil?: number | null; ticketKey?: string } = {},
): DriveResult {
  const context = {
    waitUntil: over.waitUntil ?? null,
    ticket: over.ticketKey ? { key: over.ticketKey } : null,
    lastError: null,
  } as unknown as MigrationContext;
  return { id, status, state, context };
}

/** A drive that waits for the test to finish it; `auto` finishes every call after `autoMs` with `auto(id)`. */
export function heldDrive(auto?: (id: string, call: Call) => DriveResult | Error, autoMs = 0) {
  const calls: Call[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const drive: DriveOne = (m, options) =>
    new Promise<DriveResult>((resolve, reject) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        inFlight--;
        fn();
      };
      const call: Call = {
        id: m.id,
        event: options.event,
        signal: options.signal,
        startedAt: Date.now(),
        finish: (r = {}) =>
          settle(() => resolve({ ...result(m.id, 'waiting', 'awaiting_resolution.sleeping', r), ...r })),
        fail: (e) => settle(() => reject(e)),
      };
      calls.push(call);
      options.signal.addEventListener(
        'abort',
        () => settle(() => resolve(result(m.id, 'interrupted', 'awaiting_resolution.sleeping'))),
        { once: true },
      );
      if (auto) {
        setTimeout(() => {
          const out = auto(m.id, call);
          if (out instanceof Error) call.fail(out);
          else settle(() => resolve(out));
        }, autoMs);
      }
    });
  return { drive, calls, maxInFlight: () => maxInFlight };
}

export async function until(probe: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 5));
  }
}
