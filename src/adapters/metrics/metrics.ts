// The Prometheus metrics of `watch --listen`, through prom-client (loaded only here, and this module only by
// `watch --listen`, with a dynamic import). Label values are bounded sets (states, statuses, services, method
// classes, status classes, event types): never an org id, a ticket key, a URL or anything secret, so the
// series count stays small and a dashboard leaks nothing. docs/operating-watch.md lists every metric.
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { computeDowntime } from '../../core/downtime.js';
import { DEFAULT_TIME_ZONE } from '../../core/business-days.js';
import type { Marks } from '../../core/types.js';
import type { MigrationSummary } from '../../ports.js';

/** Seconds: a ticket waits days, a cut-over takes seconds. */
const LONG_BUCKETS = [1, 10, 60, 300, 900, 3600, 4 * 3600, 86_400, 3 * 86_400, 7 * 86_400, 14 * 86_400];
const SHORT_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600];

export interface WatchMetrics {
  registry: Registry;
  contentType: string;
  driveStarted(): void;
  driveEnded(outcome: string): void;
  /** A migration the watch saw complete: its downtime measures (once per migration per process). */
  completed(id: string, marks: Marks): void;
  vendorAttempt(service: string, method: string, status: number | null, retry: boolean): void;
  leaseTakeover(): void;
  fencedRefusal(): void;
  notification(type: string, outcome: 'sent' | 'failed'): void;
  /** Reads the fleet's state from the store at scrape time. */
  setSource(read: () => Promise<MigrationSummary[]>): void;
}

export function methodClass(method: string): 'read' | 'write' {
  return method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

export function statusClass(status: number | null): string {
  if (status === null) return 'network';
  if (status === 429) return '429';
  return `${Math.floor(status / 100)}xx`;
}

const top = (state: string): string => state.split('.')[0] ?? state;

interface FleetView {
  ok: boolean;
  byState: Map<string, { state: string; status: string; n: number }>;
  ages: number[];
}

/** One store read per scrape, shared by every fleet gauge (prom-client collects them concurrently). */
function fleetReader(source: () => Promise<MigrationSummary[]>, now: () => number): () => Promise<FleetView> {
  let pending: Promise<FleetView> | null = null;
  const read = async (): Promise<FleetView> => {
    try {
      const summaries = await source();
      const byState = new Map<string, { state: string; status: string; n: number }>();
      for (const m of summaries) {
        const key = `${top(m.state)}/${m.status}`;
        const entry = byState.get(key) ?? { state: top(m.state), status: m.status, n: 0 };
        entry.n++;
        byState.set(key, entry);
      }
      return { ok: true, byState, ages: ticketAges(summaries, now()) };
    } catch {
      return { ok: false, byState: new Map(), ages: [] };
    }
  };
  return () => {
    if (!pending) {
      pending = read();
      // Over when this scrape's collectors have all had it.
      void pending.then(() => setTimeout(() => (pending = null), 0));
    }
    return pending;
  };
}

function fleetGauges(client: typeof import('prom-client'), registry: Registry, view: () => Promise<FleetView>): void {
  const gauge = (name: string, help: string, set: (g: Gauge, v: FleetView) => void, labelNames: string[] = []) =>
    new client.Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        set(this, await view());
      },
    });
  gauge('cutover_scrape_store_ok', '1 when this scrape could read the store, 0 when not', (g, v) =>
    g.set(v.ok ? 1 : 0),
  );
  gauge(
    'cutover_migrations',
    'Migrations in the store, by top-level state and status',
    (g, v) => {
      g.reset();
      for (const e of v.byState.values()) g.set({ state: e.state, status: e.status }, e.n);
    },
    ['state', 'status'],
  );
  gauge('cutover_tickets_waiting', 'Deprovisioning tickets filed and not yet resolved', (g, v) => g.set(v.ages.length));
  gauge('cutover_ticket_wait_oldest_seconds', 'Age of the oldest ticket still waiting (0 when none waits)', (g, v) =>
    g.set(v.ages.length ? Math.max(...v.ages) : 0),
  );
  gauge(
    'cutover_ticket_wait_seconds_sum',
    'Sum of the ages of the tickets still waiting (with cutover_tickets_waiting: the mean age)',
    (g, v) => g.set(v.ages.reduce((x, y) => x + y, 0)),
  );
}

function ticketAges(summaries: MigrationSummary[], nowMs: number): number[] {
  return summaries
    .filter((m) => m.state.startsWith('awaiting_resolution') && m.marks.ticket_filed && !m.marks.legacy_stopped)
    .map((m) => Math.max(0, (nowMs - Date.parse(m.marks.ticket_filed?.at ?? '')) / 1000))
    .filter((s) => Number.isFinite(s));
}

export async function createWatchMetrics(now: () => number): Promise<WatchMetrics> {
  const client = await import('prom-client');
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'cutover_process_' });
  let read: () => Promise<MigrationSummary[]> = async () => [];
  fleetGauges(
    client,
    registry,
    fleetReader(() => read(), now),
  );
  const c = counters(client, registry);
  const h = histograms(client, registry);
  const observed = new Set<string>();
  return {
    registry,
    contentType: registry.contentType,
    driveStarted: () => c.running.inc(),
    driveEnded: (outcome) => {
      c.running.dec();
      c.drives.inc({ outcome });
    },
    completed: (id, marks) => {
      if (observed.has(id)) return;
      observed.add(id);
      observeDowntime(h, marks);
    },
    vendorAttempt: (service, method, status, retry) => {
      c.requests.inc({ service, method_class: methodClass(method), status: statusClass(status) });
      if (retry) c.retries.inc({ service });
      if (status === 429) c.rateLimited.inc({ service });
    },
    leaseTakeover: () => c.takeovers.inc(),
    fencedRefusal: () => c.fenced.inc(),
    notification: (type, outcome) => c.notifications.inc({ type, outcome }),
    setSource: (fn) => {
      read = fn;
    },
  };
}

function counters(client: typeof import('prom-client'), registry: Registry) {
  const counter = (name: string, help: string, labelNames: string[] = []): Counter =>
    new client.Counter({ name, help, labelNames, registers: [registry] });
  const running: Gauge = new client.Gauge({
    name: 'cutover_drives_running',
    help: 'Drives running now in this watch',
    registers: [registry],
  });
  return {
    running,
    drives: counter('cutover_drives_total', 'Drives this watch finished, by outcome', ['outcome']),
    requests: counter(
      'cutover_vendor_requests_total',
      'Vendor HTTP attempts, by service, method class and status class',
      ['service', 'method_class', 'status'],
    ),
    retries: counter('cutover_vendor_retries_total', 'Vendor HTTP attempts that were retries', ['service']),
    rateLimited: counter('cutover_vendor_rate_limited_total', 'Vendor answers 429 Too Many Requests', ['service']),
    takeovers: counter('cutover_lease_takeovers_total', 'Leases of dead runners taken over by this watch'),
    fenced: counter('cutover_fenced_writes_refused_total', 'Writes the store refused: the lease was no longer ours'),
    notifications: counter('cutover_notifications_total', 'Notification posts, by event type and outcome', [
      'type',
      'outcome',
    ]),
  };
}

function histograms(client: typeof import('prom-client'), registry: Registry): Record<string, Histogram> {
  const histogram = (name: string, help: string, buckets: number[]) =>
    new client.Histogram({ name, help, buckets, registers: [registry] });
  return {
    detectionLag: histogram(
      'cutover_detection_lag_seconds',
      'Legacy pipe stopped to resolution detected',
      LONG_BUCKETS,
    ),
    execution: histogram('cutover_cutover_execution_seconds', 'Resolution detected to flow created', SHORT_BUCKETS),
    window: histogram('cutover_downtime_window_seconds', 'Legacy pipe stopped to flow created', LONG_BUCKETS),
    firstData: histogram('cutover_time_to_first_data_seconds', 'Legacy pipe stopped to first data seen', LONG_BUCKETS),
  };
}

function observeDowntime(h: Record<string, Histogram>, marks: Marks): void {
  const d = computeDowntime(marks, { timeZone: DEFAULT_TIME_ZONE });
  const pairs: [Histogram | undefined, { ms: number; negative: boolean } | null][] = [
    [h.detectionLag, d.detectionLag],
    [h.execution, d.executionTime],
    [h.window, d.window],
    [h.firstData, d.dataGap],
  ];
  for (const [histogram, m] of pairs) if (histogram && m && !m.negative) histogram.observe(m.ms / 1000);
}
