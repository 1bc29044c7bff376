/**
 * The emulator's public API: `startEmulator` (in-process, for tests and `cutover demo`), `run` (for
 * `cutover emulator`), the demo credentials and the environment a client needs to point at it.
 *
 * Every service lives under the same base URL (the emulator's `url`): IMS at `${url}/ims/token/v3`, AEP at
 * `${url}/data/foundation/flowservice/...` and `${url}/data/core/ups/...`, Audience Manager at `${url}/v1/...`,
 * Jira at `${url}/rest/api/3/...` (Cloud) or `${url}/rest/api/2/...` (Data Center).
 */
import { TokenStore } from './auth.js';
import { DEFAULT_DELAYS, DEFAULT_TIME_SCALE, DEMO_CREDENTIALS } from './constants.js';
import { addControlRoutes, createControl, type EmulatorControl, type EmulatorSettings } from './control.js';
import { FaultRegistry } from './faults.js';
import type { JiraFlavor } from './jira.js';
import { JiraRateLimiter, type JiraRateLimit } from './jira-rate.js';
import { addVendorRoutes } from './routes.js';
import { Router } from './router.js';
import { listen } from './server.js';
import { World } from './world.js';
import type { WorldState } from './world-state.js';

export {
  DEMO_CREDENTIALS,
  ECA_CONNECTION_SPEC_ID,
  ECA_FLOW_SPEC_ID,
  ECA_NAME,
  ECA_TARGET_IDENTITIES,
  PROFILE_STORE_SPEC_ID,
  LEGACY_DATA_SOURCE_NAME,
  ECA_DATA_SOURCE_NAME,
  JIRA_PROJECT,
} from './constants.js';
export type { EmulatorControl, ResolveOptions, TicketTimes } from './control.js';
export type { FaultKind, FaultRule } from './faults.js';
export type { JiraFlavor } from './jira.js';
export type { JiraRateLimit } from './jira-rate.js';
export type { WorldState, TicketView } from './world-state.js';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Only '127.0.0.1' is accepted: the emulator never listens on anything else. */
  host?: '127.0.0.1';
  seed?: number;
  latencyMs?: number;
  /** Multiplies every simulated delay (default 0.5: the world settles in about two seconds). */
  timeScale?: number;
  jiraFlavor?: JiraFlavor;
  /** Jira's burst limit for this site (one emulator is one site); off by default. */
  jiraRateLimit?: JiraRateLimit;
  /** Customer Care resolves every new ticket after this many emulated ms (scaled); null = never. */
  autoResolveAfterMs?: number | null;
  /** Orgs to seed up front (others are seeded on first use); the first is the default org. */
  orgs?: string[];
  /** Base delays in emulated ms (scaled by timeScale). */
  delays?: { aamPropagationMs?: number; firstRunMs?: number };
}

export interface Emulator {
  url: string;
  port: number;
  close(): Promise<void>;
  world(orgId?: string): WorldState;
  control: EmulatorControl;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  if (options.host !== undefined && options.host !== '127.0.0.1')
    throw new Error('the emulator only listens on 127.0.0.1');
  const defaultOrg = options.orgs?.[0] ?? DEMO_CREDENTIALS.orgId;
  const seed = options.seed ?? 1;
  const world = new World({
    seed,
    timeScale: options.timeScale ?? DEFAULT_TIME_SCALE,
    autoResolveAfterMs: options.autoResolveAfterMs ?? null,
    aamPropagationMs: options.delays?.aamPropagationMs ?? DEFAULT_DELAYS.aamPropagationMs,
    firstRunMs: options.delays?.firstRunMs ?? DEFAULT_DELAYS.firstRunMs,
  });
  for (const org of options.orgs ?? [defaultOrg]) world.org(org);
  const tokens = new TokenStore();
  const faults = new FaultRegistry(seed);
  const settings: EmulatorSettings = {
    latencyMs: options.latencyMs ?? 0,
    jiraFlavor: options.jiraFlavor ?? 'cloud',
    defaultOrg,
    jiraRate: new JiraRateLimiter(),
  };
  if (options.jiraRateLimit) settings.jiraRate.configure(options.jiraRateLimit);
  const control = createControl(world, faults, tokens, settings);
  const router = new Router();
  addControlRoutes(router, control, settings);
  addVendorRoutes(router, world, tokens, defaultOrg, () => settings.jiraFlavor);
  const running = await listen({ router, world, tokens, faults, settings }, options.port ?? 0);
  const url = `http://127.0.0.1:${running.port}`;
  return { url, port: running.port, close: running.close, world: (orgId) => control.world(orgId), control };
}

/** The environment a cutover client needs to talk to the emulator at `url`. */
export function emulatorEnv(url: string, flavor: JiraFlavor = 'cloud'): Record<string, string> {
  return {
    CUTOVER_IMS_URL: url,
    CUTOVER_PLATFORM_URL: url,
    CUTOVER_AAM_URL: url,
    CUTOVER_JIRA_URL: url,
    CUTOVER_JIRA_FLAVOR: flavor,
    CUTOVER_CLIENT_ID: DEMO_CREDENTIALS.clientId,
    CUTOVER_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
    CUTOVER_API_KEY: DEMO_CREDENTIALS.apiKey,
    CUTOVER_ORG_ID: DEMO_CREDENTIALS.orgId,
    CUTOVER_JIRA_EMAIL: DEMO_CREDENTIALS.jiraEmail,
    CUTOVER_JIRA_TOKEN: DEMO_CREDENTIALS.jiraToken,
    // The emulator is nobody's shared Jira: the default budget (2 requests/s, kept low for a site's people) would
    // only slow demos and tests down. Its own rate limit, when switched on, is what a test measures against.
    CUTOVER_JIRA_RATE: '50',
  };
}

export interface RunOptions extends EmulatorOptions {
  /** Where to print (default process.stdout / process.stderr). */
  out?: (line: string) => void;
  /** Resolves when the emulator should stop (default: SIGINT or SIGTERM). */
  until?: Promise<unknown>;
}

/** For `cutover emulator`: start, print the URL and the variables to export, stop on SIGINT/SIGTERM. */
export async function run(options: RunOptions = {}): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const emulator = await startEmulator(options);
  out(`cutover emulator listening on ${emulator.url} (Jira flavour: ${options.jiraFlavor ?? 'cloud'})`);
  for (const [key, value] of Object.entries(emulatorEnv(emulator.url, options.jiraFlavor)))
    out(`export ${key}=${value}`);
  out(`control API: ${emulator.url}/_emulator/world`);
  await (options.until ?? untilSignal());
  await emulator.close();
  return 0;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
