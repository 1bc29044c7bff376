// The HTTP layer over real HTTP against a local server: retries, Retry-After, timeouts, resets, the write rule,
// error shapes, debug logging, and that no secret ever reaches a message or a log line.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/errors.js';
import { HttpClient, type HttpClientOptions } from '../../src/adapters/http/client.js';
import { Redactor } from '../../src/adapters/http/redact.js';
import { parseRetryAfter } from '../../src/adapters/http/retry.js';
import {
  closedPort,
  json,
  recordingLogger,
  SECRETS,
  secretForms,
  startServer,
  text,
  type RecordingLogger,
  type TestServer,
} from './support/server.js';

let server: TestServer;
let logger: RecordingLogger;
let sleeps: number[];
const failures: string[] = [];

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  logger = recordingLogger();
  sleeps = [];
});

function client(overrides: Partial<HttpClientOptions> = {}): HttpClient {
  return new HttpClient({
    service: 'aep',
    baseUrl: server.url,
    logger,
    debug: true,
    redactor: new Redactor([SECRETS.clientSecret, SECRETS.jiraToken]),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    retries: 3,
    timeoutMs: 1000,
    retryBaseMs: 100,
    retryCapMs: 1000,
    defaultHeaders: { 'x-api-key': 'client-id-1' },
    auth: { headers: async () => ({ Authorization: `Bearer ${SECRETS.accessToken}` }) },
    ...overrides,
  });
}

/** Runs a call expected to fail; returns the ServiceError and remembers its message and the logs. */
async function failing(call: Promise<unknown>): Promise<ServiceError> {
  const err = await call.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServiceError);
  failures.push((err as ServiceError).message, logger.text());
  return err as ServiceError;
}

describe('retries', () => {
  it('honours Retry-After in seconds on a 429 (the injected sleep gets the right ms)', async () => {
    server.on('GET', '/thing', (_q, res) => json(res, 429, { message: 'slow down' }, { 'retry-after': '2' }), 1);
    server.on(
      'GET',
      '/thing',
      (_q, res) => json(res, 429, { error_code: '429050', message: 'Too many requests' }, { 'retry-after': '7' }),
      1,
    );
    server.on('GET', '/thing', (_q, res) => json(res, 200, { ok: true }));
    await expect(client().json({ method: 'GET', path: '/thing' })).resolves.toEqual({ ok: true });
    expect(sleeps).toEqual([2000, 7000]);
  });

  it('honours Retry-After as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('retries 5xx with exponential backoff and full jitter, then surfaces the vendor message', async () => {
    server.on('GET', '/flows', (_q, res) =>
      json(res, 503, {
        type: 'https://ns.adobe.com/aep/errors/FLOW-9999-503',
        title: 'Unavailable',
        status: 503,
        report: { 'detailed-message': 'Flow Service is resting' },
      }),
    );
    const err = await failing(client().json({ method: 'GET', path: '/flows' }));
    expect(server.requests).toHaveLength(4);
    expect(sleeps).toEqual([50, 100, 200]); // random 0.5 × min(cap, 100 × 2^n)
    expect(err.status).toBe(503);
    expect(err.vendorCode).toBe('FLOW-9999-503');
    expect(err.vendorMessage).toBe('Flow Service is resting');
    expect(err.retryable).toBe(true);
  });

  it('times out a hung request and retries it', async () => {
    server.on('GET', '/hang', () => undefined, 1); // never answers
    server.on('GET', '/hang', (_q, res) => json(res, 200, { late: false }));
    const started = Date.now();
    await expect(client({ timeoutMs: 200 }).json({ method: 'GET', path: '/hang' })).resolves.toEqual({ late: false });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.requests).toHaveLength(2);
  });

  it('surfaces a timeout as a retryable network error once retries are spent', async () => {
    server.on('GET', '/hang', () => undefined);
    const err = await failing(client({ timeoutMs: 100, retries: 1 }).json({ method: 'GET', path: '/hang' }));
    expect(err.status).toBeUndefined();
    expect(err.vendorCode).toBe('TIMEOUT');
    expect(err.message).toMatch(/no response within 100 ms/);
  });

  it('retries a reset connection (socket destroyed)', async () => {
    server.on(
      'GET',
      '/reset',
      (_q, res) => {
        res.socket?.destroy();
      },
      1,
    );
    server.on('GET', '/reset', (_q, res) => json(res, 200, { again: true }));
    await expect(client().json({ method: 'GET', path: '/reset' })).resolves.toEqual({ again: true });
    expect(server.requests).toHaveLength(2);
  });
});

describe('the write rule: no blind retry of a POST', () => {
  it('does not retry a POST after a reset or a 502 (it may have landed): retryable error for the caller to reconcile', async () => {
    server.on('POST', '/flows', (_q, res) => {
      res.socket?.destroy();
    });
    const reset = await failing(client().request({ method: 'POST', path: '/flows', json: { name: 'x' } }));
    expect(server.requests).toHaveLength(1);
    expect(reset.retryable).toBe(true);

    server.reset();
    server.on('POST', '/flows', (_q, res) => json(res, 502, { errorMessage: 'bad gateway' }));
    const bad = await failing(client().request({ method: 'POST', path: '/flows', json: { name: 'x' } }));
    expect(server.requests).toHaveLength(1);
    expect(bad.status).toBe(502);
  });

  it('retries a POST on 429 and on 503 with Retry-After (proof it was not processed)', async () => {
    server.on('POST', '/flows', (_q, res) => json(res, 429, { errorMessage: 'rate' }), 1);
    server.on('POST', '/flows', (_q, res) => json(res, 503, { errorMessage: 'busy' }, { 'retry-after': '1' }), 1);
    server.on('POST', '/flows', (_q, res) => json(res, 201, { id: 'f1' }));
    await expect(client().json({ method: 'POST', path: '/flows', json: {} })).resolves.toEqual({ id: 'f1' });
    expect(server.requests).toHaveLength(3);
    expect(sleeps[1]).toBe(1000);
  });

  it('does not retry a POST on 503 without Retry-After, but does retry one marked idempotent', async () => {
    server.on('POST', '/search', (_q, res) => json(res, 503, { errorMessage: 'busy' }));
    await failing(client({ retries: 2 }).request({ method: 'POST', path: '/search', json: {} }));
    expect(server.requests).toHaveLength(1);
    server.reset();
    server.on('POST', '/search', (_q, res) => json(res, 503, { errorMessage: 'busy' }));
    await failing(client({ retries: 2 }).request({ method: 'POST', path: '/search', json: {}, idempotent: true }));
    expect(server.requests).toHaveLength(3);
  });

  it('retries a POST whose connection was refused (nothing was sent)', async () => {
    const refused = client({ baseUrl: `http://127.0.0.1:${await closedPort()}`, retries: 2 });
    const err = await failing(refused.request({ method: 'POST', path: '/flows', json: {} }));
    expect(err.vendorCode).toBe('ECONNREFUSED');
    expect(sleeps).toHaveLength(2);
  });
});

describe('error shapes', () => {
  it('reads a plain-text 401 into a ServiceError with status 401 and the text', async () => {
    server.on('GET', '/rest/api/3/myself', (_q, res) =>
      text(res, 401, 'Client must be authenticated to access this resource.'),
    );
    const err = await failing(client({ service: 'jira' }).json({ method: 'GET', path: '/rest/api/3/myself' }));
    expect(err.status).toBe(401);
    expect(err.vendorMessage).toBe('Client must be authenticated to access this resource.');
    expect(err.exitCode).toBe(4);
  });

  it('reports an HTML error page and truncated JSON as unexpected responses', async () => {
    server.on('GET', '/html', (_q, res) =>
      text(res, 500, '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>', 'text/html'),
    );
    server.on('GET', '/trunc', (_q, res) => text(res, 200, '{"items":[{"id":"a"', 'application/json'));
    const html = await failing(client({ retries: 0 }).json({ method: 'GET', path: '/html' }));
    expect(html.vendorMessage).toBe('unexpected response: HTML page "502 Bad Gateway"');
    const trunc = await failing(client().json({ method: 'GET', path: '/trunc' }));
    expect(trunc.message).toMatch(/unexpected response: invalid JSON/);
    expect(trunc.status).toBe(200);
  });

  it('does not wait out a Retry-After beyond the configured maximum', async () => {
    server.on('GET', '/slow', (_q, res) => json(res, 429, { message: 'later' }, { 'retry-after': '3600' }));
    const err = await failing(client({ maxRetryAfterMs: 60_000 }).json({ method: 'GET', path: '/slow' }));
    expect(sleeps).toEqual([]);
    expect(err.status).toBe(429);
    expect(err.retryable).toBe(true);
  });

  it('refreshes credentials once after a 401, then gives up', async () => {
    let refreshes = 0;
    const auth = {
      headers: async () => ({ Authorization: 'Bearer x' }),
      refresh: async () => {
        refreshes++;
        return true;
      },
    };
    server.on('GET', '/me', (_q, res) => json(res, 401, { error_code: '401013', message: 'Oauth token is not valid' }));
    const err = await failing(client({ auth }).json({ method: 'GET', path: '/me' }));
    expect(refreshes).toBe(1);
    expect(server.requests).toHaveLength(2);
    expect(err.vendorCode).toBe('401013');
  });
});

describe('error kinds (what a waiting migration acts on)', () => {
  it('names each failure: html, malformed, server, auth, timeout, network, rate limit, client', async () => {
    const page = '<!DOCTYPE html><html><head><title>Sign in</title></head><body>SSO</body></html>';
    server.on('GET', '/login', (_q, res) => text(res, 200, page, 'text/html'));
    server.on('GET', '/half', (_q, res) => text(res, 200, '{"items":[{"id"', 'application/json'));
    server.on('GET', '/empty', (_q, res) => text(res, 200, '', 'application/json'));
    server.on('GET', '/gateway', (_q, res) =>
      text(res, 502, '<html><head><title>502 Bad Gateway</title></head></html>', 'text/html'),
    );
    server.on('GET', '/down', (_q, res) => json(res, 500, { message: 'Internal server error' }));
    server.on('GET', '/denied', (_q, res) => text(res, 401, 'Client must be authenticated'));
    server.on('GET', '/slow', (_q, res) => json(res, 429, { message: 'slow down' }));
    server.on('GET', '/bad', (_q, res) => json(res, 400, { message: 'bad' }));
    server.on('GET', '/hang-kind', () => undefined);
    server.on('GET', '/reset-kind', (_q, res) => {
      res.socket?.destroy();
    });
    const c = client({ retries: 0, timeoutMs: 200 });
    const kindOf = async (path: string) => (await failing(c.json({ method: 'GET', path }))).kind;
    expect(await kindOf('/login')).toBe('html');
    expect(await kindOf('/half')).toBe('malformed');
    expect(await kindOf('/empty')).toBe('malformed');
    expect(await kindOf('/gateway')).toBe('html');
    expect(await kindOf('/down')).toBe('server');
    expect(await kindOf('/denied')).toBe('auth');
    expect(await kindOf('/slow')).toBe('rate_limited');
    expect(await kindOf('/bad')).toBe('client');
    expect(await kindOf('/hang-kind')).toBe('timeout');
    expect(await kindOf('/reset-kind')).toBe('network');
  });

  it('IMS refusing the client credentials is an auth failure, a 400 of another kind is not', async () => {
    server.on(
      'POST',
      '/ims/token/v3',
      (_q, res) => json(res, 400, { error: 'invalid_client', error_description: 'invalid client_id parameter' }),
      1,
    );
    server.on(
      'POST',
      '/ims/token/v3',
      (_q, res) => json(res, 400, { error: 'invalid_request', error_description: 'missing scope' }),
      1,
    );
    const ims = client({ service: 'ims', retries: 0 });
    const req = { method: 'POST' as const, path: '/ims/token/v3', form: { client_id: 'x' }, idempotent: true };
    expect((await failing(ims.json(req))).kind).toBe('auth');
    expect((await failing(ims.json(req))).kind).toBe('client');
  });
});

describe('debug logging and redaction', () => {
  it('logs requests and responses with Authorization, x-api-key, form secrets and body tokens masked', async () => {
    server.on('POST', '/ims/token/v3', (_q, res) =>
      json(res, 200, { access_token: 'fresh-token-value-123', expires_in: 10 }),
    );
    const c = client();
    await c.json({
      method: 'POST',
      path: '/ims/token/v3',
      form: { client_id: 'id', client_secret: SECRETS.clientSecret },
      idempotent: true,
    });
    const log = logger.text();
    expect(logger.lines.map((l) => l.message)).toEqual(['http request', 'http response']);
    expect(log).toContain('Bearer [REDACTED]');
    expect(log).toContain('"x-api-key":"[REDACTED]"');
    expect(log).toContain('client_secret=[REDACTED]');
    expect(log).not.toContain('fresh-token-value-123');
    expect(log).not.toContain(SECRETS.accessToken);
    failures.push(log);
  });

  it('masks a configured secret wherever it appears, even echoed in an error body or the URL', async () => {
    server.on('GET', /\/echo.*/, (q, res) => json(res, 400, { message: `bad token ${SECRETS.jiraToken} in ${q.url}` }));
    const err = await failing(client().json({ method: 'GET', path: `/echo?api_key=${SECRETS.jiraToken}&token=abc` }));
    expect(err.message).toContain('[REDACTED]');
    expect(err.url).not.toContain('abc');
  });

  it('no secret appears in any error message or debug log line of the failing scenarios above', () => {
    expect(failures.length).toBeGreaterThan(10);
    for (const text of failures) for (const secret of secretForms()) expect(text).not.toContain(secret);
  });
});
