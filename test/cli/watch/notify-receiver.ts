// A notification receiver for tests: a real HTTP server on 127.0.0.1 that records every post (raw body and
// headers) and answers 500 to the first `failFirst` posts (a receiver that is down for a while).
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  raw: string;
  headers: Record<string, string | string[] | undefined>;
  answered: number;
  /** The parsed body. */
  body: { id: string; type: string; migrationId: string; orgId: string; at: string; data: Record<string, unknown> };
}

export interface TestReceiver {
  url: string;
  received: Received[];
  /** Posts answered 2xx. */
  accepted(): Received[];
  failFirst: number;
  close(): Promise<void>;
}

export async function startReceiver(options: { failFirst?: number; path?: string } = {}): Promise<TestReceiver> {
  const received: Received[] = [];
  const state = { failFirst: options.failFirst ?? 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const answered = received.length < state.failFirst ? 500 : 200;
      received.push({ raw, headers: req.headers, answered, body: JSON.parse(raw) });
      res.writeHead(answered, { 'content-type': 'text/plain' });
      res.end(answered === 200 ? 'ok' : 'down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // A token in the path, as Slack's URLs have: it must never show up anywhere.
    url: `http://127.0.0.1:${port}${options.path ?? '/hooks/T0KEN-in-the-url-5ecret'}`,
    received,
    accepted: () => received.filter((r) => r.answered === 200),
    get failFirst() {
      return state.failFirst;
    },
    set failFirst(n: number) {
      state.failFirst = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function validSignature(secret: string, r: Received): boolean {
  const expected = `sha256=${createHmac('sha256', secret).update(r.raw).digest('hex')}`;
  return r.headers['x-cutover-signature-256'] === expected;
}
