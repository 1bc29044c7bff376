// Adobe IMS OAuth Server-to-Server: POST /ims/token/v3, form-encoded client credentials. The token is cached
// until shortly before it expires and shared by the AEP and Audience Manager clients; a 401 from either drops
// it (refresh()), and the HTTP layer retries that request once with a new one.
import type { AuthProvider, HttpClient } from '../http/client.js';

export interface ImsCredentials {
  clientId: string;
  clientSecret: string;
  /** Comma-separated, as IMS expects. */
  scopes: string;
}

interface TokenResponse {
  access_token?: string;
  token_type?: string;
  expires_in?: number | string;
}

/** Refresh this long before expiry, so a token never expires between our check and the service's. */
const EARLY_REFRESH_MS = 5 * 60_000;
/** expires_in beyond a week must be milliseconds (the deprecated JWT exchange used ms; v3 uses seconds). */
const MAX_PLAUSIBLE_SECONDS = 7 * 24 * 3600;

export class ImsTokenProvider {
  private cached: { token: string; refreshAt: number } | null = null;
  private inFlight: Promise<string> | null = null;

  constructor(
    private readonly http: HttpClient,
    private readonly credentials: ImsCredentials,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid access token, from the cache when it is still fresh. Concurrent callers share one request. */
  async token(): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.token;
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Forget the cached token (after a 401): the next call fetches a new one. */
  invalidate(): void {
    this.cached = null;
  }

  /** Bearer auth plus the headers every Adobe API wants beside it. */
  authProvider(extraHeaders: Record<string, string>): AuthProvider {
    return {
      headers: async () => ({ Authorization: `Bearer ${await this.token()}`, ...extraHeaders }),
      refresh: async () => {
        this.invalidate();
        return true;
      },
    };
  }

  private async fetchToken(): Promise<string> {
    const form = {
      grant_type: 'client_credentials',
      client_id: this.credentials.clientId,
      client_secret: this.credentials.clientSecret,
      scope: this.credentials.scopes,
    };
    // A token request changes nothing on the server, so it is safe to repeat.
    const req = { method: 'POST' as const, path: '/ims/token/v3', form, idempotent: true };
    const body = await this.http.json<TokenResponse>(req);
    if (!body.access_token) {
      const message = 'unexpected response: no access_token in the IMS answer';
      throw this.http.error(req, 200, undefined, message, false, 'wrong_shape');
    }
    this.http.redactor.add(body.access_token);
    const lifetimeMs = lifetime(body.expires_in);
    const refreshAt = this.now() + Math.max(lifetimeMs - Math.min(EARLY_REFRESH_MS, lifetimeMs / 10), 0);
    this.cached = { token: body.access_token, refreshAt };
    return body.access_token;
  }
}

function lifetime(expiresIn: number | string | undefined): number {
  const n = Number(expiresIn);
  if (!Number.isFinite(n) || n <= 0) return 0; // unknown lifetime: use once, fetch again next time
  return n > MAX_PLAUSIBLE_SECONDS ? n : n * 1000;
}
