// The prepared statements of the store (leases have their own in leases.ts). Named parameters match the columns.
// Each is prepared on first use: a short command (list, show) uses a few of them, and preparing all of them up
// front was a few milliseconds of every start.
import type { SqliteDatabase } from './open.js';
import type { EffectRowData, JournalRowData, MarkRowData, MigrationRowData } from './rows.js';

type Params = Record<string, string | number | null>;

/** An object whose properties are built by their maker on first read, then kept. */
export function lazily<T extends Record<string, () => unknown>>(
  makers: T,
): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const built = new Map<keyof T, unknown>();
  const out = {} as { [K in keyof T]: ReturnType<T[K]> };
  for (const key of Object.keys(makers) as (keyof T)[]) {
    Object.defineProperty(out, key, {
      enumerable: true,
      get: () => {
        if (!built.has(key)) built.set(key, makers[key]!());
        return built.get(key);
      },
    });
  }
  return out;
}

export function prepareStatements(db: SqliteDatabase) {
  return lazily({
    exists: () => db.prepare<[string]>('SELECT 1 FROM migrations WHERE id = ?'),
    insertMigration: () =>
      db.prepare<[MigrationRowData & { due_at: string | null }]>(
        `INSERT INTO migrations (id, org_id, plan, snapshot, machine_version, xstate_version, state, status,
         created_at, updated_at, progress_at, attempts, last_error, ticket_key, due_at)
       VALUES (@id, @org_id, @plan, @snapshot, @machine_version, @xstate_version, @state, @status,
         @created_at, @updated_at, @progress_at, @attempts, @last_error, @ticket_key, @due_at)`,
      ),
    selectMigration: () => db.prepare<[string], MigrationRowData>('SELECT * FROM migrations WHERE id = ?'),
    listMigrations: () =>
      db.prepare<[{ status: string | null; org_id: string | null }], MigrationRowData>(
        `SELECT * FROM migrations
       WHERE (@status IS NULL OR status = @status) AND (@org_id IS NULL OR org_id = @org_id)
       ORDER BY updated_at DESC, id`,
      ),
    updateMigration: () =>
      db.prepare<[Params]>(
        `UPDATE migrations SET snapshot = @snapshot, machine_version = @machine_version,
         xstate_version = @xstate_version, state = @state, status = @status, attempts = @attempts,
         last_error = @last_error, ticket_key = @ticket_key, updated_at = @updated_at,
         progress_at = CASE WHEN @progressed THEN @updated_at ELSE progress_at END, due_at = @due_at
       WHERE id = @id`,
      ),
    selectMarks: () =>
      db.prepare<[string], MarkRowData>(
        'SELECT name, at, source, override_by, override_reason FROM marks WHERE migration_id = ? ORDER BY name',
      ),
    // recorded_at moves only when the mark itself changed, not on every transition that carries it.
    upsertMark: () =>
      db.prepare<[Params]>(
        `INSERT INTO marks (migration_id, name, at, source, override_by, override_reason, recorded_at)
       VALUES (@migration_id, @name, @at, @source, @override_by, @override_reason, @recorded_at)
       ON CONFLICT (migration_id, name) DO UPDATE SET at = excluded.at, source = excluded.source,
         override_by = excluded.override_by, override_reason = excluded.override_reason,
         recorded_at = excluded.recorded_at
       WHERE marks.at IS NOT excluded.at OR marks.source IS NOT excluded.source
         OR marks.override_by IS NOT excluded.override_by OR marks.override_reason IS NOT excluded.override_reason`,
      ),
    insertJournal: () =>
      db.prepare<[Params]>(
        `INSERT INTO journal (migration_id, kind, at, name, actor, reason, data)
       VALUES (@migration_id, @kind, @at, @name, @actor, @reason, @data)`,
      ),
    selectJournal: () =>
      db.prepare<[string], JournalRowData>('SELECT * FROM journal WHERE migration_id = ? ORDER BY seq'),
    // A retried effect: one more attempt, and the previous attempt's outcome no longer describes the row.
    upsertIntent: () =>
      db.prepare<[Params]>(
        `INSERT INTO effects (key, migration_id, step, fingerprint, intent_at, attempts)
       VALUES (@key, @migration_id, @step, @fingerprint, @intent_at, 1)
       ON CONFLICT (key) DO UPDATE SET attempts = effects.attempts + 1, fingerprint = excluded.fingerprint,
         intent_at = excluded.intent_at, outcome_at = NULL, status = NULL, remote_id = NULL, error = NULL`,
      ),
    effectMigration: () =>
      db.prepare<[string], { migration_id: string }>('SELECT migration_id FROM effects WHERE key = ?'),
    updateOutcome: () =>
      db.prepare<[Params]>(
        `UPDATE effects SET outcome_at = @outcome_at, status = @status, remote_id = @remote_id, error = @error
       WHERE key = @key`,
      ),
    selectEffects: () =>
      db.prepare<[string], EffectRowData>(
        `SELECT key, migration_id, step, fingerprint, intent_at, attempts, outcome_at, status, remote_id
       FROM effects WHERE migration_id = ? ORDER BY rowid`,
      ),
  });
}

export type Statements = ReturnType<typeof prepareStatements>;
