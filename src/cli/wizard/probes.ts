// Credential probes: one harmless read per service, each reported with the fix for its failure. Shared by
// `cutover doctor` and the wizard's first step.
import { ServiceError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { say, styleFor } from '../output.js';
import type { Connection } from './connect.js';

export interface ProbeResult {
  id: 'ims' | 'jira' | 'aep' | 'aam';
  title: string;
  ok: boolean;
  detail: string;
  /** The request was answered but the credentials were refused (401, or IMS invalid_client). */
  rejected?: boolean;
  fix?: string;
}

const FIXES: Record<ProbeResult['id'], { rejected: string; other: string }> = {
  ims: {
    rejected: 'IMS refused the client credentials: copy the client id and secret of the OAuth Server-to-Server credential from the Adobe Developer Console into CUTOVER_CLIENT_ID / CUTOVER_CLIENT_SECRET, and check CUTOVER_IMS_SCOPES.',
    other: 'Check CUTOVER_IMS_URL (https://ims-na1.adobelogin.com) and your network or proxy.',
  },
  jira: {
    rejected: 'Jira refused the credentials: for Jira Cloud set CUTOVER_JIRA_EMAIL and an API token (id.atlassian.com > Security > API tokens) in CUTOVER_JIRA_TOKEN; for Data Center set CUTOVER_JIRA_FLAVOR=dc and a personal access token.',
    other: 'Check CUTOVER_JIRA_URL (your site, e.g. https://example.atlassian.net) and CUTOVER_JIRA_FLAVOR.',
  },
  aep: {
    rejected: 'Experience Platform refused the token: add the technical account to an AEP product profile for the org and sandbox, and check CUTOVER_ORG_ID.',
    other: 'Check CUTOVER_PLATFORM_URL (https://platform.adobe.io), CUTOVER_ORG_ID and CUTOVER_SANDBOX.',
  },
  aam: {
    rejected: 'Audience Manager refused the token: add the Audience Manager API to the Developer Console project and give the technical account read access to data sources.',
    other: 'Check CUTOVER_AAM_URL (https://aam.adobe.io).',
  },
};

function failure(id: ProbeResult['id'], title: string, err: unknown): ProbeResult {
  const status = err instanceof ServiceError ? err.status : undefined;
  const rejected = status === 401 || status === 403 || (id === 'ims' && status === 400);
  const detail = err instanceof Error ? err.message : String(err);
  return { id, title, ok: false, detail, rejected, fix: rejected ? FIXES[id].rejected : FIXES[id].other };
}

async function probe(id: ProbeResult['id'], title: string, read: () => Promise<string>): Promise<ProbeResult> {
  try {
    return { id, title, ok: true, detail: await read() };
  } catch (err) {
    return failure(id, title, err);
  }
}

/** IMS first: AEP and Audience Manager need its token, so their probes are skipped when it fails. */
export async function probeCredentials(conn: Connection): Promise<ProbeResult[]> {
  const { services, settings } = conn;
  const ims = await probe('ims', 'Adobe IMS token', async () => {
    await services.ims.token();
    return `token issued for client ${conn.config.ims.clientId}`;
  });
  const jira = probe('jira', 'Jira /myself', async () => `authenticated as ${(await services.tracker.whoAmI()).displayName}`);
  const skipped = (id: ProbeResult['id'], title: string): ProbeResult => ({ id, title, ok: false, detail: 'not tried: needs the IMS token', fix: FIXES.ims.rejected });
  const aep = ims.ok
    ? probe('aep', 'AEP connection specs', async () => {
        const spec = await services.platform.findConnectionSpec(settings.ecaSpecName);
        return spec ? `"${spec.name}" is in the catalogue (${spec.id})` : `catalogue readable, but no "${settings.ecaSpecName}" spec in it`;
      })
    : Promise.resolve(skipped('aep', 'AEP connection specs'));
  const aam = ims.ok
    ? probe('aam', 'Audience Manager data sources', async () => `${(await services.directory.listDataSources()).length} data sources readable`)
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
