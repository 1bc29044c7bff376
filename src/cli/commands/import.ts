// cutover import: restore a support bundle into this machine's database (a new one is fine), in one store
// transaction, so that `cutover resume ID` continues the migration here. Journal rows keep their
// content (their seq numbers are this database's); the lease is not imported: the exporting runner is gone.
import { readFileSync } from 'node:fs';
import { isoNow } from '../../adapters/clock.js';
import { CutoverError, UsageError } from '../../errors.js';
import { journalEntryOf, parseBundle, type SupportBundle } from '../bundle.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { say } from '../output.js';
import { openRuntimeStore } from '../store.js';

function readBundle(file: string): SupportBundle {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  return parseBundle(text, file);
}

export default async function importBundle([file]: string[], opts: GlobalOptions, ctx: CliContext): Promise<number> {
  const bundle = readBundle(file!);
  const id = bundle.migration.id;
  const { store, dbPath } = openRuntimeStore(ctx, opts);
  try {
    if (await store.get(id)) {
      throw new CutoverError(`migration ${id} already exists in ${dbPath}; nothing was imported`, 'STORE_DUPLICATE', `cutover show ${id} displays it; import into another database with --db`);
    }
    const data = { file, exportedAt: bundle.exportedAt, exportedBy: bundle.exportedBy, cutoverVersion: bundle.cutoverVersion };
    const imported = { kind: 'operator' as const, at: isoNow(ctx.clock), name: 'IMPORT', actor: ctx.actor, data };
    // One transaction: a failure part-way leaves nothing behind, so the import can simply be run again.
    await store.importMigration({ record: bundle.migration, journal: [...bundle.journal.map(journalEntryOf), imported], effects: bundle.effects });
    say(ctx, `imported ${id} (${bundle.migration.state}, ${bundle.migration.status}); continue with: cutover resume ${id}`);
    return 0;
  } finally {
    await store.close();
  }
}
