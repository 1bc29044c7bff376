import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type SqliteStore } from '../../src/adapters/sqlite/store.js';
import { openDatabase } from '../../src/adapters/sqlite/open.js';
import { SummaryReader } from '../../src/adapters/sqlite/summaries.js';
import { storeContract } from './store-contract.js';
import { at, lease, newMigration, tempDir, transition } from './helpers.js';

storeContract('SqliteStore', (now) => openStore(path.join(tempDir(), 'cutover.db'), undefined, { now }));

describe('SqliteStore on a real file', () => {
  const opened: SqliteStore[] = [];
  const open = (file: string): SqliteStore => {
    const store = openStore(file);
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  it('opens with WAL, synchronous=FULL, foreign keys and a busy timeout', () => {
    const db = openDatabase(path.join(tempDir(), 'cutover.db'));
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    } finally {
      db.close();
    }
  });

  it('lists summaries from the listing index alone, without reading a plan or snapshot', async () => {
    const file = path.join(tempDir(), 'cutover.db');
    await open(file).create(newMigration('m-1'));
    const raw = new Database(file, { readonly: true });
    try {
      const reader = new SummaryReader(raw) as unknown as { rows: Database.Statement };
      const plan = raw
        .prepare(`EXPLAIN QUERY PLAN ${reader.rows.source}`)
        .all({ status: null, org_id: null, limit: -1 }) as { detail: string }[];
      expect(plan.map((p) => p.detail)).toEqual(['SCAN migrations USING COVERING INDEX migrations_listing']);
    } finally {
      raw.close();
    }
  });

  it('keeps the journal append-only, even against raw SQL', async () => {
    const file = path.join(tempDir(), 'cutover.db');
    await open(file).create(newMigration('m-1'));
    const raw = new Database(file);
    try {
      expect(() => raw.prepare("UPDATE journal SET name = 'forged'").run()).toThrow(/append-only/);
      expect(() => raw.prepare('DELETE FROM journal').run()).toThrow(/append-only/);
      expect(raw.prepare('SELECT name FROM journal').all()).toEqual([{ name: 'start' }]);
    } finally {
      raw.close();
    }
  });

  it('shows committed data to a second connection on the same file', async () => {
    const file = path.join(tempDir(), 'cutover.db');
    const writer = open(file);
    const reader = open(file);
    await writer.create(newMigration('m-1'));
    await writer.commitTransition(
      'm-1',
      transition({ marks: { ticket_filed: { at: at(1), source: 'jira.created' } } }),
    );
    await writer.acquireLease(lease('m-1', 'n1', 5));
    expect(await reader.get('m-1')).toMatchObject({ state: 'staging', marks: { ticket_filed: { at: at(1) } } });
    expect(await reader.acquireLease(lease('m-1', 'n2', 5))).toMatchObject({ ok: false, heldBy: { nonce: 'n1' } });
  });

  it('keeps everything across close and reopen', async () => {
    const file = path.join(tempDir(), 'cutover.db');
    const first = openStore(file);
    await first.create(newMigration('m-1'));
    await first.commitTransition('m-1', transition());
    await first.close();
    const again = open(file);
    expect(await again.get('m-1')).toMatchObject({ state: 'staging', snapshot: { value: 'staging' } });
    expect(await again.journal('m-1')).toHaveLength(2);
  });

  it('records when each mark was last changed', async () => {
    const file = path.join(tempDir(), 'cutover.db');
    const store = open(file);
    await store.create(newMigration('m-1'));
    const filed = { ticket_filed: { at: at(1), source: 'jira.created' } };
    await store.commitTransition('m-1', transition({ at: at(1), marks: filed }));
    await store.commitTransition('m-1', transition({ at: at(7), marks: filed }));
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.prepare('SELECT name, recorded_at FROM marks').all()).toEqual([
        { name: 'ticket_filed', recorded_at: at(1) },
      ]);
    } finally {
      raw.close();
    }
  });
});
