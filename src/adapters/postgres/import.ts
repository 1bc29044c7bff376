// Restoring a migration (a support bundle, or `store copy`) inside the caller's transaction: the record, its
// marks, its journal (numbered anew) and its effects, one intent per recorded attempt, then the outcome.
import type { PoolClient } from 'pg';
import { isDeepStrictEqual } from 'node:util';
import type { EffectRow, ImportedMigration, JournalRow, MigrationRecord } from '../../ports.js';
import { utc } from '../sqlite/canonical.js';
import { StoreError } from '../../errors.js';
import { duplicate } from './errors.js';
import { intentRows, journalRows, markRows, migrationParams } from './params.js';
import * as SQL from './sql.js';

export async function importInto(c: PoolClient, m: ImportedMigration): Promise<void> {
  const r = m.record;
  const params = migrationParams({ ...r, at: r.updatedAt });
  if ((await c.query(SQL.INSERT_MIGRATION, params)).rowCount !== 1) throw duplicate(r.id);
  await c.query('SELECT cutover.upsert_marks($1, $2, $3)', [r.id, markRows(r.marks), utc(r.updatedAt)]);
  await c.query('SELECT cutover.append_journal($1, $2)', [r.id, journalRows(m.journal)]);
  for (const e of m.effects) await importEffect(c, r.id, e);
}

async function importEffect(c: PoolClient, migrationId: string, e: EffectRow): Promise<void> {
  const intents = Array.from({ length: Math.max(1, e.attempts) }, () => ({ ...e, migrationId }));
  for (const intent of intents) await c.query('SELECT cutover.upsert_intents($1)', [intentRows([intent])]);
  if (!e.outcomeAt || !e.status) return;
  await c.query(
    'UPDATE cutover.effects SET outcome_at = $2, status = $3, remote_id = $4, error = NULL WHERE key = $1',
    [e.key, utc(e.outcomeAt), e.status, e.remoteId],
  );
}

/** What a copy did: the ids written, and the ids already there with the same content (left as they were). */
export interface CopyResult {
  copied: string[];
  identical: string[];
}

/**
 * Inside the caller's one transaction: every migration imported, or, for an id already in the store, compared
 * (`same` says whether the stored one is identical): identical ones are skipped, any other is refused by name,
 * and the caller's transaction rolls back everything.
 */
export async function copyInto(
  c: PoolClient,
  migrations: ImportedMigration[],
  same: (id: string, mine: ImportedMigration) => Promise<boolean>,
): Promise<CopyResult> {
  const result: CopyResult = { copied: [], identical: [] };
  for (const m of migrations) {
    const id = m.record.id;
    const exists = (await c.query('SELECT 1 FROM cutover.migrations WHERE id = $1', [id])).rowCount === 1;
    if (!exists) {
      await importInto(c, m);
      result.copied.push(id);
    } else if (await same(id, m)) result.identical.push(id);
    else throw differs(id);
  }
  return result;
}

function differs(id: string): StoreError {
  return new StoreError(
    `migration ${id} is already in the team store with other content; nothing was copied`,
    'STORE_DUPLICATE',
    `cutover show ${id} --db URL shows the one there; copy from a file without it`,
  );
}

/** Whether a stored migration is the one being copied: the same record, journal entries (seq aside) and effects. */
export function sameMigration(
  mine: ImportedMigration,
  stored: { record: MigrationRecord | null; journal: JournalRow[]; effects: EffectRow[] },
): boolean {
  const entries = stored.journal.map(({ seq: _seq, migrationId: _id, ...entry }) => entry);
  const theirs = { record: stored.record, entries, effects: stored.effects };
  return isDeepStrictEqual(theirs, { record: mine.record, entries: mine.journal, effects: mine.effects });
}
