// The flags of `cutover start`, one per question, and how their text becomes answers.
import { HASHABLE_IDENTITIES } from '../../core/plan.js';
import { IDENTITIES, SOLUTIONS, type IdentityMapping, type IdentityName, type Solution } from '../../core/types.js';
import { UsageError } from '../../errors.js';
import type { GlobalOptions } from '../wiring/context.js';

export interface StartOptions extends GlobalOptions {
  plan?: string;
  yes?: boolean;
  follow?: boolean;
  planOut?: string;
  org?: string;
  sandbox?: string;
  solutions?: string;
  audiences?: string;
  identity?: string[];
  ticket?: string;
  jiraProject?: string;
  issueType?: string;
  dataManagement?: boolean;
  aamLicence?: boolean;
  name?: string;
  accountId?: string;
  tokenEnv?: string;
  accept?: string[];
  reason?: string[];
}

const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function parseSolutions(text: string | undefined): Solution[] | undefined {
  if (text === undefined) return undefined;
  const values = list(text);
  const bad = values.filter((v) => !(SOLUTIONS as readonly string[]).includes(v));
  if (bad.length > 0 || values.length === 0) {
    const found = bad.length > 0 ? `not a solution: ${bad.join(', ')}` : 'an empty list';
    throw new UsageError(
      `--solutions ${JSON.stringify(text)}: ${found}; expected a comma-separated list of ${SOLUTIONS.join(', ')}`,
    );
  }
  return values as Solution[];
}

/** "legacy" (what the legacy pipe shares today), "all", or comma-separated segment ids. */
export function parseAudiences(text: string | undefined, all: string[], legacy: string[] | null): string[] | undefined {
  if (text === undefined) return undefined;
  if (text === 'all') return all;
  if (text === 'legacy') {
    if (legacy === null)
      throw new UsageError(
        '--audiences legacy: no legacy data source was found in Audience Manager',
        'name the audience ids instead: --audiences id1,id2',
      );
    return legacy;
  }
  const ids = list(text);
  if (ids.length === 0)
    throw new UsageError('--audiences is empty', 'pass legacy, all, or comma-separated segment ids');
  return ids;
}

/** SOURCE:TARGET[:hash], e.g. Email:email_lc_sha256:hash. */
export function parseIdentity(text: string): IdentityMapping {
  const [source, target, hash, ...rest] = text.split(':');
  const expected = 'SOURCE:TARGET[:hash], e.g. ECID:ECID or Email:email_lc_sha256:hash';
  if (!source || !target || rest.length > 0 || (hash !== undefined && hash !== 'hash'))
    throw new UsageError(`--identity ${JSON.stringify(text)}: expected ${expected}`);
  if (!(IDENTITIES as readonly string[]).includes(target))
    throw new UsageError(`--identity ${JSON.stringify(text)}: target must be one of ${IDENTITIES.join(', ')}`);
  if (hash && !HASHABLE_IDENTITIES.includes(target as IdentityName))
    throw new UsageError(
      `--identity ${JSON.stringify(text)}: only ${HASHABLE_IDENTITIES.join(' and ')} can be hashed on activation`,
    );
  return { source, target: target as IdentityName, ...(hash ? { applyHashing: true } : {}) };
}

export function parseIdentities(values: string[] | undefined): IdentityMapping[] | undefined {
  return values && values.length > 0 ? values.map(parseIdentity) : undefined;
}
