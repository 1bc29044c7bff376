// What "nothing duplicated, nothing lost" means, checked against the emulator's world (the truth) and the
// database the children left behind.
import { expect } from 'vitest';
import Database from 'better-sqlite3';
import { openStore } from '../../../src/adapters/sqlite/store.js';
import type { MigrationRecord } from '../../../src/ports.js';
import { DEMO_CREDENTIALS, type Emulator } from '../../../src/emulator/index.js';

export function counts(emulator: Emulator) {
  const w = emulator.world(DEMO_CREDENTIALS.orgId);
  return {
    tickets: w.tickets.length,
    comments: w.tickets.reduce((n, t) => n + t.comments, 0),
    base: w.connections.base.length,
    source: w.connections.source.length,
    target: w.connections.target.length,
    flows: w.flows.length,
    violations: w.violations,
  };
}

/** Exactly one of everything (two base connections: the destination's and the Profile Store's). */
export const COMPLETED_WORLD = { tickets: 1, comments: 1, base: 2, source: 1, target: 1, flows: 1, violations: [] };

export async function readRecord(db: string, id: string): Promise<{ record: MigrationRecord; journal: number }> {
  const store = openStore(db);
  try {
    const record = await store.get(id);
    if (!record) throw new Error(`migration ${id} is missing from ${db}`);
    return { record, journal: (await store.journal(id)).length };
  } finally {
    await store.close();
  }
}

/** Jira renders `+HHmm`; Date.parse wants `+HH:mm`. */
export function jiraInstant(text: string): number {
  return Date.parse(text.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
}

/** Completed, one of everything, and the downtime marks equal to the emulator's own timestamps. */
export async function expectCompleted(emulator: Emulator, db: string, id: string): Promise<MigrationRecord> {
  const { record } = await readRecord(db, id);
  expect(record.status, JSON.stringify(record.lastError)).toBe('completed');
  expect(counts(emulator)).toEqual(COMPLETED_WORLD);
  const w = emulator.world(DEMO_CREDENTIALS.orgId);
  expect(Date.parse(record.marks.legacy_stopped!.at)).toBe(jiraInstant(w.tickets[0]!.resolutiondate!));
  expect(Date.parse(record.marks.connection_established!.at)).toBe(w.flows[0]!.createdAt);
  return record;
}

export function integrityCheck(db: string): string {
  const conn = new Database(db, { readonly: true });
  try {
    return String(conn.pragma('integrity_check', { simple: true }));
  } finally {
    conn.close();
  }
}
