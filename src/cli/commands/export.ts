// cutover export: write one migration as a support bundle (see ../support-bundle/bundle.ts), refusing to write one that
// contains any configured secret value. Without --out the bundle itself is the data on stdout (with or without
// --json); with --out and --json, stdout gets what was written: {id, path, bytes, sha256, exportedAt}.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../../adapters/config-load.js';
import { urlPassword } from '../../adapters/postgres/url.js';
import { isoNow } from '../../core/time.js';
import { secretValues } from '../../core/config.js';
import { CutoverError, UsageError } from '../../errors.js';
import type { MigrationRecord } from '../../ports.js';
import { buildBundle, findSecrets } from '../support-bundle/bundle.js';
import { configFile, nonEmptyFlag, storeTarget, type CliContext, type GlobalOptions } from '../wiring/context.js';
import { printJson, say } from '../terminal/output.js';
import { openReadStore } from '../wiring/store.js';
import { VERSION } from '../version.js';

interface ExportOptions extends GlobalOptions {
  out?: string;
}

interface Written {
  text: string;
  exportedAt: string;
}

/**
 * Every secret this machine knows: the configured ones (whether or not the configuration is complete: a
 * half-configured machine still holds real secrets), and the destination token the plan names by variable.
 */
export function knownSecrets(ctx: CliContext, opts: GlobalOptions, record: MigrationRecord): string[] {
  const loaded = loadConfig({ env: ctx.env, configPath: configFile(opts) });
  const secrets = secretValues(loaded.config);
  const tokenEnv = (record.plan as { destination?: { tokenEnv?: unknown } } | null)?.destination?.tokenEnv;
  const token = typeof tokenEnv === 'string' ? ctx.env[tokenEnv] : undefined;
  if (token) secrets.push(token);
  // The store's password (in --db/CUTOVER_DB, or PGPASSWORD) must not travel in a bundle either.
  const target = storeTarget(ctx, opts);
  const storePassword = target.kind === 'postgres' ? (urlPassword(target.url) ?? ctx.env.PGPASSWORD) : undefined;
  if (storePassword) secrets.push(storePassword);
  return secrets;
}

export default async function exportBundle([id]: string[], opts: ExportOptions, ctx: CliContext): Promise<number> {
  nonEmptyFlag('--out', opts.out, 'give a file to write the bundle to, or leave --out out to print it on stdout');
  configFile(opts); // flags first: nothing is read for a command line that is wrong
  const { text, exportedAt } = await bundleText(id!, opts, ctx);
  if (!opts.out) {
    ctx.io.stdout.write(text);
    return 0;
  }
  // 0600: a bundle holds org ids, audience ids and ticket keys: not secrets, but nobody else's business.
  writeFileSync(opts.out, text, { mode: 0o600 });
  say(ctx, `wrote ${opts.out}; on the other machine: cutover import ${opts.out} && cutover resume ${id} --follow`);
  if (opts.json) {
    const sha256 = createHash('sha256').update(text).digest('hex');
    printJson(ctx, { id, path: resolve(ctx.cwd, opts.out), bytes: Buffer.byteLength(text), sha256, exportedAt });
  }
  return 0;
}

/** The bundle as it will be written, after the secret scan; the database is closed again before any write. */
async function bundleText(id: string, opts: ExportOptions, ctx: CliContext): Promise<Written> {
  const { store, dbPath } = await openReadStore(ctx, opts);
  try {
    const migration = store ? await store.get(id) : null;
    if (!store || !migration)
      throw new UsageError(`no migration with id ${id} in ${dbPath}`, 'cutover list shows the migrations');
    const exportedAt = isoNow(ctx.clock);
    const bundle = buildBundle({
      migration,
      journal: await store.journal(migration.id),
      effects: await store.effects(migration.id),
      exportedAt,
      exportedBy: ctx.actor,
      cutoverVersion: VERSION,
    });
    const leaks = findSecrets(bundle, knownSecrets(ctx, opts, migration));
    if (leaks.length > 0) {
      throw new CutoverError(
        `refusing to export ${id}: a configured secret value appears in ` +
          `${leaks.slice(0, 5).join(', ')}${leaks.length > 5 ? ` and ${leaks.length - 5} more` : ''}`,
        'SECRET_IN_BUNDLE',
        'nothing was written; rotate that secret (it is stored in the database) and tell the cutover maintainers ' +
          'where it came from',
      );
    }
    return { text: `${JSON.stringify(bundle, null, 2)}\n`, exportedAt };
  } finally {
    await store?.close();
  }
}
