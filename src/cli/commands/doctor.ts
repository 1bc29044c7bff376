// cutover doctor: is this machine ready to migrate? The configuration (errors, warnings, where each key came from,
// the config file's mode), then one harmless read per service with the fix for each failure. Each check says on
// stderr what it sends where as it starts, and fails after --timeout seconds (default 10) without an answer: one
// attempt each, no retries, so a hanging service is named in seconds rather than after minutes of backoff.
// Exit 0 when everything passes, 4 when a service rejected the credentials, 1 otherwise (a check that timed out,
// a service that does not look like itself, a configuration error); 2 for a bad --timeout.
import { statSync } from 'node:fs';
import { loadConfig, type LoadResult } from '../../adapters/config-load.js';
import { CONFIG_KEYS } from '../../core/config.js';
import { EXIT, UsageError } from '../../errors.js';
import { configFile, type CliContext, type GlobalOptions } from '../wiring/context.js';
import { out, printJson, say, styleFor } from '../terminal/output.js';
import { connect } from '../wizard/connect.js';
import { probeCredentials, type ProbeResult } from '../wizard/probes.js';
import type { StoreProbe } from '../../adapters/store-probe.js';
import { probeStore } from '../wiring/store.js';
import type { NotifyCheck } from '../../adapters/notify/test-event.js';

interface ConfigReport {
  errors: string[];
  warnings: string[];
  file: { path: string; used: boolean; mode: string | null } | null;
  keys: { env: string; source: string; value: string | null }[];
}

function fileMode(path: string): string | null {
  try {
    return (statSync(path).mode & 0o777).toString(8).padStart(3, '0');
  } catch {
    return null;
  }
}

/** Values are shown except secrets, which only say whether they are set. */
function configReport(loaded: LoadResult): ConfigReport {
  const raw = new Map(CONFIG_KEYS.map((k) => [k.env, k]));
  const keys = Object.entries(loaded.sources).map(([env, source]) => {
    const def = raw.get(env);
    const value = def?.secret ? (source === 'default' ? null : '(set, not shown)') : configuredValue(loaded, env);
    return { env, source, value };
  });
  const file = loaded.file ? { ...loaded.file, mode: fileMode(loaded.file.path) } : null;
  return { errors: loaded.errors, warnings: loaded.warnings, file, keys };
}

function configuredValue(loaded: LoadResult, env: string): string | null {
  const def = CONFIG_KEYS.find((k) => k.env === env);
  if (!def) return null;
  const section = (loaded.config as unknown as Record<string, Record<string, unknown>>)[def.section];
  const value = section?.[def.key];
  return value === undefined || value === '' ? null : String(value);
}

function exitFor(config: ConfigReport, probes: ProbeResult[], store: StoreProbe): number {
  if (probes.some((p) => p.rejected)) return EXIT.auth;
  const fine = config.errors.length === 0 && probes.length > 0 && probes.every((p) => p.ok) && store.ok;
  return fine ? EXIT.ok : EXIT.error;
}

function renderStore(ctx: CliContext, store: StoreProbe): void {
  const s = styleFor(ctx);
  const kind = store.kind === 'postgres' ? 'PostgreSQL team store' : 'SQLite file';
  out(ctx, s.bold('State store'));
  out(ctx, `  ${store.ok ? s.green('✓') : s.red('✗')} ${kind} ${store.location}`);
  out(ctx, `    ${store.detail} (this cutover ships ${store.latestVersion})`);
  if (store.roundTripMs !== null) out(ctx, `    round trip ${store.roundTripMs} ms`);
  if (!store.ok && store.fix) out(ctx, `      fix: ${store.fix}`);
  out(ctx);
}

function render(ctx: CliContext, config: ConfigReport, probes: ProbeResult[], store: StoreProbe): void {
  const s = styleFor(ctx);
  renderStore(ctx, store);
  out(ctx, s.bold('Configuration'));
  if (config.file)
    out(ctx, `  file ${config.file.path} (mode ${config.file.mode ?? '?'})${config.file.used ? '' : ': NOT used'}`);
  else out(ctx, '  no config file (environment and defaults only)');
  for (const k of config.keys) out(ctx, `  ${k.env.padEnd(30)} ${k.source.padEnd(8)} ${k.value ?? '-'}`);
  for (const w of config.warnings) out(ctx, `  ${s.yellow('warning')} ${w}`);
  for (const e of config.errors) out(ctx, `  ${s.red('error')}   ${e}`);
  out(ctx, `\n${s.bold('Connectivity')}`);
  if (probes.length === 0) out(ctx, '  not checked: fix the configuration errors above first');
  for (const p of probes) {
    out(ctx, `  ${p.ok ? s.green('✓') : s.red('✗')} ${p.title}: ${p.detail}`);
    if (!p.ok && p.fix) out(ctx, `      fix: ${p.fix}`);
  }
}

/** Seconds each check may take: whole, 1 to 600. */
export const DEFAULT_CHECK_TIMEOUT_S = 10;

function checkTimeoutMs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CHECK_TIMEOUT_S * 1000;
  const seconds = Number(value);
  if (!/^\d+$/.test(value.trim()) || seconds < 1 || seconds > 600) {
    throw new UsageError(
      `--timeout: expected a whole number of seconds from 1 to 600, found ${JSON.stringify(value)}`,
      `--timeout ${DEFAULT_CHECK_TIMEOUT_S} is the default`,
    );
  }
  return seconds * 1000;
}

async function probeAll(ctx: CliContext, loaded: LoadResult, timeoutMs: number): Promise<ProbeResult[]> {
  if (loaded.errors.length > 0) return [];
  // One attempt per check, bounded by the check's timeout: doctor reports what each service does now.
  const config = { ...loaded.config, http: { ...loaded.config.http, timeoutMs, retries: 0 } };
  return probeCredentials(connect(ctx, config, config.platform), { timeoutMs, onStart: (line) => say(ctx, line) });
}

type Options = GlobalOptions & { timeout?: string; notifyTest?: string[]; notifyFormat?: string };

/** --notify-test: a harmless test event to each receiver, only when asked (the module loads only then). */
async function notifyChecks(ctx: CliContext, opts: Options, timeoutMs: number): Promise<NotifyCheck[]> {
  const urls = opts.notifyTest ?? [];
  if (urls.length === 0) return [];
  const format = opts.notifyFormat;
  if (format !== undefined && format !== 'slack' && format !== 'json')
    throw new UsageError(`--notify-format must be slack or json, got "${format}"`, 'e.g. --notify-format slack');
  const { checkReceivers } = await import('../../adapters/notify/test-event.js');
  const secret = ctx.env.CUTOVER_NOTIFY_SECRET || undefined;
  return checkReceivers(urls, { format, secret, at: new Date(ctx.clock.now()).toISOString(), timeoutMs });
}

export default async function doctor(_args: string[], opts: Options, ctx: CliContext): Promise<number> {
  const timeoutMs = checkTimeoutMs(opts.timeout);
  const loaded = loadConfig({ env: ctx.env, configPath: configFile(opts) });
  const config = configReport(loaded);
  const store = await probeStore(ctx, opts);
  const probes = await probeAll(ctx, loaded, timeoutMs);
  const receivers = await notifyChecks(ctx, opts, timeoutMs);
  const base = exitFor(config, probes, store);
  const code = receivers.some((r) => !r.ok) && base === EXIT.ok ? EXIT.error : base;
  if (opts.json) {
    const notify = opts.notifyTest ? { receivers } : {};
    printJson(ctx, { ok: code === EXIT.ok, store, config, connectivity: probes, ...notify });
  } else {
    render(ctx, config, probes, store);
    renderReceivers(ctx, receivers);
  }
  return code;
}

function renderReceivers(ctx: CliContext, receivers: NotifyCheck[]): void {
  if (receivers.length === 0) return;
  const s = styleFor(ctx);
  out(ctx, `\n${s.bold('Notification receivers')}`);
  for (const r of receivers) {
    out(ctx, `  ${r.ok ? s.green('✓') : s.red('✗')} ${r.title}: ${r.detail}`);
    if (!r.ok && r.fix) out(ctx, `      fix: ${r.fix}`);
  }
}
