// Opens the state database for commands that need nothing else: kept apart from runtime.ts so that list,
// show, export and import do not load xstate, the engine or the HTTP clients at start-up.
import { openReadOnlyStore, openStore } from '../../adapters/sqlite/store.js';
import type { MigrationStore } from '../../ports.js';
import { databasePath, type CliContext, type GlobalOptions } from './context.js';

export function openRuntimeStore(ctx: CliContext, opts: GlobalOptions): { store: MigrationStore; dbPath: string } {
  const dbPath = databasePath(ctx, opts);
  return { store: openStore(dbPath), dbPath };
}

/** For commands that only read: null when the database does not exist yet (nothing is created). */
export function openReadStore(ctx: CliContext, opts: GlobalOptions): { store: MigrationStore | null; dbPath: string } {
  const dbPath = databasePath(ctx, opts);
  return { store: openReadOnlyStore(dbPath), dbPath };
}
