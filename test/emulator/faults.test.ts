// Fault injection through the control API: 429 with Retry-After, 5xx, hangs (client-side timeout), resets,
// expired tokens, HTML gateways, truncated bodies, 412, rate and times; the control API stays clean.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FS, ORG, adf, start, type Harness } from './helpers.js';
import { createFlow, stage } from './staging.js';

let h: Harness;
beforeAll(async () => {
  h = await start();
});
afterEach(async () => {
  await h.control('DELETE', '/faults');
});
afterAll(async () => h.emu.close());

describe('faults', () => {
  it('429 with a Retry-After header, for the next N calls only, then normal service', async () => {
    const added = await h.control('POST', '/faults', {
      route: 'flow.flows.list',
      kind: '429',
      times: 2,
      retryAfterSec: 3,
    });
    expect(added.json.ids).toHaveLength(1);
    const first = await h.aep('GET', `${FS}/flows`);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect((await h.aep('GET', `${FS}/flows`)).status).toBe(429);
    expect((await h.aep('GET', `${FS}/flows`)).status).toBe(200);
    expect(h.emu.world(ORG).counters.faults['flow.flows.list']).toBe(2);
  });

  it('503 (with Retry-After when asked) and 500, matched by method + path regex', async () => {
    await h.control('POST', '/faults', {
      rules: [
        { method: 'GET', path: '^/v1/segments', kind: '503', times: 1, retryAfterSec: 1 },
        { method: 'GET', path: '/rest/api/3/myself$', kind: '500', times: 1 },
      ],
    });
    const aam = await h.aam('/v1/segments/');
    expect(aam.status).toBe(503);
    expect(aam.headers.get('retry-after')).toBe('1');
    const jira = await h.jira('GET', '/rest/api/3/myself');
    expect(jira.status).toBe(500);
    expect(jira.json.errorMessages).toHaveLength(1);
  });

  it('hang holds the request until the client gives up', async () => {
    await h.control('POST', '/faults', { route: 'seg.definitions.list', kind: 'hang', times: 1 });
    const t0 = Date.now();
    await expect(
      h.aep('GET', '/data/core/ups/segment/definitions', { signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect((await h.aep('GET', '/data/core/ups/segment/definitions')).status).toBe(200);
  });

  it('reset destroys the socket', async () => {
    await h.control('POST', '/faults', { route: 'flow.connectionSpecs.list', kind: 'reset', times: 1 });
    await expect(h.aep('GET', `${FS}/connectionSpecs`)).rejects.toThrow(/fetch failed/);
  });

  it("expired_token expires the caller's token: AEP answers 401013 from then on", async () => {
    const local = await start();
    try {
      await local.control('POST', '/faults', { route: 'flow.flows.list', kind: 'expired_token', times: 1 });
      const res = await local.aep('GET', `${FS}/flows`);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error_code: '401013', message: 'Oauth token is not valid' });
      expect((await local.aep('GET', `${FS}/connections`)).status).toBe(401);
      expect((await local.aam('/v1/traits/')).headers.get('www-authenticate')).toMatch(/Access token expired/);
    } finally {
      await local.emu.close();
    }
  });

  it('403, html (502 page) and truncated JSON', async () => {
    await h.control('POST', '/faults', {
      rules: [
        { route: 'flow.flowSpecs.list', kind: '403', times: 1 },
        { route: 'aam.datasources.list', kind: 'html', times: 1 },
        { route: 'jira.myself', kind: 'truncated', times: 1 },
      ],
    });
    expect((await h.aep('GET', `${FS}/flowSpecs`)).status).toBe(403);
    const html = await h.aam('/v1/datasources/');
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(html.text).toMatch(/502 Bad Gateway/);
    const cut = await h.jira('GET', '/rest/api/3/myself');
    expect(cut.status).toBe(200);
    expect(() => JSON.parse(cut.text)).toThrow();
  });

  it('phase "after" lets a write land and loses the answer (the client must reconcile, not duplicate)', async () => {
    await h.control('POST', '/faults', { route: 'jira.issue.create', kind: '500', times: 1, phase: 'after' });
    const res = await h.jira('POST', '/rest/api/3/issue', {
      body: {
        fields: {
          project: { key: 'CC' },
          issuetype: { name: 'Task' },
          summary: `Legacy off ${ORG}`,
          description: adf('x'),
          labels: ['cutover-after'],
        },
      },
    });
    expect(res.status).toBe(500);
    const search = await h.jira('GET', `/rest/api/3/search/jql?jql=${encodeURIComponent('labels = cutover-after')}`);
    expect(search.json.issues).toHaveLength(1);
  });

  it('412 on a PATCH regardless of the etag', async () => {
    const org = 'FAULT412000000000000000@AdobeOrg';
    const s = await stage(h, org, 'cutover-412');
    const flow = await createFlow(h, s, [], org);
    await h.control('POST', '/faults', { route: 'flow.flows.patch', kind: '412', times: 1 });
    const body = [{ op: 'replace', path: '/name', value: 'renamed' }];
    const res = await h.aep('PATCH', `${FS}/flows/${flow.id}`, { org, body, headers: { 'if-match': flow.etag } });
    expect(res.status).toBe(412);
    expect(res.json.errorMessage).toMatch(/^Supplied version=\[.*\] does not match the current version on entity=\[/);
    expect(
      (await h.aep('PATCH', `${FS}/flows/${flow.id}`, { org, body, headers: { 'if-match': flow.etag } })).status,
    ).toBe(200);
  });

  it('rate draws from the seeded generator: the same seed gives the same sequence', async () => {
    const sequence = async (): Promise<number[]> => {
      const local = await start({ seed: 42 });
      try {
        await local.control('POST', '/faults', { route: 'jira.myself', kind: '503', rate: 0.5 });
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++) statuses.push((await local.jira('GET', '/rest/api/3/myself')).status);
        return statuses;
      } finally {
        await local.emu.close();
      }
    };
    const a = await sequence();
    expect(a).toEqual(await sequence());
    expect(a).toContain(503);
    expect(a).toContain(200);
  });

  it('rejects an invalid rule, lists active rules, and never faults the control API', async () => {
    expect((await h.control('POST', '/faults', { route: 'x', kind: 'explode' })).status).toBe(400);
    expect((await h.control('POST', '/faults', { kind: '500' })).status).toBe(400);
    await h.control('POST', '/faults', { path: '.*', kind: '500' });
    expect((await h.control('GET', '/faults')).json.faults).toHaveLength(1);
    expect((await h.control('GET', '/world')).status).toBe(200);
  });

  it('close() ends hung requests instead of hanging the test', async () => {
    const local = await start();
    await local.control('POST', '/faults', { route: 'jira.myself', kind: 'hang' });
    const pending = local.jira('GET', '/rest/api/3/myself');
    await new Promise((r) => setTimeout(r, 50));
    await local.emu.close();
    await expect(pending).rejects.toThrow();
  });
});
