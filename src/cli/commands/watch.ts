// cutover watch: drive a whole fleet of migrations from one process (the engine's fleet scheduler, src/engine/fleet/),
// optionally woken early by signed Jira webhooks (src/adapters/webhook/). Exit codes are in the command's help
// (commands/index.ts): an operator stopping the watch is a clean exit, 0.
import { EXIT, UsageError } from '../../errors.js';
import type { CliContext, GlobalOptions } from '../wiring/context.js';
import { printJson, say } from '../terminal/output.js';
import { openRuntime } from '../wiring/runtime.js';
import { hhmmss, summaryText } from '../terminal/fleet-progress.js';
import type { Scheduler, WatchSummary } from '../../engine/index.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../adapters/webhook/receiver.js';
import type { FleetWakes } from '../../ports.js';
import { openFleetWakes } from '../wiring/store.js';
import type { RouteHandler } from '../../adapters/metrics/server.js';
import { watchLog } from './watch-log.js';
import { type ServiceOptions, secretsOf, serviceSettings } from './watch-service.js';
import { startWatchService, type WatchService } from './watch-run.js';

export const WEBHOOK_SECRET_ENV = 'CUTOVER_WEBHOOK_SECRET';

export interface WatchOptions extends GlobalOptions, ServiceOptions {
  org?: string;
  concurrency?: string;
  rate?: string;
  webhookPort?: string;
  webhookHost?: string;
  once?: boolean;
  jiraRate?: string;
}

interface WatchSettings {
  orgId?: string;
  concurrency: number;
  rate: number;
  once: boolean;
  webhook: { host: string; port: number; secret: string } | null;
  /** --jira-rate: requests per second to each Jira site (the CUTOVER_JIRA_RATE key, for this watch). */
  jiraRate?: number;
}

function positiveNumber(flag: string, raw: string | undefined, fallback: number, integer: boolean): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(
      `${flag} must be a ${integer ? 'whole ' : ''}number greater than 0, got "${raw}"`,
      `e.g. ${flag} ${fallback}`,
    );
  }
  return value;
}

function webhookSettings(opts: WatchOptions, env: NodeJS.ProcessEnv): WatchSettings['webhook'] {
  if (opts.webhookPort === undefined) return null;
  const port = Number(opts.webhookPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(
      `--webhook-port must be a port number (0-65535), got "${opts.webhookPort}"`,
      'e.g. --webhook-port 8787',
    );
  }
  if (opts.once)
    throw new UsageError('--webhook-port needs a running watch, not --once', 'drop one of --once and --webhook-port');
  const secret = env[WEBHOOK_SECRET_ENV] ?? '';
  if (secret === '') {
    throw new UsageError(
      `the webhook receiver needs ${WEBHOOK_SECRET_ENV}: unsigned deliveries are never accepted`,
      `set a secret on the Jira webhook and export the same value as ${WEBHOOK_SECRET_ENV}`,
    );
  }
  return { host: opts.webhookHost ?? '127.0.0.1', port, secret };
}

export function watchSettings(opts: WatchOptions, env: NodeJS.ProcessEnv): WatchSettings {
  return {
    orgId: opts.org,
    concurrency: positiveNumber('--concurrency', opts.concurrency, 8, true),
    rate: positiveNumber('--rate', opts.rate, 5, false),
    once: Boolean(opts.once),
    webhook: webhookSettings(opts, env),
    jiraRate: opts.jiraRate === undefined ? undefined : positiveNumber('--jira-rate', opts.jiraRate, 2, false),
  };
}

/** --jira-rate is the CUTOVER_JIRA_RATE key for this run: the configuration validates and applies it. */
function withJiraRate(ctx: CliContext, rate: number | undefined): CliContext {
  return rate === undefined ? ctx : { ...ctx, env: { ...ctx.env, CUTOVER_JIRA_RATE: String(rate) } };
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}

async function openReceiver(
  ctx: CliContext,
  webhook: NonNullable<WatchSettings['webhook']>,
  scheduler: Scheduler,
  wakes: FleetWakes,
  routes?: RouteHandler,
): Promise<WebhookReceiver> {
  const receiver = await startWebhookReceiver({
    ...webhook,
    routes,
    // This worker's migrations wake at once, and every other worker on the store is told: any may be driving it.
    wake: (key) => {
      wakes.publish(key).catch((err: unknown) => say(ctx, `warning: ${(err as Error).message}`));
      return scheduler.wakeTicket(key);
    },
    log: (line) => say(ctx, `${hhmmss(ctx.clock.now())}  ${line}`),
  });
  say(ctx, `webhook receiver listening on ${receiver.url}`);
  if (!isLoopback(webhook.host))
    say(ctx, `warning: the webhook receiver listens on ${webhook.host}; make sure only your tunnel reaches it`);
  return receiver;
}

function exitCodeFor(summary: WatchSummary, once: boolean): number {
  if (!once) return EXIT.ok;
  if (summary.failed > 0) return EXIT.error;
  if (summary.needsAttention > 0) return EXIT.needsAttention;
  return EXIT.ok;
}

export default async function watch(_args: string[], opts: WatchOptions, given: CliContext): Promise<number> {
  const settings = watchSettings(opts, given.env);
  const service = serviceSettings(opts, given.env, settings.once);
  const { ctx, withFields } = watchLog(given, service.logFormat, secretsOf(service, given.env));
  const runtime = openRuntime(withJiraRate(ctx, settings.jiraRate), opts);
  let running: WatchService | null = null;
  let receiver: WebhookReceiver | null = null;
  const wakes = settings.once ? null : await openFleetWakes(ctx, opts);
  // Stop taking deliveries the moment a stop is asked for; Jira retries what it could not deliver.
  const closeReceiver = () => void receiver?.close();
  ctx.signal.addEventListener('abort', closeReceiver, { once: true });
  try {
    running = await startWatchService(ctx, opts, runtime, { settings, service, withFields });
    const { scheduler } = running;
    await wakes?.subscribe((key) => void scheduler.wakeTicket(key));
    const shared = Boolean(settings.webhook && service.listen && sameAddress(settings.webhook, service.listen));
    if (settings.webhook && wakes)
      receiver = await openReceiver(ctx, settings.webhook, scheduler, wakes, shared ? running.routes : undefined);
    if (service.listen) await running.listen(shared ? receiver?.url : undefined);
    const limits = `concurrency ${settings.concurrency}, at most ${settings.rate} drives/s`;
    const how = settings.once ? 'one pass' : 'running';
    say(ctx, `watch: ${how} over ${runtime.dbPath} (${limits})${settings.once ? '' : '; Ctrl-C stops'}`);
    const summary = await running.run();
    say(ctx, summaryText(summary));
    if (opts.json) printJson(ctx, summary);
    return exitCodeFor(summary, settings.once);
  } finally {
    ctx.signal.removeEventListener('abort', closeReceiver);
    await receiver?.close();
    await wakes?.close();
    await running?.close();
    await runtime.close();
  }
}

function sameAddress(a: { host: string; port: number }, b: { host: string; port: number }): boolean {
  return a.host === b.host && a.port === b.port && a.port !== 0;
}
