// Credential probes: one harmless read per service, each reported with the fix for its failure. Shared by
// `cutover doctor` and the wizard's first step.
import { ServiceError } from '../../errors.js';
import type { CliContext } from '../wiring/context.js';
import { say, styleFor } from '../terminal/output.js';
import type { Connection } from './connect.js';

export interface ProbeResult {
  id: 'ims' | 'jira' | 'aep' | 'aam';
  title: string;
  ok: boolean;
  detail: string;
  /** The request was answered but the credentials were refused (401, or IMS invalid_client). */
  rejected?: boolean;
  /** No answer within the check's timeout. */
  timedOut?: boolean;
  fix?: string;
}

const FIXES: Record<ProbeResult['id'], { rejected: string; other: string }> = {
  ims: {
    rejected:
      'IMS refused the client credentials: copy the client id and secret of the OAuth Server-to-Server credential ' +
      'from the Adobe Developer Console into CUTOVER_CLIENT_ID / CUTOVER_CLIENT_SECRET, and check ' +
      'CUTOVER_IMS_SCOPES.',
    other: 'Check CUTOVER_IMS_URL (https://ims-na1.adobelogin.com) and your network or proxy.',
  },
  jira: {
    rejected:
      'Jira refused the credentials: for Jira Cloud set CUTOVER_JIRA_EMAIL and an API token (id.atlassian.com > ' +
      'Security > API tokens) in CUTOVER_JIRA_TOKEN; for Data Center set CUTOVER_JIRA_FLAVOR=dc and a personal ' +
      'access token.',
    other: 'Check CUTOVER_JIRA_URL (your site, e.g. https://example.atlassian.net) and CUTOVER_JIRA_FLAVOR.',
  },
  aep: {
    rejected:
      'Experience Platform refused the token: add the technical account to an AEP product profile for the org and ' +
      'sandbox, and check CUTOVER_ORG_ID.',
    other: 'Check CUTOVER_PLATFORM_URL (https://platform.adobe.io), CUTOVER_ORG_ID and CUTOVER_SANDBOX.',
  },
  aam: {
    rejected:
      'Audience Manager refused the token: add the Audience Manager API to the Developer Console project and give ' +
      'the technical account read access to data sources.',
    other: 'Check CUTOVER_AAM_URL (https://aam.adobe.io).',
  },
};

/** Options of `cutover doctor`: each check bounded in time and announced as it starts. */
export interface ProbeOptions {
  /** A check still unanswered after this long fails as "no answer" (the HTTP client should not outlast it). */
  timeoutMs?: number;
  /** Told as each check starts, e.g. "checking Jira at https://… (GET /rest/api/3/myself)…". */
  onStart?: (line: string) => void;
}

interface Target {
  service: string;
  base: string;
  request: string;
  key: string;
}

/** What each check sends where, so a hang or a wrong answer can be named. */
function target(conn: Connection, id: ProbeResult['id']): Target {
  const c = conn.config;
  switch (id) {
    case 'ims':
      return { service: 'Adobe IMS', base: c.ims.url, request: 'POST /ims/token/v3', key: 'CUTOVER_IMS_URL' };
    case 'jira': {
      const api = c.jira.flavor === 'cloud' ? '/rest/api/3' : '/rest/api/2';
      return { service: 'Jira', base: c.jira.url, request: `GET ${api}/myself`, key: 'CUTOVER_JIRA_URL' };
    }
    case 'aep':
      return {
        service: 'Experience Platform',
        base: c.platform.url,
        request: 'GET /data/foundation/flowservice/connectionSpecs',
        key: 'CUTOVER_PLATFORM_URL',
      };
    case 'aam':
      return { service: 'Audience Manager', base: c.aam.url, request: 'GET /v1/datasources/', key: 'CUTOVER_AAM_URL' };
  }
}

class NoAnswer extends Error {}

const NOT_JIRA_FIX =
  'Set CUTOVER_JIRA_URL to your Jira site itself (e.g. https://example.atlassian.net, no /rest/api path, no proxy ' +
  'or login portal in front) and CUTOVER_JIRA_FLAVOR to cloud or dc to match it.';

function failure(id: ProbeResult['id'], title: string, err: unknown, where: Target, timeoutMs?: number): ProbeResult {
  const status = err instanceof ServiceError ? err.status : undefined;
  const vendorCode = err instanceof ServiceError ? err.vendorCode : undefined;
  if (err instanceof NoAnswer || vendorCode === 'TIMEOUT') return noAnswer(id, title, where, timeoutMs);
  const rejected = status === 401 || status === 403 || (id === 'ims' && status === 400);
  const detail = err instanceof Error ? err.message : String(err);
  const fix = rejected ? FIXES[id].rejected : vendorCode === 'NOT_JIRA' ? NOT_JIRA_FIX : FIXES[id].other;
  return { id, title, ok: false, detail, rejected, fix };
}

function noAnswer(id: ProbeResult['id'], title: string, t: Target, timeoutMs?: number): ProbeResult {
  const within = timeoutMs === undefined ? 'in time' : `within ${timeoutMs / 1000} s`;
  return {
    id,
    title,
    ok: false,
    timedOut: true,
    detail: `no answer ${within} from ${t.base} (${t.request})`,
    fix:
      `The server accepted the connection but did not answer: check that ${t.key} (${t.base}) is the ${t.service} ` +
      'address and that no proxy or firewall holds the request; ' +
      'if it is only slow, give it longer with --timeout SECONDS.',
  };
}

/** The read, bounded by the deadline: a server that accepts and never answers fails the check, not the run. */
function withDeadline<T>(read: () => Promise<T>, timeoutMs: number | undefined): Promise<T> {
  if (timeoutMs === undefined) return read();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new NoAnswer()), timeoutMs);
  });
  return Promise.race([read(), deadline]).finally(() => clearTimeout(timer));
}

type Probe = (id: ProbeResult['id'], title: string, read: () => Promise<string>) => Promise<ProbeResult>;

function prober(conn: Connection, options: ProbeOptions): Probe {
  return async (id, title, read) => {
    const where = target(conn, id);
    options.onStart?.(`checking ${where.service} at ${where.base} (${where.request})…`);
    try {
      return { id, title, ok: true, detail: await withDeadline(read, options.timeoutMs) };
    } catch (err) {
      return failure(id, title, err, where, options.timeoutMs);
    }
  };
}

/** IMS first: AEP and Audience Manager need its token, so their probes are skipped when it fails. */
export async function probeCredentials(conn: Connection, options: ProbeOptions = {}): Promise<ProbeResult[]> {
  const { services, settings } = conn;
  const probe = prober(conn, options);
  const ims = await probe('ims', 'Adobe IMS token', async () => {
    await services.ims.token();
    return `token issued for client ${conn.config.ims.clientId}`;
  });
  const jira = probe(
    'jira',
    'Jira /myself',
    async () => `authenticated as ${(await services.tracker.whoAmI()).displayName}`,
  );
  const skipped = (id: ProbeResult['id'], title: string): ProbeResult => ({
    id,
    title,
    ok: false,
    detail: 'not tried: needs the IMS token',
    fix: FIXES.ims.rejected,
  });
  const aep = ims.ok
    ? probe('aep', 'AEP connection specs', async () => {
        const spec = await services.platform.findConnectionSpec(settings.ecaSpecName);
        return spec
          ? `"${spec.name}" is in the catalogue (${spec.id})`
          : `catalogue readable, but no "${settings.ecaSpecName}" spec in it`;
      })
    : Promise.resolve(skipped('aep', 'AEP connection specs'));
  const aam = ims.ok
    ? probe(
        'aam',
        'Audience Manager data sources',
        async () => `${(await services.directory.listDataSources()).length} data sources readable`,
      )
    : Promise.resolve(skipped('aam', 'Audience Manager data sources'));
  return [ims, ...(await Promise.all([jira, aep, aam]))];
}

export function printProbes(ctx: CliContext, results: ProbeResult[]): void {
  const s = styleFor(ctx, 'stderr');
  for (const r of results) {
    say(ctx, `  ${r.ok ? s.green('✓') : s.red('✗')} ${r.title}: ${r.detail}`);
    if (!r.ok && r.fix) say(ctx, `      fix: ${r.fix}`);
  }
}
