/**
 * Who may call what. AEP (Flow Service, Segmentation) goes through Adobe's gateway: bearer token, x-api-key,
 * x-gw-ims-org-id, with the gateway's `{error_code, message}` bodies (reference §0). Audience Manager takes
 * the same IMS token and answers an expired one with a `WWW-Authenticate` header (reference §3). Jira takes
 * Basic email:token (Cloud) or a Bearer personal access token (Data Center) and answers 401 in plain text.
 */
import { randomBytes } from 'node:crypto';
import { DEMO_CREDENTIALS } from './constants.js';
import type { Ctx, Reply } from './http.js';
import { header, json, text } from './http.js';

export const IMS_TOKEN_LIFETIME_SEC = 86_399;

interface IssuedToken {
  clientId: string;
  expiresAt: number;
  expired: boolean;
}

export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();

  issue(clientId: string): string {
    const token = `eyJhbGciOiJSUzI1NiJ9.emu.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { clientId, expiresAt: Date.now() + IMS_TOKEN_LIFETIME_SEC * 1000, expired: false });
    return token;
  }

  /** The token's client when it is valid now; undefined when unknown, expired or revoked. */
  check(token: string): { clientId: string } | undefined {
    const found = this.tokens.get(token);
    if (!found || found.expired || found.expiresAt <= Date.now()) return undefined;
    return { clientId: found.clientId };
  }

  known(token: string): boolean {
    return this.tokens.has(token);
  }

  expire(token?: string): number {
    let count = 0;
    for (const [value, issued] of this.tokens) {
      if (token !== undefined && value !== token) continue;
      if (!issued.expired) count++;
      issued.expired = true;
    }
    return count;
  }

  clear(): void {
    this.tokens.clear();
  }

  size(): number {
    return this.tokens.size;
  }
}

export function bearerToken(ctx: Ctx): string | undefined {
  const value = header(ctx, 'authorization');
  const match = value ? /^Bearer\s+(.+)$/i.exec(value.trim()) : null;
  return match?.[1];
}

function gateway(status: number, code: string, message: string): Reply {
  return json(status, { error_code: code, message });
}

/** Adobe gateway checks, in the gateway's order: token, token validity, API key, org header. */
export function checkAep(ctx: Ctx, tokens: TokenStore): Reply | undefined {
  if (!header(ctx, 'authorization')) return gateway(401, '403010', 'Oauth token is missing.');
  const token = bearerToken(ctx);
  const valid = token ? tokens.check(token) : undefined;
  if (!token || !valid) return gateway(401, '401013', 'Oauth token is not valid');
  const apiKey = header(ctx, 'x-api-key');
  if (!apiKey) return gateway(403, '403000', 'Api Key is required');
  if (apiKey !== valid.clientId) return gateway(403, '403003', 'Api Key is invalid');
  if (!header(ctx, 'x-gw-ims-org-id')) return gateway(400, '400003', 'Missing header');
  ctx.token = token;
  return undefined;
}

/**
 * Audience Manager: bearer IMS token + x-api-key. The error body shape is unconfirmed (reference §3); the
 * emulator answers `{code, message}` because third-party clients read `message`.
 */
export function checkAam(ctx: Ctx, tokens: TokenStore): Reply | undefined {
  const token = bearerToken(ctx);
  if (!token) {
    return {
      ...json(401, { code: 'unauthorized', message: 'Full authentication is required to access this resource' }),
      headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="oauth"' },
    };
  }
  const valid = tokens.check(token);
  if (!valid) {
    const reason = tokens.known(token) ? `Access token expired: ${token}` : `Invalid access token: ${token}`;
    return {
      ...json(401, { code: 'invalid_token', message: reason }),
      headers: {
        'content-type': 'application/json',
        'www-authenticate': `Bearer realm="oauth", error="invalid_token", error_description="${reason}"`,
      },
    };
  }
  const apiKey = header(ctx, 'x-api-key');
  if (apiKey !== valid.clientId) return json(403, { code: 'forbidden', message: 'Api Key is required or invalid' });
  ctx.token = token;
  return undefined;
}

export const JIRA_UNAUTHENTICATED = 'Client must be authenticated to access this resource.';

export function jiraUnauthorized(): Reply {
  return text(401, JIRA_UNAUTHENTICATED);
}

/** Cloud: Basic base64(email:api_token). Data Center: Bearer PAT (a PAT is not a Basic password). */
export function checkJira(ctx: Ctx, flavor: 'cloud' | 'dc'): Reply | undefined {
  const value = header(ctx, 'authorization')?.trim() ?? '';
  if (flavor === 'dc') {
    return value === `Bearer ${DEMO_CREDENTIALS.jiraToken}` ? undefined : jiraUnauthorized();
  }
  const basic = /^Basic\s+(.+)$/i.exec(value);
  const decoded = basic?.[1] ? Buffer.from(basic[1], 'base64').toString('utf8') : '';
  return decoded === `${DEMO_CREDENTIALS.jiraEmail}:${DEMO_CREDENTIALS.jiraToken}` ? undefined : jiraUnauthorized();
}
