// Builds the heavy parts a command needs, only when it needs them: the store (opened and migrated), the
// configuration, per-org service clients and an engine. Kept apart from context.ts so that light commands
// (--version, --help) never load better-sqlite3 or the HTTP clients.
import { loadConfig } from '../../adapters/config-load.js';
import type { ServiceConfig } from '../../core/config.js';
import type { Plan } from '../../core/types.js';
import { Engine } from '../../engine/index.js';
import { defaultHolder } from '../../adapters/account.js';
import type { Services } from '../../engine/index.js';
import { UsageError } from '../../errors.js';
import type { MigrationRecord, MigrationStore } from '../../ports.js';
import { configFile, type CliContext, type GlobalOptions } from './context.js';
import { say } from '../terminal/output.js';
import { connect, settingsFrom, stderrLogger } from './org-clients.js';
import { openRuntimeStoreNow } from './store.js';

export interface Runtime {
  store: MigrationStore;
  dbPath: string;
  /** Engine whose services talk to the plan's org and sandbox. */
  engineFor(plan: Plan): Engine;
  servicesFor(plan: Plan): Services;
  load(id: string): Promise<MigrationRecord>;
  close(): Promise<void>;
}

export function readServiceConfig(ctx: CliContext, opts: GlobalOptions): ServiceConfig {
  const loaded = loadConfig({ env: ctx.env, configPath: configFile(opts) });
  for (const warning of loaded.warnings) say(ctx, `warning: ${warning}`);
  if (loaded.errors.length > 0) {
    throw new UsageError(
      `the configuration is incomplete:\n  ${loaded.errors.join('\n  ')}`,
      'set the CUTOVER_* variables (docs/configuration.md); cutover doctor checks them',
    );
  }
  return loaded.config;
}

export function openRuntime(ctx: CliContext, opts: GlobalOptions): Runtime {
  const { store, dbPath } = openRuntimeStoreNow(ctx, opts);
  let config: ServiceConfig | null = null;
  const services = new Map<string, Services>();
  const servicesFor = (plan: Plan): Services => {
    config ??= readServiceConfig(ctx, opts);
    const key = `${plan.orgId}/${plan.sandbox}`;
    if (!services.has(key)) services.set(key, connect(ctx, config, plan).services);
    return services.get(key)!;
  };
  return {
    store,
    dbPath,
    servicesFor,
    engineFor: (plan) =>
      new Engine({
        store,
        services: servicesFor(plan),
        clock: ctx.clock,
        logger: stderrLogger(ctx),
        holder: defaultHolder(),
        settings: settingsFrom(config ?? readServiceConfig(ctx, opts)),
        env: ctx.env,
      }),
    async load(id) {
      const record = await store.get(id);
      if (!record)
        throw new UsageError(
          `no migration with id ${id} in ${dbPath}`,
          'cutover list shows the migrations; --db or CUTOVER_DB selects another database',
        );
      return record;
    },
    close: () => store.close(),
  };
}
