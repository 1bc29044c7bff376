// Auth enforcement with the vendors' real error bodies, and the loopback-only listener.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, startEmulator } from '../../src/emulator/index.js';
import { aepHeaders, FS, ORG, setFlavor, start, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await start();
});
afterAll(async () => h.emu.close());

const form = (fields: Record<string, string>) => ({
  body: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

describe('IMS', () => {
  it('issues a bearer token with expires_in in seconds', async () => {
    const res = await h.call(
      'POST',
      '/ims/token/v3',
      form({
        grant_type: 'client_credentials',
        client_id: DEMO_CREDENTIALS.clientId,
        client_secret: DEMO_CREDENTIALS.clientSecret,
        scope: 'openid,AdobeID',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ token_type: 'bearer', expires_in: 86399 });
    expect(typeof res.json.access_token).toBe('string');
  });

  it('refuses an unknown client (400) and a wrong secret (401) with OAuth error bodies', async () => {
    const unknown = await h.call(
      'POST',
      '/ims/token/v3',
      form({ grant_type: 'client_credentials', client_id: 'nope', client_secret: 'x', scope: 's' }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({ error: 'invalid_client', error_description: 'invalid client_id parameter' });
    const secret = await h.call(
      'POST',
      '/ims/token/v3',
      form({
        grant_type: 'client_credentials',
        client_id: DEMO_CREDENTIALS.clientId,
        client_secret: 'wrong',
        scope: 's',
      }),
    );
    expect(secret.status).toBe(401);
    expect(secret.json.error).toBe('invalid_client');
  });

  it('requires every documented parameter', async () => {
    const noScope = await h.call(
      'POST',
      '/ims/token/v3',
      form({
        grant_type: 'client_credentials',
        client_id: DEMO_CREDENTIALS.clientId,
        client_secret: DEMO_CREDENTIALS.clientSecret,
      }),
    );
    expect(noScope.status).toBe(400);
    const badGrant = await h.call(
      'POST',
      '/ims/token/v3',
      form({
        grant_type: 'password',
        client_id: DEMO_CREDENTIALS.clientId,
        client_secret: DEMO_CREDENTIALS.clientSecret,
        scope: 's',
      }),
    );
    expect(badGrant.json.error).toBe('unsupported_grant_type');
  });
});

describe('Adobe gateway (Flow Service, Segmentation)', () => {
  const path = `${FS}/flows`;

  it('no Authorization → 401 403010 "Oauth token is missing."', async () => {
    const res = await h.call('GET', path, {
      headers: { 'x-api-key': DEMO_CREDENTIALS.apiKey, 'x-gw-ims-org-id': ORG },
    });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error_code: '403010', message: 'Oauth token is missing.' });
  });

  it('invalid token → 401 401013', async () => {
    const res = await h.call('GET', path, { headers: aepHeaders('not-a-token', ORG) });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error_code: '401013', message: 'Oauth token is not valid' });
  });

  it('expired token (control) → 401013 until a new token is issued', async () => {
    const local = await start();
    try {
      expect((await local.aep('GET', path)).status).toBe(200);
      await local.control('POST', '/tokens/expire');
      const res = await local.aep('GET', path);
      expect(res.status).toBe(401);
      expect(res.json.error_code).toBe('401013');
    } finally {
      await local.emu.close();
    }
  });

  it("no x-api-key → 403 403000; a key that is not the token's client → 403003", async () => {
    const missing = await h.call('GET', path, {
      headers: { authorization: `Bearer ${h.token}`, 'x-gw-ims-org-id': ORG },
    });
    expect(missing.status).toBe(403);
    expect(missing.json).toEqual({ error_code: '403000', message: 'Api Key is required' });
    const wrong = await h.aep('GET', path, { headers: { 'x-api-key': 'someone-else' } });
    expect(wrong.json.error_code).toBe('403003');
  });

  it('no x-gw-ims-org-id → 400 400003', async () => {
    const res = await h.call('GET', path, {
      headers: { authorization: `Bearer ${h.token}`, 'x-api-key': DEMO_CREDENTIALS.apiKey },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error_code: '400003', message: 'Missing header' });
  });

  it('a body without a JSON content type → the BadRequestError problem', async () => {
    const res = await h.aep('POST', `${FS}/connections`, {
      body: '{"name":"x"}',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      type: '/placeholder/type/uri',
      status: 400,
      title: 'BadRequestError',
      detail: 'A valid content-type must be specified',
    });
  });

  it('guards Segmentation the same way', async () => {
    const res = await h.call('GET', '/data/core/ups/segment/definitions');
    expect(res.json).toEqual({ error_code: '403010', message: 'Oauth token is missing.' });
  });
});

describe('Audience Manager', () => {
  it('accepts the IMS token with x-api-key', async () => {
    const res = await h.aam('/v1/datasources/');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.json)).toBe(true);
  });

  it('an expired token → 401 with the documented WWW-Authenticate header', async () => {
    const local = await start();
    try {
      local.emu.control.expireTokens();
      const res = await local.aam('/v1/segments/');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        `Bearer realm="oauth", error="invalid_token", error_description="Access token expired: ${local.token}"`,
      );
    } finally {
      await local.emu.close();
    }
  });
});

describe('Jira', () => {
  const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

  it('Cloud: Basic email:token; anything else → 401 in plain text', async () => {
    expect((await h.jira('GET', '/rest/api/3/myself')).status).toBe(200);
    const bad = await h.call('GET', '/rest/api/3/myself', {
      headers: { authorization: basic(DEMO_CREDENTIALS.jiraEmail, 'wrong') },
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(bad.text).toBe('Client must be authenticated to access this resource.');
    const bearer = await h.call('GET', '/rest/api/3/myself', {
      headers: { authorization: `Bearer ${DEMO_CREDENTIALS.jiraToken}` },
    });
    expect(bearer.status).toBe(401);
  });

  it('Data Center: Bearer PAT only (a PAT is not a Basic password)', async () => {
    const local = await start({ jiraFlavor: 'dc' });
    try {
      setFlavor(local.emu, 'dc');
      const ok = await local.jira('GET', '/rest/api/2/myself');
      expect(ok.status).toBe(200);
      expect(ok.json).toMatchObject({ name: 'cutover', key: 'JIRAUSER10100' });
      const basicAuth = await local.call('GET', '/rest/api/2/myself', {
        headers: { authorization: basic(DEMO_CREDENTIALS.jiraEmail, DEMO_CREDENTIALS.jiraToken) },
      });
      expect(basicAuth.status).toBe(401);
      expect(basicAuth.text).toBe('Client must be authenticated to access this resource.');
    } finally {
      await local.emu.close();
    }
  });
});

describe('listener', () => {
  it('binds 127.0.0.1 only and refuses any other host', async () => {
    expect(h.emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(startEmulator({ host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/127\.0\.0\.1/);
  });

  it('is not reachable on another interface address', async () => {
    const os = await import('node:os');
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) return; // no non-loopback interface in this sandbox: nothing more to prove
    await expect(
      fetch(`http://${external.address}:${h.emu.port}/_emulator/health`, { signal: AbortSignal.timeout(2000) }),
    ).rejects.toThrow();
  });
});
