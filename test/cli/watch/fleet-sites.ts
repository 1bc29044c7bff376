// A fleet over several Jira sites, in-process: one emulator per site (each a Jira site with its own AEP), a real
// SQLite file, the real service clients (one set per org, as `watch` builds them) and the fleet Scheduler that
// `watch` runs, with batched ticket reads. Every Jira request the clients send is recorded (site, method, path,
// instant), so a test can say which tickets were read one by one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../../src/adapters/clock.js';
import { createServices, type Services } from '../../../src/adapters/services.js';
import { openStore } from '../../../src/adapters/sqlite/store.js';
import { validateConfig } from '../../../src/core/config.js';
import { validatePlan } from '../../../src/core/plan.js';
import type { Plan } from '../../../src/core/types.js';
import { Engine } from '../../../src/engine/engine.js';
import { Scheduler, type WatchEvent } from '../../../src/engine/index.js';
import { DEFAULT_SETTINGS } from '../../../src/engine/types.js';
import { emulatorEnv, startEmulator, type Emulator, type EmulatorOptions } from '../../../src/emulator/index.js';
import type { Logger, MigrationStore } from '../../../src/ports.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface JiraCall {
  site: string;
  method: string;
  path: string;
  /** The ticket keys a search asked for (`key in (...)`). */
  keys: string[];
  at: number;
  /** The round trip, once answered. */
  ms?: number;
}

export interface FleetSites {
  sites: Emulator[];
  store: MigrationStore;
  calls: JiraCall[];
  events: WatchEvent[];
  /** The site (emulator) of an org. */
  siteOf(org: string): Emulator;
  create(org: string): Promise<string>;
  /** Starts the scheduler (mode forever) until stop(). */
  start(): void;
  stop(): Promise<void>;
  close(): Promise<void>;
}

function keysOf(url: URL): string[] {
  const list = /key in \(([^)]*)\)/i.exec(url.searchParams.get('jql') ?? '')?.[1] ?? '';
  return list
    .split(',')
    .map((k) => k.trim().replace(/^"|"$/g, ''))
    .filter(Boolean);
}

export function fleetOrg(site: number, i: number): string {
  return `${(0xf1ee0000 + site * 0x10000 + i).toString(16).toUpperCase().padStart(24, '0')}@AdobeOrg`;
}

function planFor(emu: Emulator, org: string, pollMs: number): Plan {
  const { plan, errors } = validatePlan({
    orgId: org,
    sandbox: 'prod',
    audiences: emu
      .world(org)
      .audiences.slice(0, 2)
      .map((a) => a.id),
    identities: [{ source: 'ECID', target: 'ECID' }],
    solutions: ['audience_manager'],
    destination: { name: 'Experience Cloud Audiences', description: 'Migrated by cutover' },
    jira: { projectKey: 'CC', issueType: 'Task' },
  });
  if (!plan) throw new Error(JSON.stringify(errors));
  plan.polling = { ...plan.polling, ticketIntervalMs: pollMs, verifyIntervalMs: 300, maxAttempts: 2, retryBaseMs: 200 };
  return plan;
}

export async function fleetSites(options: {
  orgsPerSite: number[];
  pollMs: number;
  jiraRate?: number;
  emulator?: EmulatorOptions;
}): Promise<FleetSites> {
  const orgsOf = options.orgsPerSite.map((n, s) => Array.from({ length: n }, (_, i) => fleetOrg(s, i)));
  const sites = await Promise.all(
    orgsOf.map((orgs) => startEmulator({ port: 0, timeScale: 0.02, orgs, ...options.emulator })),
  );
  const site = new Map(orgsOf.flatMap((orgs, s) => orgs.map((o) => [o, sites[s]!] as const)));
  const dir = mkdtempSync(join(tmpdir(), 'cutover-fleet-sites-'));
  const store = openStore(join(dir, 'state.db'));
  const calls: JiraCall[] = [];
  const events: WatchEvent[] = [];
  const recording: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    if (!url.pathname.startsWith('/rest/api/')) return fetch(input, init);
    const call: JiraCall = {
      site: url.origin,
      method: init?.method ?? 'GET',
      path: url.pathname,
      keys: keysOf(url),
      at: Date.now(),
    };
    calls.push(call);
    const response = await fetch(input, init);
    call.ms = Date.now() - call.at;
    return response;
  };
  const services = new Map<string, Services>();
  const servicesFor = (plan: Plan): Services => {
    let s = services.get(plan.orgId);
    if (!s) {
      const env = { ...emulatorEnv(site.get(plan.orgId)!.url), CUTOVER_ORG_ID: plan.orgId };
      const { config, errors } = validateConfig({ ...env, CUTOVER_JIRA_RATE: String(options.jiraRate ?? 500) });
      if (errors.length > 0) throw new Error(errors.join('; '));
      s = createServices(config, { logger: quiet, clock: systemClock, fetch: recording, retryBaseMs: 20 });
      services.set(plan.orgId, s);
    }
    return s;
  };
  const engineFor = (plan: Plan) =>
    new Engine({
      store,
      services: servicesFor(plan),
      clock: systemClock,
      logger: quiet,
      holder: 'test@fleet:1',
      settings: DEFAULT_SETTINGS,
      env: {},
    });
  const scheduler = new Scheduler({
    store,
    drive: (m, o) => engineFor(m.plan as Plan).drive(m.id, { mode: 'until-waiting', ...o }),
    clock: systemClock,
    concurrency: 16,
    ratePerSecond: 1000,
    refreshMs: 500,
    trackerFor: (m) => servicesFor(m.plan as Plan).tracker,
    onEvent: (e) => events.push(e),
  });
  const controller = new AbortController();
  let running: Promise<unknown> | null = null;
  return {
    sites,
    store,
    calls,
    events,
    siteOf: (org) => site.get(org)!,
    create: (org) =>
      engineFor(planFor(site.get(org)!, org, options.pollMs)).create(
        planFor(site.get(org)!, org, options.pollMs),
        'test',
      ),
    start() {
      running = scheduler.run(controller.signal, 'forever');
    },
    async stop() {
      controller.abort();
      await running;
    },
    async close() {
      controller.abort();
      await running?.catch(() => {});
      await store.close();
      await Promise.all(sites.map((s) => s.close()));
    },
  };
}
