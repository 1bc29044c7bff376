// The parts of a running `watch`, wired together: the fleet scheduler (drives under leases), the outbox sender
// (--notify), the metrics and the health routes (--listen), and the drain on SIGTERM: no new drive starts,
// running ones get the grace period to reach their next wait, the notifications they caused are sent, then exit.
import { httpObserver } from '../../adapters/http/client.js';
import type { WatchMetrics } from '../../adapters/metrics/metrics.js';
import type { RouteHandler } from '../../adapters/metrics/server.js';
import { defaultHolder } from '../../adapters/account.js';
import type { Plan } from '../../core/types.js';
import { Engine, type OutboxSender, Scheduler, type WatchEvent, type WatchSummary } from '../../engine/index.js';
import type { MigrationStore } from '../../ports.js';
import { progressPrinter } from '../terminal/fleet-progress.js';
import { say } from '../terminal/output.js';
import type { CliContext, GlobalOptions } from '../wiring/context.js';
import { settingsFrom, stderrLogger } from '../wiring/org-clients.js';
import { readServiceConfig, type Runtime } from '../wiring/runtime.js';
import type { LogFields } from './watch-log.js';
import { newSender, receiversFor, type ServiceSettings } from './watch-service.js';

export interface WatchService {
  scheduler: Scheduler;
  routes: RouteHandler | undefined;
  /** Starts the --listen server, unless the webhook receiver (at `sharedUrl`) serves the routes already. */
  listen(sharedUrl?: string): Promise<void>;
  run(): Promise<WatchSummary>;
  close(): Promise<void>;
}

interface Parts {
  settings: { once: boolean; concurrency: number; rate: number; orgId?: string };
  service: ServiceSettings;
  withFields: (fields: LogFields, print: () => void) => void;
}

/** Only --listen pays for prom-client and the HTTP server. */
async function loadListen(ctx: CliContext, store: MigrationStore, dbPath: string) {
  const [{ createWatchMetrics }, server, { storeProbe }, { observedStore }] = await Promise.all([
    import('../../adapters/metrics/metrics.js'),
    import('../../adapters/metrics/server.js'),
    import('../../adapters/metrics/health.js'),
    import('../../adapters/metrics/store-observer.js'),
  ]);
  const metrics = await createWatchMetrics(() => ctx.clock.now());
  const probe = storeProbe(dbPath, store);
  metrics.setSource(async () => {
    const reach = await probe();
    if (!reach.ok) throw new Error(reach.detail);
    return (await store.summaries({})).summaries;
  });
  return { metrics, server, probe, store: observedStore(store, metrics) };
}

function onEvents(ctx: CliContext, parts: Parts, metrics: WatchMetrics | null, sender: () => OutboxSender | null) {
  const print = progressPrinter(ctx);
  return (event: WatchEvent) => {
    const id = 'id' in event ? event.id : undefined;
    const state = event.kind === 'finished' ? event.result.state : undefined;
    parts.withFields({ migrationId: id, state }, () => print(event));
    if (event.kind === 'started') metrics?.driveStarted();
    if (event.kind === 'finished') {
      metrics?.driveEnded(event.result.status);
      if (event.result.status === 'completed') metrics?.completed(event.id, event.result.context.marks);
      sender()?.kick();
    }
    if (event.kind === 'failed' || event.kind === 'locked') metrics?.driveEnded(event.kind);
  };
}

export async function startWatchService(
  ctx: CliContext,
  opts: GlobalOptions & { org?: string },
  runtime: Runtime,
  parts: Parts,
): Promise<WatchService> {
  const { settings, service } = parts;
  const listen = service.listen ? await loadListen(ctx, runtime.store, runtime.dbPath) : null;
  const metrics = listen?.metrics ?? null;
  if (metrics) httpObserver.onAttempt = (a) => metrics.vendorAttempt(a.service, a.method, a.status, a.retry);
  const store = listen?.store ?? runtime.store;
  const receivers = receiversFor(service);
  const sender = receivers.length > 0 ? newSender(ctx, store, receivers, service, metrics) : null;
  for (const r of receivers) say(ctx, `notify: ${r.id} (${r.format}) → ${r.label}`);
  let config: ReturnType<typeof readServiceConfig> | null = null;
  const configured = () => {
    config ??= readServiceConfig(ctx, opts);
    return config;
  };
  const engineFor = (plan: Plan) =>
    new Engine({
      store,
      services: runtime.servicesFor(plan),
      clock: ctx.clock,
      logger: stderrLogger(ctx),
      holder: defaultHolder(),
      settings: settingsFrom(configured()),
      env: ctx.env,
    });
  let looping = false;
  let ready = false;
  const onEvent = onEvents(ctx, parts, metrics, () => sender);
  const scheduler = new Scheduler({
    store,
    drive: (m, options) => engineFor(m.plan as Plan).drive(m.id, { mode: 'until-waiting', ...options }),
    clock: ctx.clock,
    concurrency: settings.concurrency,
    ratePerSecond: settings.rate,
    orgId: settings.orgId,
    graceMs: service.graceMs,
    onEvent: (event) => {
      if (event.kind === 'watching') ready = !ctx.signal.aborted;
      onEvent(event);
    },
  });
  ctx.signal.addEventListener('abort', () => (ready = false), { once: true });
  const routes = listen
    ? listen.server.serviceRoutes({
        health: listen.probe,
        looping: () => looping,
        ready: () => ready,
        metrics: async () => ({
          contentType: listen.metrics.contentType,
          body: await listen.metrics.registry.metrics(),
        }),
      })
    : undefined;
  let server: { url: string; close(): Promise<void> } | null = null;
  const senderStop = new AbortController();
  let sending: Promise<void> | null = null;
  return {
    scheduler,
    routes,
    async listen(sharedUrl) {
      if (!listen || !routes || !service.listen) return;
      if (!sharedUrl) server = await listen.server.startServiceServer(service.listen.host, service.listen.port, routes);
      say(ctx, `service listening on ${sharedUrl ?? server?.url} (GET /healthz, /readyz, /metrics)`);
    },
    async run() {
      sending =
        sender?.run(senderStop.signal).catch((e: unknown) => say(ctx, `error: notifications stopped: ${e}`)) ?? null;
      looping = true;
      try {
        return await scheduler.run(ctx.signal, settings.once ? 'once' : 'forever');
      } finally {
        looping = false;
        ready = false;
        // The events of the last drives: one more round, bounded by the grace period.
        if (sender) await boundedBy(sender.drain(), Math.max(1000, service.graceMs));
      }
    },
    async close() {
      senderStop.abort();
      await sending;
      await server?.close();
      if (metrics) httpObserver.onAttempt = undefined;
    },
  };
}

function boundedBy(work: Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    work.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
