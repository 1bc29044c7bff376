// cutover import: restore a support bundle into this machine's database (a new one is fine), in one store
// transaction, so that `cutover resume ID` continues the migration here. Journal rows keep their
// content (their seq numbers are this database's); the lease is not imported: the exporting runner is gone.
// A bundle whose parts disagree (an edited mark, another org's plan, a journal of another migration) is refused.
import { readFileSync } from 'node:fs';
import { isoNow } from '../../core/time.js';
import { CutoverError, UsageError } from '../../errors.js';
import { journalEntryOf, parseBundle, type SupportBundle } from '../support-bundle/bundle.js';
import { bundleInconsistencies } from '../support-bundle/consistency.js';
import type { CliContext, GlobalOptions } from '../wiring/context.js';
import { say } from '../terminal/output.js';
import { openRuntimeStore } from '../wiring/store.js';

function readBundle(file: string): SupportBundle {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const bundle = parseBundle(text, file);
  const problems = bundleInconsistencies(bundle);
  if (problems.length > 0) {
    throw new UsageError(
      `${file} does not tell one story, so its figures cannot be trusted; nothing was imported:\n  ` +
        problems.join('\n  '),
      'a support bundle must not be edited: export it again from the original database (cutover export ID --out FILE)',
    );
  }
  return bundle;
}

export default async function importBundle([file]: string[], opts: GlobalOptions, ctx: CliContext): Promise<number> {
  const bundle = readBundle(file!);
  const id = bundle.migration.id;
  const { store, dbPath } = await openRuntimeStore(ctx, opts);
  try {
    if (await store.get(id)) {
      throw new CutoverError(
        `migration ${id} already exists in ${dbPath}; nothing was imported`,
        'STORE_DUPLICATE',
        `cutover show ${id} displays it; import into another database with --db`,
      );
    }
    const data = {
      file,
      exportedAt: bundle.exportedAt,
      exportedBy: bundle.exportedBy,
      cutoverVersion: bundle.cutoverVersion,
    };
    const imported = { kind: 'operator' as const, at: isoNow(ctx.clock), name: 'IMPORT', actor: ctx.actor, data };
    // One transaction: a failure part-way leaves nothing behind, so the import can simply be run again.
    await store.importMigration({
      record: bundle.migration,
      journal: [...bundle.journal.map(journalEntryOf), imported],
      effects: bundle.effects,
    });
    say(
      ctx,
      `imported ${id} (${bundle.migration.state}, ${bundle.migration.status}); continue with: cutover resume ${id}`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
