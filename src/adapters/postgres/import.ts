// Restoring a migration (a support bundle, or `store copy`) inside the caller's transaction: the record, its
// marks, its journal (numbered anew) and its effects, one intent per recorded attempt, then the outcome.
import type { PoolClient } from 'pg';
import type { EffectRow, ImportedMigration } from '../../ports.js';
import { utc } from '../sqlite/canonical.js';
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
