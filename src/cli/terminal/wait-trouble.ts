// The words for a wait whose reads are failing: "Jira answered HTML (3 tries since 14:02:05Z)". Shared by the
// live waiting line of a driven run, watch's lines and the "is waiting" message, so all three say the same.
import type { MigrationContext, WaitStep } from '../../core/machine-types.js';
import type { ErrorKind, StoredError } from '../../core/types.js';
import { WAIT_AUTH_TRIES, errorKind } from '../../core/wait-errors.js';

const SERVICE_LABELS: Record<string, string> = {
  jira: 'Jira',
  aep: 'Adobe Experience Platform',
  aam: 'Audience Manager',
  ims: 'Adobe IMS',
};

function what(kind: ErrorKind, e: StoredError, attempts: number): string {
  switch (kind) {
    case 'html':
      return 'answered HTML';
    case 'malformed':
      return 'answered an unreadable body';
    case 'wrong_shape':
      return 'answered without the expected fields';
    case 'server':
      return `answered HTTP ${e.httpStatus ?? '5xx'}`;
    case 'rate_limited':
      return 'is rate limiting us (HTTP 429)';
    case 'timeout':
      return 'did not answer in time';
    case 'network':
      return 'could not be reached';
    case 'auth':
      return `refused the credentials, try ${attempts} of ${WAIT_AUTH_TRIES}`;
    default:
      return `failed (${e.code})`;
  }
}

function clock(iso: string): string {
  return Number.isFinite(Date.parse(iso)) ? `${new Date(iso).toISOString().slice(11, 19)}Z` : iso;
}

/** "Jira answered HTML (3 tries since 14:02:05Z)", or '' when the wait's reads answer (or `step` is not waited on). */
export function troubleText(c: MigrationContext, step?: WaitStep): string {
  const t = c.waitTrouble;
  if (!t || (step && t.step !== step)) return '';
  const service = SERVICE_LABELS[t.last.service ?? ''] ?? 'The service';
  const tries = `${t.tries} ${t.tries === 1 ? 'try' : 'tries'} since ${clock(t.since)}`;
  return `${service} ${what(errorKind(t.last), t.last, c.attempts)} (${tries})`;
}
