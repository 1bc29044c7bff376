// The webhook receiver over real HTTP: only signed, well-formed, first-time deliveries wake anything.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { RecentDeliveries } from '../../../src/adapters/webhook/recent-deliveries.js';
import { signatureMatches, signBody } from '../../../src/adapters/webhook/signature.js';
import { TokenBucket } from '../../../src/engine/fleet/token-bucket.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../../src/adapters/webhook/receiver.js';

const SECRET = 'it-is-a-secret';

function jiraDelivery(key: string, event = 'jira:issue_updated'): string {
  return JSON.stringify({
    timestamp: Date.now(),
    webhookEvent: event,
    issue_event_type_name: 'issue_generic',
    issue: {
      id: '10001',
      key,
      fields: {
        status: { name: 'Done', statusCategory: { key: 'done' } },
        resolutiondate: '2020-01-01T00:00:00.000+0000',
      },
    },
    changelog: { id: '1', items: [{ field: 'status', fromString: 'Open', toString: 'Done' }] },
  });
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

function signed(body: string, id: string, secret = SECRET): Record<string, string> {
  return { 'x-hub-signature': signBody(secret, body), 'x-atlassian-webhook-identifier': id };
}

let receiver: WebhookReceiver | null = null;
afterEach(async () => {
  await receiver?.close();
  receiver = null;
});

async function start(known: Record<string, string[]> = { 'CC-1': ['m-1'] }) {
  const woken: string[] = [];
  const lines: string[] = [];
  receiver = await startWebhookReceiver({
    host: '127.0.0.1',
    port: 0,
    secret: SECRET,
    wake: async (key) => {
      woken.push(key);
      return known[key] ?? [];
    },
    log: (l) => lines.push(l),
    maxBodyBytes: 64 * 1024,
  });
  return { url: receiver.url, woken, lines };
}

describe('webhook receiver', () => {
  it('wakes the migration of a signed delivery and answers 202 at once', async () => {
    const { url, woken } = await start();
    const body = jiraDelivery('CC-1');
    const res = await post(url, body, signed(body, 'd-1'));
    expect(res).toEqual({ status: 202, json: { status: 'accepted', migrations: ['m-1'] } });
    expect(woken).toEqual(['CC-1']);
  });

  it('rejects unsigned deliveries and wrong signatures with 401 and wakes nothing', async () => {
    const { url, woken, lines } = await start();
    const body = jiraDelivery('CC-1');
    expect((await post(url, body, { 'x-atlassian-webhook-identifier': 'd-1' })).status).toBe(401);
    expect((await post(url, body, signed(body, 'd-2', 'another-secret'))).status).toBe(401);
    expect((await post(url, body, { ...signed(body, 'd-3'), 'x-hub-signature': 'sha256=zz' })).status).toBe(401);
    // Signed over different bytes than those sent.
    expect((await post(url, jiraDelivery('CC-1', 'jira:issue_updated '), signed(body, 'd-4'))).status).toBe(401);
    expect(woken).toEqual([]);
    expect(lines.filter((l) => l.includes('signature'))).toHaveLength(4);
  });

  it('does not let a rejected delivery use up its identifier', async () => {
    const { url, woken } = await start();
    const body = jiraDelivery('CC-1');
    expect((await post(url, body, signed(body, 'd-1', 'wrong'))).status).toBe(401);
    expect((await post(url, body, signed(body, 'd-1'))).status).toBe(202);
    expect(woken).toEqual(['CC-1']);
  });

  it('acts on a delivery identifier once, however often Jira retries it', async () => {
    const { url, woken } = await start();
    const body = jiraDelivery('CC-1');
    const first = await post(url, body, signed(body, 'd-1'));
    const again = await post(url, body, signed(body, 'd-1'));
    expect(first.json.status).toBe('accepted');
    expect(again).toEqual({ status: 202, json: { status: 'duplicate' } });
    expect(woken).toEqual(['CC-1']);
  });

  it('answers 400 to a signed body that is not a Jira delivery', async () => {
    const { url, woken } = await start();
    for (const body of [
      'not json',
      '[]',
      '{"webhookEvent":"jira:issue_updated"}',
      '{"webhookEvent":"jira:issue_updated","issue":{"key":"DROP TABLE"}}',
    ]) {
      expect((await post(url, body, signed(body, `d-${body.length}`))).status).toBe(400);
    }
    expect(woken).toEqual([]);
  });

  it('ignores (202) tickets no migration waits on, and events other than issue updates', async () => {
    const { url, woken } = await start();
    const unknown = jiraDelivery('OPS-7');
    expect(await post(url, unknown, signed(unknown, 'd-1'))).toMatchObject({
      status: 202,
      json: { status: 'ignored' },
    });
    const comment = jiraDelivery('CC-1', 'comment_created');
    expect(await post(url, comment, signed(comment, 'd-2'))).toMatchObject({
      status: 202,
      json: { status: 'ignored' },
    });
    expect(woken).toEqual(['OPS-7']);
  });

  it('refuses bodies over the size limit with 413, and methods other than POST with 405', async () => {
    const { url, woken } = await start();
    const big = JSON.stringify({
      webhookEvent: 'jira:issue_updated',
      issue: { key: 'CC-1' },
      pad: 'x'.repeat(100 * 1024),
    });
    expect((await post(url, big, signed(big, 'd-1'))).status).toBe(413);
    expect(await chunkedPost(url, big)).toBe(413);
    expect((await fetch(url)).status).toBe(405);
    expect(woken).toEqual([]);
  });

  it('answers 500 when waking fails, so that Jira retries the same delivery', async () => {
    let fail = true;
    receiver = await startWebhookReceiver({
      host: '127.0.0.1',
      port: 0,
      secret: SECRET,
      wake: async () => {
        if (fail) throw new Error('database is locked');
        return ['m-1'];
      },
    });
    const body = jiraDelivery('CC-1');
    expect((await post(receiver.url, body, signed(body, 'd-1'))).status).toBe(500);
    fail = false;
    expect((await post(receiver.url, body, signed(body, 'd-1'))).json.status).toBe('accepted');
  });
});

/** A body without content-length (chunked): the limit must hold while reading, not only from the header. */
function chunkedPost(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'transfer-encoding': 'chunked', 'x-hub-signature': signBody(SECRET, body) } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    for (let i = 0; i < body.length; i += 8192) req.write(body.slice(i, i + 8192));
    req.end();
  });
}

describe('signature, dedupe memory and rate limiter', () => {
  it('accepts exactly the HMAC-SHA256 of the raw body, in either hex case', () => {
    const body = Buffer.from('{"a":1}');
    const header = signBody(SECRET, body);
    expect(signatureMatches(SECRET, body, header)).toBe(true);
    expect(signatureMatches(SECRET, body, header.toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
    expect(signatureMatches(SECRET, Buffer.from('{"a":2}'), header)).toBe(false);
    expect(signatureMatches(SECRET, body, undefined)).toBe(false);
    expect(signatureMatches(SECRET, body, header.replace('sha256=', 'sha1='))).toBe(false);
  });

  it('remembers a bounded number of delivery identifiers, forgetting the oldest', () => {
    const seen = new RecentDeliveries(3);
    for (const id of ['a', 'b', 'c', 'd']) expect(seen.firstTime(id)).toBe(true);
    expect(seen.size).toBe(3);
    expect(seen.firstTime('d')).toBe(false);
    expect(seen.firstTime('a')).toBe(true);
  });

  it('hands out `rate` tokens a second and says when the next one comes', () => {
    let now = 0;
    const bucket = new TokenBucket(4, 1, () => now);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    expect(bucket.nextTokenAt()).toBe(250);
    now = 250;
    expect(bucket.tryTake()).toBe(true);
    now = 10_000;
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });
});
