// The checks behind validateConfig (config.ts): one method per kind of value, each pushing an error or a warning
// that names the key, what was expected and what was found, and falling back to the key's default.
import type { ConfigKey, JiraFlavor, RawConfig } from './config.js';

export class Validator {
  readonly warnings: string[] = [];
  readonly errors: string[] = [];

  constructor(
    private readonly raw: RawConfig,
    private readonly keys: readonly ConfigKey[],
  ) {}

  /** The value, or the key's default; '' (and an error when required) when neither exists. */
  text(env: string, required: boolean): string {
    const value = this.raw[env]?.trim();
    if (present(value)) return value!;
    const fallback = this.keys.find((k) => k.env === env)?.default;
    if (fallback !== undefined) return fallback;
    if (required) this.errors.push(`${env}: required, not set (${describeKey(this.keys, env)})`);
    return '';
  }

  url(env: string, required: boolean): string {
    const value = this.text(env, required);
    if (value === '') return '';
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      this.errors.push(`${env}: expected an http(s) URL, found "${value}"`);
      return '';
    }
    if (!/^https?:$/.test(url.protocol))
      this.errors.push(`${env}: expected an http(s) URL, found protocol "${url.protocol}"`);
    if (url.username || url.password)
      this.errors.push(
        `${env}: expected a URL without credentials, found user info in it (put secrets in their own keys)`,
      );
    if (url.search) this.errors.push(`${env}: expected a URL without a query string, found "${url.search}"`);
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
      this.warnings.push(
        `${env}: expected https, found plain http to ${url.hostname}: credentials would cross the network unencrypted`,
      );
    }
    return value.replace(/\/+$/, '');
  }

  /**
   * The Jira site, without the REST path: the client adds /rest/api/3 (Cloud) or /rest/api/2 (Data Center), so a
   * URL copied with it would be sent as /rest/api/3/rest/api/3/myself. It is cut off, with a warning.
   */
  jiraUrl(env: string, required: boolean, flavor: JiraFlavor): string {
    const value = this.url(env, required);
    const match = /^(.*?)\/rest\/api\/(2|3|latest)$/i.exec(value);
    if (!match) return value;
    const site = match[1]!;
    const api = flavor === 'cloud' ? '/rest/api/3' : '/rest/api/2';
    this.warnings.push(
      `${env}: expected the Jira site without the REST path, found "${value}"; using "${site}" ` +
        `(cutover adds ${api} itself for CUTOVER_JIRA_FLAVOR=${flavor}; set ${env}=${site} to silence this)`,
    );
    return site;
  }

  oneOf(env: string, allowed: string[]): string {
    const value = this.text(env, true).toLowerCase();
    if (allowed.includes(value)) return value;
    this.errors.push(`${env}: expected one of ${allowed.join(', ')}, found "${this.raw[env] ?? ''}"`);
    return allowed[0]!;
  }

  integer(env: string, min: number, max: number): number {
    const value = this.text(env, true);
    const n = Number(value);
    if (/^\d+$/.test(value) && n >= min && n <= max) return n;
    this.errors.push(`${env}: expected a whole number from ${min} to ${max}, found "${value}"`);
    return Number(this.keys.find((k) => k.env === env)?.default ?? min);
  }

  /** A positive rate (a decimal is fine: 0.5 is one request every two seconds). CUTOVER_JIRA_RATE (issue 17). */
  rate(env: string, min: number, max: number): number {
    const value = this.text(env, true);
    const n = Number(value);
    if (/^\d+(\.\d+)?$/.test(value) && n >= min && n <= max) return n;
    this.errors.push(`${env}: expected a number of requests per second from ${min} to ${max}, found "${value}"`);
    return Number(this.keys.find((k) => k.env === env)?.default ?? min);
  }

  /** IMS wants a comma-separated list; space-separated input is fixed up with a warning. */
  scopes(env: string): string {
    const value = this.text(env, true);
    if (!/\s/.test(value)) return value;
    const fixed = value
      .split(/[\s,]+/)
      .filter(Boolean)
      .join(',');
    this.warnings.push(`${env}: expected comma-separated scopes, found spaces; using "${fixed}"`);
    return fixed;
  }

  /** Sandbox names are all lower-case in AEP. */
  sandbox(env: string): string {
    const value = this.text(env, true);
    if (value === value.toLowerCase()) return value;
    this.warnings.push(`${env}: expected a lower-case sandbox name, found "${value}"; using "${value.toLowerCase()}"`);
    return value.toLowerCase();
  }
}

function describeKey(keys: readonly ConfigKey[], env: string): string {
  const def = keys.find((k) => k.env === env);
  return def ? `${def.description}; config file key ${def.section}.${def.key}` : 'unknown key';
}

export function present(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

export function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}
