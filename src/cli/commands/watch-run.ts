// The parts of a running `watch`, wired together: the fleet scheduler (drives under leases), the outbox sender
// (--notify), the metrics and the health routes (--listen), and the drain on SIGTERM: no new drive starts,
// running ones get the grace period to reach their next wait, the notifications they caused are sent, then exit.
import { httpObserver } from '../../adapters/http/client.js';
import type { WatchMetrics } from '../../adapters/metrics/metrics.js';
import type { RouteHandler } from '../../adapters/metrics/server.js';
import { defaultHolder } from '../../adapters/account.js';
import type { Plan } from '../../core/types.js';
import {
  DEFAULT_SETTINGS,
  Engine,
  fleetClaims,
  type OutboxSender,
  Scheduler,
  type WatchEvent,
  type WatchSummary,
} from '../../engine/index.js';
import type { MigrationStore } from '../../ports.js';
import { UsageError } from '../../errors.js';
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

function levelOf(event: WatchEvent): LogFields['level'] {
  if (event.kind === 'failed') return 'error';
  if (event.kind === 'locked' || event.kind === 'refresh-failed') return 'warn';
  if (event.kind === 'finished' && event.result.status === 'needs_attention') return 'warn';
  return undefined;
}

function onEvents(ctx: CliContext, parts: Parts, metrics: WatchMetrics | null, sender: () => OutboxSender | null) {
  const print = progressPrinter(ctx);
  return (event: WatchEvent) => {
    const id = 'id' in event ? event.id : undefined;
    const state = event.kind === 'finished' ? event.result.state : undefined;
    parts.withFields({ migrationId: id, state, level: levelOf(event) }, () => print(event));
    if (event.kind === 'started') metrics?.driveStarted();
    if (event.kind === 'finished') {
      metrics?.driveEnded(event.result.status);
      if (event.result.status === 'completed') metrics?.completed(event.id, event.result.context.marks);
      sender()?.kick();
    }
    if (event.kind === 'failed' || event.kind === 'locked') metrics?.driveEnded(event.kind);
  };
}

type Listen = Awaited<ReturnType<typeof loadListen>>;

/** Engines over the (observed) store, one per plan's org: the configuration is read on the first drive. */
function engines(ctx: CliContext, opts: GlobalOptions, runtime: Runtime, store: MigrationStore) {
  let config: ReturnType<typeof readServiceConfig> | null = null;
  const configured = () => {
    config ??= readServiceConfig(ctx, opts);
    return config;
  };
  return (plan: Plan) =>
    new Engine({
      store,
      services: runtime.servicesFor(plan),
      clock: ctx.clock,
      logger: stderrLogger(ctx),
      holder: defaultHolder(),
      settings: settingsFrom(configured()),
      env: ctx.env,
    });
}

class RunningWatch implements WatchService {
  readonly scheduler: Scheduler;
  readonly routes: RouteHandler | undefined;
  private readonly sender: OutboxSender | null;
  private readonly senderStop = new AbortController();
  private sending: Promise<void> | null = null;
  private server: { url: string; close(): Promise<void> } | null = null;
  private looping = false;
  private ready = false;

  constructor(
    private readonly ctx: CliContext,
    opts: GlobalOptions,
    runtime: Runtime,
    private readonly parts: Parts,
    private readonly listening: Listen | null,
  ) {
    const metrics = listening?.metrics ?? null;
    const store = listening?.store ?? runtime.store;
    const receivers = receiversFor(parts.service);
    this.sender = receivers.length > 0 ? newSender(ctx, store, receivers, parts.service, metrics) : null;
    for (const r of receivers) say(ctx, `notify: ${r.id} (${r.format}) → ${r.label}`);
    this.scheduler = this.newScheduler(store, engines(ctx, opts, runtime, store), metrics, runtime);
    ctx.signal.addEventListener('abort', () => (this.ready = false), { once: true });
    this.routes = listening ? this.routesFor(listening) : undefined;
  }

  private newScheduler(
    store: MigrationStore,
    engineFor: (plan: Plan) => Engine,
    metrics: WatchMetrics | null,
    runtime: Runtime,
  ) {
    const { settings, service } = this.parts;
    const onEvent = onEvents(this.ctx, this.parts, metrics, () => this.sender);
    return new Scheduler({
      store,
      drive: (m, options) => engineFor(m.plan as Plan).drive(m.id, { mode: 'until-waiting', ...options }),
      clock: this.ctx.clock,
      concurrency: settings.concurrency,
      ratePerSecond: settings.rate,
      orgId: settings.orgId,
      graceMs: service.graceMs,
      // Workers sharing the store claim what is due (one statement a pass) instead of racing for leases; on a
      // one-worker SQLite store the claim is the same lease its drive would take.
      claims: fleetClaims({
        store,
        clock: this.ctx.clock,
        holder: defaultHolder(),
        ttlMs: DEFAULT_SETTINGS.leaseTtlMs,
      }),
      // Due ticket polls of one Jira site are read by batch searches through the migration's tracker (issue 17).
      trackerFor: (m) => runtime.servicesFor(m.plan as Plan).tracker,
      onEvent: (event) => {
        if (event.kind === 'watching') this.ready = !this.ctx.signal.aborted;
        onEvent(event);
      },
    });
  }

  private routesFor(l: Listen): RouteHandler {
    return l.server.serviceRoutes({
      health: l.probe,
      looping: () => this.looping,
      ready: () => this.ready,
      metrics: async () => ({ contentType: l.metrics.contentType, body: await l.metrics.registry.metrics() }),
    });
  }

  async listen(sharedUrl?: string): Promise<void> {
    const at = this.parts.service.listen;
    if (!this.listening || !this.routes || !at) return;
    if (!sharedUrl)
      this.server = await this.listening.server
        .startServiceServer(at.host, at.port, this.routes)
        .catch((cause: unknown) => {
          const why = (cause as { code?: string }).code === 'EADDRINUSE' ? 'the address is in use' : String(cause);
          throw new UsageError(`--listen ${at.host}:${at.port}: ${why}`, 'give another port (0 picks a free one)', {
            cause,
          });
        });
    say(this.ctx, `service listening on ${sharedUrl ?? this.server?.url} (GET /healthz, /readyz, /metrics)`);
  }

  async run(): Promise<WatchSummary> {
    const stopped = (e: unknown) => say(this.ctx, `error: notifications stopped: ${e}`);
    this.sending = this.sender?.run(this.senderStop.signal).catch(stopped) ?? null;
    this.looping = true;
    try {
      return await this.scheduler.run(this.ctx.signal, this.parts.settings.once ? 'once' : 'forever');
    } finally {
      this.looping = false;
      this.ready = false;
      // The events of the last drives: one more round, bounded by the grace period.
      if (this.sender) await boundedBy(this.sender.drain(), Math.max(1000, this.parts.service.graceMs));
    }
  }

  async close(): Promise<void> {
    this.senderStop.abort();
    await this.sending;
    await this.server?.close();
    if (this.listening) httpObserver.onAttempt = undefined;
  }
}

export async function startWatchService(
  ctx: CliContext,
  opts: GlobalOptions,
  runtime: Runtime,
  parts: Parts,
): Promise<WatchService> {
  const listening = parts.service.listen ? await loadListen(ctx, runtime.store, runtime.dbPath) : null;
  const metrics = listening?.metrics;
  if (metrics) httpObserver.onAttempt = (a) => metrics.vendorAttempt(a.service, a.method, a.status, a.retry);
  return new RunningWatch(ctx, opts, runtime, parts, listening);
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
