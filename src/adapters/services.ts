// Wires the real service clients from a validated configuration: one redactor seeded with every configured
// secret (IMS tokens are added as they are issued), one IMS token cache shared by AEP and Audience Manager, and
// one HTTP client per service, all with the same timeout, retry and debug settings.
import type { ServiceConfig } from '../core/config.js';
import { DEFAULT_JIRA_RATE, secretValues } from '../core/config.js';
import type { Clock, Logger } from '../ports.js';
import { AamDirectory } from './aam/client.js';
import { FlowServiceClient } from './aep/flow-service.js';
import { IdentityClient } from './aep/identity.js';
import { ImsTokenProvider } from './aep/ims.js';
import { AepPlatform } from './aep/platform.js';
import { SegmentationClient } from './aep/segmentation.js';
import { HttpClient, type AuthProvider, type FetchFn, type HttpClientOptions, type SleepFn } from './http/client.js';
import { siteBudget } from './http/budget.js';
import { Redactor } from './http/redact.js';
import { JiraTracker } from './jira/client.js';

export interface ServiceDeps {
  logger: Logger;
  fetch?: FetchFn;
  /** Waits between retries; tests pass a recorder that does not wait. */
  sleep?: SleepFn;
  clock?: Clock;
  /** Backoff jitter source, [0, 1). */
  random?: () => number;
  /** Overrides of the backoff base and cap (ms), mostly for tests. */
  retryBaseMs?: number;
  retryCapMs?: number;
}

export interface Services {
  tracker: JiraTracker;
  platform: AepPlatform;
  directory: AamDirectory;
  ims: ImsTokenProvider;
  /** The redactor every client uses: pass text through `redactor.text()` before showing it anywhere. */
  redactor: Redactor;
}

export function createServices(config: ServiceConfig, deps: ServiceDeps): Services {
  const redactor = new Redactor(secretValues(config));
  const now = deps.clock ? () => deps.clock!.now() : Date.now;
  const sleep: SleepFn | undefined =
    deps.sleep ?? (deps.clock ? (ms) => deps.clock!.sleepUntil(deps.clock!.now() + ms) : undefined);
  const common = (
    service: HttpClientOptions['service'],
    baseUrl: string,
    auth?: AuthProvider,
    budget?: HttpClientOptions['budget'],
  ): HttpClient =>
    new HttpClient({
      budget,
      service,
      baseUrl,
      auth,
      redactor,
      logger: deps.logger,
      fetch: deps.fetch,
      sleep,
      now,
      random: deps.random,
      debug: config.http.debug,
      timeoutMs: config.http.timeoutMs,
      retries: config.http.retries,
      retryBaseMs: deps.retryBaseMs,
      retryCapMs: deps.retryCapMs,
    });

  const ims = new ImsTokenProvider(common('ims', config.ims.url), config.ims, now);
  const adobeHeaders = { 'x-api-key': config.ims.clientId, 'x-gw-ims-org-id': config.platform.orgId };
  const aepAuth = ims.authProvider({ ...adobeHeaders, 'x-sandbox-name': config.platform.sandbox });
  // x-gw-ims-org-id on Audience Manager is what the third-party clients send; the Adobe doc does not require it.
  const aamAuth = ims.authProvider(adobeHeaders);
  const aep = common('aep', config.platform.url, aepAuth);

  return {
    // One budget per Jira site, shared by the clients of every org (watch builds one per org and sandbox).
    tracker: new JiraTracker(
      common(
        'jira',
        config.jira.url,
        jiraAuth(config),
        siteBudget(config.jira.url, config.jira.rate ?? DEFAULT_JIRA_RATE, now),
      ),
      config.jira.flavor,
      now,
    ),
    platform: new AepPlatform(
      new FlowServiceClient(aep),
      new SegmentationClient(aep),
      config.platform.ecaSpecName,
      new IdentityClient(aep),
    ),
    directory: new AamDirectory(common('aam', config.aam.url, aamAuth)),
    ims,
    redactor,
  };
}

/** Cloud: Basic base64(email:api token). Data Center: Bearer personal access token (not accepted as Basic). */
function jiraAuth(config: ServiceConfig): AuthProvider {
  const { flavor, email, token } = config.jira;
  const authorization =
    flavor === 'cloud'
      ? `Basic ${Buffer.from(`${email ?? ''}:${token}`, 'utf8').toString('base64')}`
      : `Bearer ${token}`;
  return { headers: async () => ({ Authorization: authorization }) };
}
