// cutover import: restore a support bundle into this machine's database (a new one is fine), through the
// store port alone, so that `cutover resume ID` continues the migration here. Journal rows keep their
// content (their seq numbers are this database's); the lease is not imported: the exporting runner is gone.
import { readFileSync } from 'node:fs';
import { isoNow } from '../../adapters/clock.js';
import { CutoverError, UsageError } from '../../errors.js';
import type { MigrationStore } from '../../ports.js';
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

/** Creates the migration, then replays its summary so created/progress/updated instants are the bundle's. */
async function restoreMigration(store: MigrationStore, b: SupportBundle): Promise<void> {
  const m = b.migration;
  await store.create({
    id: m.id,
    orgId: m.orgId,
    plan: m.plan,
    machineVersion: m.machineVersion,
    xstateVersion: m.xstateVersion,
    state: m.state,
    status: m.status,
    at: m.createdAt,
    journal: b.journal.map(journalEntryOf),
  });
  const summary = { snapshot: m.snapshot, machineVersion: m.machineVersion, xstateVersion: m.xstateVersion, state: m.state, status: m.status, attempts: m.attempts, lastError: m.lastError, ticketKey: m.ticketKey, marks: m.marks, journal: [] };
  await store.commitTransition(m.id, { ...summary, progressed: true, at: m.progressAt });
  await store.commitTransition(m.id, { ...summary, progressed: false, at: m.updatedAt });
}

/** Effect rows through the port: one intent per recorded attempt (the store counts them), then the outcome. */
async function restoreEffects(store: MigrationStore, b: SupportBundle): Promise<void> {
  for (const e of b.effects) {
    for (let n = 0; n < Math.max(1, e.attempts); n++) {
      await store.recordIntent({ migrationId: b.migration.id, key: e.key, step: e.step, fingerprint: e.fingerprint, at: e.at });
    }
    if (e.outcomeAt && e.status) {
      const status = e.status as 'created' | 'adopted' | 'failed';
      await store.recordOutcome({ key: e.key, status, remoteId: e.remoteId, at: e.outcomeAt });
    }
  }
}

export default async function importBundle([file]: string[], opts: GlobalOptions, ctx: CliContext): Promise<number> {
  const bundle = readBundle(file!);
  const id = bundle.migration.id;
  const { store, dbPath } = openRuntimeStore(ctx, opts);
  try {
    if (await store.get(id)) {
      throw new CutoverError(`migration ${id} already exists in ${dbPath}; nothing was imported`, 'STORE_DUPLICATE', `cutover show ${id} displays it; import into another database with --db`);
    }
    await restoreMigration(store, bundle);
    await restoreEffects(store, bundle);
    const data = { file, exportedAt: bundle.exportedAt, exportedBy: bundle.exportedBy, cutoverVersion: bundle.cutoverVersion };
    await store.appendJournal(id, [{ kind: 'operator', at: isoNow(ctx.clock), name: 'IMPORT', actor: ctx.actor, data }]);
    say(ctx, `imported ${id} (${bundle.migration.state}, ${bundle.migration.status}); continue with: cutover resume ${id}`);
    return 0;
  } finally {
    await store.close();
  }
}
