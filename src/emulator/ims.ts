/**
 * Adobe IMS, OAuth Server-to-Server: `POST /ims/token/v3`, form-encoded client_credentials (reference §6).
 * Parameters may come in the body or the query string; all four are mandatory. The error body is unconfirmed
 * in Adobe's documents: the emulator uses the standard OAuth2 `{error, error_description}`.
 */
import { DEMO_CREDENTIALS } from './constants.js';
import type { Ctx, Reply } from './http.js';
import { header, json } from './http.js';
import { IMS_TOKEN_LIFETIME_SEC, type TokenStore } from './auth.js';

function oauthError(status: number, error: string, description: string): Reply {
  return json(status, { error, error_description: description });
}

function formParams(ctx: Ctx): URLSearchParams | undefined {
  const type = header(ctx, 'content-type') ?? '';
  if (ctx.rawBody !== '' && !type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined;
  const params = new URLSearchParams(ctx.rawBody);
  for (const [key, value] of ctx.query) if (!params.has(key)) params.set(key, value);
  return params;
}

export function imsToken(tokens: TokenStore) {
  return (ctx: Ctx): Reply => {
    const params = formParams(ctx);
    if (!params) return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    const grant = params.get('grant_type');
    if (!grant) return oauthError(400, 'invalid_request', 'missing grant_type parameter');
    if (grant !== 'client_credentials')
      return oauthError(400, 'unsupported_grant_type', `unsupported grant_type: ${grant}`);
    const clientId = params.get('client_id');
    if (!clientId) return oauthError(400, 'invalid_request', 'missing client_id parameter');
    if (clientId !== DEMO_CREDENTIALS.clientId) return oauthError(400, 'invalid_client', 'invalid client_id parameter');
    if (params.get('client_secret') !== DEMO_CREDENTIALS.clientSecret) {
      return oauthError(401, 'invalid_client', 'invalid client_secret parameter');
    }
    if (!params.get('scope')) return oauthError(400, 'invalid_scope', 'missing scope parameter');
    return json(200, {
      access_token: tokens.issue(clientId),
      token_type: 'bearer',
      expires_in: IMS_TOKEN_LIFETIME_SEC,
    });
  };
}
