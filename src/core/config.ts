// Service configuration, pure: the keys, their defaults, and validation with messages that name the key, what
// was expected and what was found. Reading the environment and the config file is src/adapters/config-load.ts.
//
// Every key has an environment name (CUTOVER_JIRA_URL) and a config-file place (jira.url): the same key in
// camelCase under a section. docs/configuration.md is the user-facing version of CONFIG_KEYS. The value checks
// are in config-validator.ts.
import { hostOf, present, Validator } from './config-validator.js';

export type JiraFlavor = 'cloud' | 'dc';
export type ServiceGroup = 'jira' | 'adobe';

export interface ServiceConfig {
  /** `rate`: requests per second to the Jira site, at most (the site's budget, shared by every org's client). */
  jira: { url: string; flavor: JiraFlavor; email?: string; token: string; rate?: number };
  ims: { url: string; clientId: string; clientSecret: string; scopes: string };
  platform: { url: string; orgId: string; sandbox: string; ecaSpecName: string; ecaFlowSpecName?: string };
  aam: { url: string; dataSource: string; legacyDataSource: string };
  http: { timeoutMs: number; retries: number; debug: boolean };
}

export interface ConfigKey {
  env: string;
  section: string;
  key: string;
  default?: string;
  secret?: boolean;
  description: string;
}

/** Scopes commonly granted to AEP OAuth Server-to-Server credentials (copy yours from the Developer Console). */
export const DEFAULT_IMS_SCOPES = 'openid,AdobeID,read_organizations,additional_info.projectedProductContext';

/**
 * Requests a second this tool sends one Jira site by default. Polling 1,000 tickets a minute by batched search
 * needs about 0.2 a second; 2 leaves room for filing tickets and the full reads of resolved ones while staying a
 * small share of what a site serves its people (Atlassian publishes no per-site figure: see docs/configuration.md).
 */
export const DEFAULT_JIRA_RATE = 2;

export const CONFIG_KEYS: readonly ConfigKey[] = [
  {
    env: 'CUTOVER_JIRA_URL',
    section: 'jira',
    key: 'url',
    description: 'Jira site, e.g. https://example.atlassian.net',
  },
  {
    env: 'CUTOVER_JIRA_FLAVOR',
    section: 'jira',
    key: 'flavor',
    default: 'cloud',
    description: 'cloud (REST v3) or dc (Data Center, REST v2)',
  },
  { env: 'CUTOVER_JIRA_EMAIL', section: 'jira', key: 'email', description: 'Atlassian account email (Cloud only)' },
  {
    env: 'CUTOVER_JIRA_TOKEN',
    section: 'jira',
    key: 'token',
    secret: true,
    description: 'Cloud API token or Data Center personal access token',
  },
  {
    env: 'CUTOVER_JIRA_RATE',
    section: 'jira',
    key: 'rate',
    default: String(DEFAULT_JIRA_RATE),
    description: 'requests per second to the Jira site, at most (watch --jira-rate overrides it)',
  },
  {
    env: 'CUTOVER_IMS_URL',
    section: 'ims',
    key: 'url',
    default: 'https://ims-na1.adobelogin.com',
    description: 'Adobe IMS host',
  },
  {
    env: 'CUTOVER_CLIENT_ID',
    section: 'ims',
    key: 'clientId',
    description: 'OAuth Server-to-Server client id (also the x-api-key)',
  },
  {
    env: 'CUTOVER_CLIENT_SECRET',
    section: 'ims',
    key: 'clientSecret',
    secret: true,
    description: 'OAuth Server-to-Server client secret',
  },
  {
    env: 'CUTOVER_IMS_SCOPES',
    section: 'ims',
    key: 'scopes',
    default: DEFAULT_IMS_SCOPES,
    description: 'comma-separated scopes',
  },
  {
    env: 'CUTOVER_PLATFORM_URL',
    section: 'platform',
    key: 'url',
    default: 'https://platform.adobe.io',
    description: 'AEP API host',
  },
  { env: 'CUTOVER_ORG_ID', section: 'platform', key: 'orgId', description: 'IMS organisation id, …@AdobeOrg' },
  { env: 'CUTOVER_SANDBOX', section: 'platform', key: 'sandbox', default: 'prod', description: 'AEP sandbox name' },
  {
    env: 'CUTOVER_ECA_SPEC_NAME',
    section: 'platform',
    key: 'ecaSpecName',
    default: 'Experience Cloud Audiences',
    description: 'catalogue name of the destination connection spec',
  },
  {
    env: 'CUTOVER_ECA_FLOW_SPEC_NAME',
    section: 'platform',
    key: 'ecaFlowSpecName',
    description: 'catalogue name of the destination flow spec',
  },
  {
    env: 'CUTOVER_AAM_URL',
    section: 'aam',
    key: 'url',
    default: 'https://aam.adobe.io',
    description: 'Audience Manager API host',
  },
  {
    env: 'CUTOVER_AAM_DATASOURCE',
    section: 'aam',
    key: 'dataSource',
    default: 'Experience Platform Segments',
    description: 'data source the new card writes to',
  },
  {
    env: 'CUTOVER_AAM_LEGACY_DATASOURCE',
    section: 'aam',
    key: 'legacyDataSource',
    default: 'Adobe Experience Platform Audience Sharing',
    description: 'data source of the legacy pipe',
  },
  {
    env: 'CUTOVER_HTTP_TIMEOUT_MS',
    section: 'http',
    key: 'timeoutMs',
    default: '30000',
    description: 'per-request timeout in ms',
  },
  {
    env: 'CUTOVER_HTTP_RETRIES',
    section: 'http',
    key: 'retries',
    default: '4',
    description: 'retries of a failed request',
  },
  {
    env: 'CUTOVER_DEBUG',
    section: 'http',
    key: 'debug',
    description: '"http" logs every request and response, redacted',
  },
];

export type RawConfig = Record<string, string | undefined>;

export interface ConfigResult {
  /** Complete only when `errors` is empty; missing values are empty strings. */
  config: ServiceConfig;
  warnings: string[];
  errors: string[];
}

export interface ValidateOptions {
  /** The service groups the caller needs; missing keys of the others are not errors. Default: all. */
  require?: ServiceGroup[];
}

export function validateConfig(raw: RawConfig, options: ValidateOptions = {}): ConfigResult {
  const need = new Set<ServiceGroup>(options.require ?? ['jira', 'adobe']);
  const v = new Validator(raw, CONFIG_KEYS);
  const flavor = v.oneOf('CUTOVER_JIRA_FLAVOR', ['cloud', 'dc']) as JiraFlavor;
  const config: ServiceConfig = {
    jira: {
      url: v.jiraUrl('CUTOVER_JIRA_URL', need.has('jira'), flavor),
      flavor,
      email: v.text('CUTOVER_JIRA_EMAIL', need.has('jira') && flavor === 'cloud') || undefined,
      token: v.text('CUTOVER_JIRA_TOKEN', need.has('jira')),
      rate: v.rate('CUTOVER_JIRA_RATE', 0.01, 1000),
    },
    ims: {
      url: v.url('CUTOVER_IMS_URL', need.has('adobe')),
      clientId: v.text('CUTOVER_CLIENT_ID', need.has('adobe')),
      clientSecret: v.text('CUTOVER_CLIENT_SECRET', need.has('adobe')),
      scopes: v.scopes('CUTOVER_IMS_SCOPES'),
    },
    platform: {
      url: v.url('CUTOVER_PLATFORM_URL', need.has('adobe')),
      orgId: v.text('CUTOVER_ORG_ID', need.has('adobe')),
      sandbox: v.sandbox('CUTOVER_SANDBOX'),
      ecaSpecName: v.text('CUTOVER_ECA_SPEC_NAME', true),
      ecaFlowSpecName: v.text('CUTOVER_ECA_FLOW_SPEC_NAME', false) || undefined,
    },
    aam: {
      url: v.url('CUTOVER_AAM_URL', need.has('adobe')),
      dataSource: v.text('CUTOVER_AAM_DATASOURCE', true),
      legacyDataSource: v.text('CUTOVER_AAM_LEGACY_DATASOURCE', true),
    },
    http: {
      timeoutMs: v.integer('CUTOVER_HTTP_TIMEOUT_MS', 100, 600_000),
      retries: v.integer('CUTOVER_HTTP_RETRIES', 0, 10),
      debug: debugHttp(raw.CUTOVER_DEBUG),
    },
  };
  crossChecks(config, raw, v, need);
  return { config, warnings: v.warnings, errors: v.errors };
}

function crossChecks(config: ServiceConfig, raw: RawConfig, v: Validator, need: Set<ServiceGroup>): void {
  if (need.has('jira') && config.jira.flavor === 'dc' && present(raw.CUTOVER_JIRA_EMAIL)) {
    v.warnings.push(
      'CUTOVER_JIRA_EMAIL: ignored with CUTOVER_JIRA_FLAVOR=dc (Data Center uses the personal access token alone)',
    );
  }
  if (need.has('jira') && config.jira.flavor === 'dc' && /\.atlassian\.net$/i.test(hostOf(config.jira.url))) {
    v.warnings.push(
      `CUTOVER_JIRA_FLAVOR: expected cloud for an atlassian.net site, found "dc" (${config.jira.url} is Jira Cloud)`,
    );
  }
  if (need.has('jira') && config.jira.email && !config.jira.email.includes('@')) {
    v.warnings.push(`CUTOVER_JIRA_EMAIL: expected the Atlassian account email, found "${config.jira.email}"`);
  }
  if (need.has('adobe') && config.platform.orgId && !config.platform.orgId.endsWith('@AdobeOrg')) {
    v.warnings.push(`CUTOVER_ORG_ID: expected an id ending in @AdobeOrg, found "${config.platform.orgId}"`);
  }
}

/** CUTOVER_DEBUG is a list of topics (`http`, `http,sql`); `true` in a config file means all of them. */
function debugHttp(value: string | undefined): boolean {
  const topics = (value ?? '').toLowerCase().split(/[\s,]+/);
  return topics.includes('http') || topics.includes('true') || topics.includes('*');
}

/** Every configured secret value (and the Basic credential pair), so callers can redact them anywhere. */
export function secretValues(config: ServiceConfig): string[] {
  const values = [config.jira.token, config.ims.clientSecret];
  if (config.jira.email && config.jira.token) values.push(`${config.jira.email}:${config.jira.token}`);
  return values.filter((s) => s !== '');
}

/**
 * Flattens a parsed config file ({"jira": {"url": …}, …}) into environment-named keys. Unknown sections and keys
 * are reported (a typo would otherwise be silently ignored); values must be strings, numbers or booleans.
 */
export function fileToRaw(file: unknown, fileName: string): { raw: RawConfig; errors: string[] } {
  const raw: RawConfig = {};
  const errors: string[] = [];
  if (!file || typeof file !== 'object' || Array.isArray(file)) {
    return {
      raw,
      errors: [
        `${fileName}: expected a JSON object with sections (jira, ims, platform, aam, http), found ${describe(file)}`,
      ],
    };
  }
  for (const [section, values] of Object.entries(file as Record<string, unknown>)) {
    if (!values || typeof values !== 'object' || Array.isArray(values)) {
      errors.push(`${fileName}: ${section}: expected an object of settings, found ${describe(values)}`);
      continue;
    }
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
      const def = CONFIG_KEYS.find((k) => k.section === section && k.key === key);
      if (!def) errors.push(`${fileName}: ${section}.${key}: unknown setting (known: ${knownIn(section)})`);
      else if (['string', 'number', 'boolean'].includes(typeof value)) raw[def.env] = String(value);
      else errors.push(`${fileName}: ${section}.${key}: expected a string or number, found ${describe(value)}`);
    }
  }
  return { raw, errors };
}

export function fileKeyOf(env: string): string | undefined {
  const def = CONFIG_KEYS.find((k) => k.env === env);
  return def ? `${def.section}.${def.key}` : undefined;
}

function knownIn(section: string): string {
  const keys = CONFIG_KEYS.filter((k) => k.section === section).map((k) => k.key);
  return keys.length > 0 ? keys.join(', ') : `no section "${section}"; sections are jira, ims, platform, aam, http`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `"${value}"` : typeof value;
}
