// `watch` as a service: the flags of --listen (health and metrics), --notify (the outbox sender) and
// --log-format, and the parts they start. prom-client is imported only here, and only when --listen is given.
import { httpReceiver, NOTIFY_SECRET_ENV, type HttpReceiver } from '../../adapters/notify/receiver.js';
import { formatFor, type NotifyFormat } from '../../adapters/notify/payload.js';
import { OutboxSender, type SenderEvent } from '../../engine/index.js';
import { UsageError } from '../../errors.js';
import type { MigrationStore } from '../../ports.js';
import type { WatchMetrics } from '../../adapters/metrics/metrics.js';
import type { CliContext } from '../wiring/context.js';
import { say } from '../terminal/output.js';
import { defaultHolder } from '../../adapters/account.js';
import type { LogFormat } from './watch-log.js';

export interface ServiceOptions {
  listen?: string;
  notify?: string[];
  notifyFormat?: string;
  notifyRetryMs?: string;
  logFormat?: string;
  graceSeconds?: string;
}

export interface ServiceSettings {
  listen: { host: string; port: number } | null;
  notify: { urls: string[]; format?: NotifyFormat; secret?: string; retryBaseMs: number };
  logFormat: LogFormat;
  graceMs: number;
}

/** HOST:PORT, [v6]:PORT or just PORT (on 127.0.0.1). */
export function parseListen(raw: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(raw) ?? /^()()(\d+)$/.exec(raw);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--listen must be HOST:PORT, got "${raw}"`, 'e.g. --listen 127.0.0.1:9464 (port 0 picks one)');
  }
  return { host: match[1] || match[2] || '127.0.0.1', port };
}

function notifySettings(opts: ServiceOptions, env: NodeJS.ProcessEnv): ServiceSettings['notify'] {
  const urls = opts.notify ?? [];
  for (const url of urls) {
    if (!/^https?:\/\/[^/\s]+/i.test(url))
      throw new UsageError('--notify needs an http(s) URL', 'e.g. --notify https://hooks.slack.com/services/…');
  }
  const format = opts.notifyFormat;
  if (format !== undefined && format !== 'slack' && format !== 'json')
    throw new UsageError(`--notify-format must be slack or json, got "${format}"`, 'e.g. --notify-format slack');
  const secret = env[NOTIFY_SECRET_ENV] || undefined;
  const generic = urls.some((u) => formatFor(u, format as NotifyFormat | undefined) === 'json');
  if (generic && !secret) {
    throw new UsageError(
      `the generic JSON notifications are signed: set ${NOTIFY_SECRET_ENV}`,
      `export ${NOTIFY_SECRET_ENV}=<a long random value> and check X-Cutover-Signature-256 with it on the receiver`,
    );
  }
  const retry = opts.notifyRetryMs === undefined ? 5000 : Number(opts.notifyRetryMs);
  if (!Number.isInteger(retry) || retry <= 0)
    throw new UsageError(`--notify-retry-ms must be a whole number above 0, got "${opts.notifyRetryMs}"`, 'e.g. 5000');
  return { urls, format: format as NotifyFormat | undefined, secret, retryBaseMs: retry };
}

export function serviceSettings(opts: ServiceOptions, env: NodeJS.ProcessEnv, once: boolean): ServiceSettings {
  const logFormat = opts.logFormat ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json')
    throw new UsageError(`--log-format must be text or json, got "${logFormat}"`, 'e.g. --log-format json');
  if (once && opts.listen) throw new UsageError('--listen needs a running watch, not --once', 'drop one of them');
  const grace = opts.graceSeconds === undefined ? 10 : Number(opts.graceSeconds);
  if (!Number.isFinite(grace) || grace < 0)
    throw new UsageError(`--grace-seconds must be 0 or more, got "${opts.graceSeconds}"`, 'e.g. --grace-seconds 30');
  return {
    listen: opts.listen === undefined ? null : parseListen(opts.listen),
    notify: notifySettings(opts, env),
    logFormat,
    graceMs: grace * 1000,
  };
}

/** Every value the watch's output must never show. */
export function secretsOf(settings: ServiceSettings, env: NodeJS.ProcessEnv): (string | undefined)[] {
  return [...settings.notify.urls, settings.notify.secret, env.CUTOVER_WEBHOOK_SECRET];
}

export function receiversFor(settings: ServiceSettings): HttpReceiver[] {
  const { urls, format, secret } = settings.notify;
  return urls.map((url) => httpReceiver({ url, format, secret }));
}

function senderLog(ctx: CliContext, metrics: WatchMetrics | null): (e: SenderEvent) => void {
  // A store that stays out of reach is said once per receiver, not once per poll.
  const storeTrouble = new Map<string, string>();
  return (e) => {
    if (e.kind === 'store-failed') {
      if (storeTrouble.get(e.receiverId) !== e.message)
        say(ctx, `warning: notifications (${e.receiverId}): ${e.message}`);
      storeTrouble.set(e.receiverId, e.message);
      return;
    }
    storeTrouble.delete(e.receiverId);
    metrics?.notification(e.event.type, e.kind);
    const what = `${e.event.type} ${e.event.migrationId}`;
    if (e.kind === 'sent') return say(ctx, `notify: ${what} sent to ${e.receiverId}`);
    const next = `next try in ${Math.round(e.retryInMs / 1000)} s`;
    say(ctx, `warning: notify: ${what} to ${e.receiverId} failed (${e.error}); ${next}`);
  };
}

export function newSender(
  ctx: CliContext,
  store: MigrationStore,
  receivers: HttpReceiver[],
  settings: ServiceSettings,
  metrics: WatchMetrics | null,
): OutboxSender {
  const env = ctx.env;
  return new OutboxSender({
    store,
    receivers,
    worker: defaultHolder(),
    clock: ctx.clock,
    env,
    retryBaseMs: settings.notify.retryBaseMs,
    retryCapMs: Math.max(settings.notify.retryBaseMs, Number(env.CUTOVER_NOTIFY_RETRY_CAP_MS) || 15 * 60_000),
    claimMs: Number(env.CUTOVER_NOTIFY_CLAIM_MS) || 60_000,
    pollMs: Number(env.CUTOVER_NOTIFY_POLL_MS) || 1000,
    onEvent: senderLog(ctx, metrics),
  });
}
