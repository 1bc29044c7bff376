// cutover store init: creates (and migrates) the store --db names, e.g. a team store on an existing server.
// cutover store init: creates (and migrates) the store --db names, e.g. a team store on an existing server.
// cutover store copy --from FILE --to URL: moves a local SQLite store into the team store. Every migration with
// its journal, effects and marks (so its leases' history: the TAKEOVER and UNLOCK rows), in one transaction on
// the target: all of it or nothing. An id already in the team store is skipped when it is identical and refused
// by name otherwise. A migration a runner holds a live lease on is refused: that runner would go on writing
// to the file while another drives the copy.
import { existsSync } from 'node:fs';
import { CutoverError, UsageError } from '../../errors.js';
import type { Lease, MigrationStore } from '../../ports.js';
import { journalEntryOf } from '../support-bundle/bundle.js';
import { count } from '../../core/words.js';
import { out, printJson, say } from '../terminal/output.js';
import { type CliContext, type GlobalOptions, storeLocation } from '../wiring/context.js';
import { openCopyTarget, openReadStore, openRuntimeStore, probeStore } from '../wiring/store.js';

export interface StoreCopyOptions extends GlobalOptions {
  from?: string;
  to?: string;
}

function locations(opts: StoreCopyOptions) {
  if (!opts.from || !opts.to) {
    throw new UsageError(
      'cutover store copy needs --from FILE and --to URL',
      'e.g. cutover store copy --from ~/.local/share/cutover/state.db --to postgres://cutover@db.example/cutover',
    );
  }
  const from = storeLocation(opts.from, '--db');
  const to = storeLocation(opts.to, '--db');
  if (from.kind !== 'sqlite') throw new UsageError(`--from ${from.label}: give the SQLite file to copy from`);
  if (to.kind !== 'postgres') throw new UsageError(`--to ${to.label}: give the team store's postgres:// URL`);
  if (!existsSync(from.file))
    throw new UsageError(`--from ${from.file}: no such file`, 'cutover doctor says which file is in use');
  return { from, to };
}

async function readAll(store: MigrationStore, nowMs: number) {
  const records = await store.list();
  const live: Lease[] = [];
  const migrations = [];
  for (const record of records) {
    const lease = await store.currentLease(record.id);
    if (lease && Date.parse(lease.expiresAt) > nowMs) live.push(lease);
    const journal = (await store.journal(record.id)).map(journalEntryOf);
    migrations.push({ record, journal, effects: await store.effects(record.id) });
  }
  return { migrations, live };
}

function refuseLive(live: Lease[]): void {
  if (live.length === 0) return;
  const who = live.map((l) => `${l.migrationId} (held by ${l.holder}, lock id ${l.nonce})`).join(', ');
  throw new CutoverError(
    `a runner is driving ${who}; nothing was copied`,
    'STORE_COPY_LIVE',
    'stop that runner (or wait for it to finish), then copy again; cutover list shows the locks',
  );
}

/** `cutover store init`: opens the store of --db for writing (creating and migrating it) and says so. */
async function init(opts: StoreCopyOptions, ctx: CliContext): Promise<number> {
  const { store, dbPath } = await openRuntimeStore(ctx, opts);
  await store.close();
  const probe = await probeStore(ctx, opts);
  out(ctx, `store ready: ${dbPath} (schema ${probe.schemaVersion ?? '?'})`);
  return 0;
}

export default async function store([action]: string[], opts: StoreCopyOptions, ctx: CliContext): Promise<number> {
  if (action === 'init') return init(opts, ctx);
  if (action !== 'copy') {
    throw new UsageError(
      `cutover store ${action}: not a store action`,
      'use cutover store init, or cutover store copy',
    );
  }
  const { from, to } = locations(opts);
  const source = (await openReadStore(ctx, { db: from.file })).store;
  if (!source) throw new UsageError(`--from ${from.file}: the file holds no cutover store`);
  let read: Awaited<ReturnType<typeof readAll>>;
  try {
    read = await readAll(source, ctx.clock.now());
  } finally {
    await source.close();
  }
  refuseLive(read.live);
  const target = await openCopyTarget(ctx, to.url);
  try {
    const result = await target.copyIn(read.migrations);
    if (opts.json) printJson(ctx, { from: from.file, to: to.label, ...result });
    else out(ctx, `copied ${count(result.copied.length, 'migration')} from ${from.file} to ${to.label}`);
    if (result.identical.length > 0) {
      say(ctx, `already there and identical, left as they were: ${result.identical.join(', ')}`);
    }
    return 0;
  } finally {
    await target.close();
  }
}
