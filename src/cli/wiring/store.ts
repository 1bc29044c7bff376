// Opens the state store for commands that need nothing else: kept apart from runtime.ts so that list, show,
// export and import do not load xstate, the engine or the HTTP clients at start-up. A SQLite file is the
// default; a postgres:// URL opens the team store, whose adapter (and `pg`) is imported only on that path.
// `dbPath` is the store's printable name: the file, or the URL with its password masked.
import fs from 'node:fs';
import { openReadOnlyStore, openStore } from '../../adapters/sqlite/store.js';
import type { StoreProbe } from '../../adapters/store-probe.js';
import type { FleetWakes, MigrationStore } from '../../ports.js';
import type { ReportSource } from '../../report/source.js';
import { type CliContext, type GlobalOptions, type StoreTarget, storeTarget } from './context.js';

export interface OpenedStore {
  store: MigrationStore;
  dbPath: string;
}

async function openPostgres(ctx: CliContext, url: string, readOnly: boolean): Promise<MigrationStore | null> {
  const { openPostgresReadStore, openPostgresStore } = await import('../../adapters/postgres/open.js');
  return readOnly ? openPostgresReadStore(url, { env: ctx.env }) : openPostgresStore(url, { env: ctx.env });
}

/** Opened (created and migrated when needed) for commands that write. */
export async function openRuntimeStore(ctx: CliContext, opts: GlobalOptions): Promise<OpenedStore> {
  const target = storeTarget(ctx, opts);
  if (target.kind === 'sqlite') return { store: openStore(target.file), dbPath: target.label };
  return { store: (await openPostgres(ctx, target.url, false))!, dbPath: target.label };
}

/**
 * The same, for a caller that cannot wait (the runtime is built synchronously): a SQLite store opens now; a team
 * store opens on its first call, and its opening failure is that call's failure.
 */
export function openRuntimeStoreNow(ctx: CliContext, opts: GlobalOptions): OpenedStore {
  const target = storeTarget(ctx, opts);
  if (target.kind === 'sqlite') return { store: openStore(target.file), dbPath: target.label };
  return {
    store: deferredStore(() => openPostgres(ctx, target.url, false) as Promise<MigrationStore>),
    dbPath: target.label,
  };
}

/** For commands that only read: null when the store does not exist yet (nothing is created). */
export async function openReadStore(
  ctx: CliContext,
  opts: GlobalOptions,
): Promise<{ store: MigrationStore | null; dbPath: string }> {
  const target = storeTarget(ctx, opts);
  if (target.kind === 'sqlite') return { store: openReadOnlyStore(target.file), dbPath: target.label };
  return { store: await openPostgres(ctx, target.url, true), dbPath: target.label };
}

/** The report's rows from either store; an absent store reports over nothing (and is not created). */
export async function openReportStore(
  ctx: CliContext,
  opts: GlobalOptions,
): Promise<{ source: ReportSource; dbPath: string; target: StoreTarget }> {
  const target = storeTarget(ctx, opts);
  if (target.kind === 'sqlite') {
    const { openReportSource } = await import('../../adapters/sqlite/report-source.js');
    // No database yet is an empty fleet, as `list` says "no migrations": reported over nothing, and not created.
    const file = fs.existsSync(target.file) ? target.file : ':memory:';
    return { source: openReportSource(file), dbPath: target.label, target };
  }
  const { openPostgresReportSource } = await import('../../adapters/postgres/report-source.js');
  return { source: await openPostgresReportSource(target.url, { env: ctx.env }), dbPath: target.label, target };
}

/** The team store `store copy` writes to (opened and migrated); its copyIn is PostgreSQL's alone. */
export async function openCopyTarget(ctx: CliContext, url: string) {
  const { openPostgresStore } = await import('../../adapters/postgres/open.js');
  return openPostgresStore(url, { env: ctx.env });
}

/** doctor's report on the store in use: kind, location (masked), schema version, round-trip time. */
export async function probeStore(ctx: CliContext, opts: GlobalOptions): Promise<StoreProbe> {
  const target = storeTarget(ctx, opts);
  if (target.kind === 'sqlite') {
    const { probeSqlite } = await import('../../adapters/sqlite/probe.js');
    return probeSqlite(target.file);
  }
  const { probePostgres } = await import('../../adapters/postgres/probe.js');
  return probePostgres(target.url, ctx.env);
}

/** The wakes `watch` workers share: in the process for a SQLite file, LISTEN/NOTIFY on a team store. */
export async function openFleetWakes(ctx: CliContext, opts: GlobalOptions): Promise<FleetWakes> {
  const target = storeTarget(ctx, opts);
  if (target.kind === 'sqlite') {
    const { LocalWakes } = await import('../../adapters/local-wakes.js');
    return new LocalWakes();
  }
  const { PostgresWakes } = await import('../../adapters/postgres/wakes.js');
  return new PostgresWakes(target.url, ctx.env);
}

/** A store whose every method first waits for `open` (called once, on first use); close before use opens nothing. */
export function deferredStore(open: () => Promise<MigrationStore>): MigrationStore {
  let opened: Promise<MigrationStore> | null = null;
  return new Proxy({} as MigrationStore, {
    get(_target, key) {
      if (key === 'then') return undefined;
      return async (...args: unknown[]) => {
        if (key === 'close' && !opened) return;
        opened ??= open();
        const store = (await opened) as unknown as Record<PropertyKey, (...a: unknown[]) => unknown>;
        return store[key]!(...args);
      };
    },
  });
}
