// Shared fixtures for the store tests: temporary folders, file hashes, and minimal valid port inputs.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LeaseRequest, NewMigration, Transition } from '../../src/ports.js';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cutover-sqlite-'));
}

/** sha256 of a file's bytes, or null when it does not exist. */
export function sha256File(file: string): string | null {
  if (!fs.existsSync(file)) return null;
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export function modeOf(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

export const T0 = '2025-03-01T09:00:00.000Z';
export const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

export function newMigration(id: string, over: Partial<NewMigration> = {}): NewMigration {
  return {
    id,
    orgId: 'ORG1@AdobeOrg',
    plan: { orgId: 'ORG1@AdobeOrg', audiences: ['seg-1'], nested: { list: [1, 2] } },
    machineVersion: 'm1',
    xstateVersion: '5.33.3',
    state: 'planned',
    status: 'active',
    at: T0,
    journal: [{ kind: 'operator', at: T0, name: 'start', actor: 'ana@host', data: { plan: 'p.yaml' } }],
    ...over,
  };
}

export function transition(over: Partial<Transition> = {}): Transition {
  return {
    snapshot: { value: 'staging', context: { n: 1 } },
    machineVersion: 'm1',
    xstateVersion: '5.33.3',
    state: 'staging',
    status: 'active',
    progressed: true,
    attempts: 0,
    lastError: null,
    ticketKey: 'MIG-1',
    marks: {},
    journal: [{ kind: 'transition', at: at(1), name: 'STAGED' }],
    at: at(1),
    ...over,
  };
}

/** A runner's request for a lease of `minutes`; the store stamps its times with its own clock. */
export function lease(migrationId: string, nonce: string, minutes: number, holder = `${nonce}@host:1`): LeaseRequest {
  return { migrationId, nonce, holder, ttlMs: minutes * 60_000 };
}

/** A store clock for the contract tests, set in minutes after T0. */
export function storeClock(): { now: () => number; set: (minutes: number) => void } {
  let ms = Date.parse(T0);
  return { now: () => ms, set: (minutes) => (ms = Date.parse(at(minutes))) };
}
