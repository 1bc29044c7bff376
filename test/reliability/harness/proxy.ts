// A tiny mangling proxy on 127.0.0.1 in front of the emulator, for garbage the emulator will not produce:
// answers with wrong types or missing fields. Everything else is forwarded byte for byte.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Mangle {
  method: string;
  path: RegExp;
  /** Rewrites the parsed JSON answer; the proxy sends what it returns. */
  rewrite: (body: Record<string, unknown>) => unknown;
}

export interface Proxy {
  url: string;
  /** Stops mangling (the fault is lifted); the proxy keeps forwarding. */
  lift(): void;
  mangled: number;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length > 0 ? Buffer.concat(chunks) : undefined;
}

export async function startProxy(target: string, mangle: Mangle): Promise<Proxy> {
  let active = true;
  const state = { mangled: 0 };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length'),
      ) as Record<string, string>;
      const upstream = await fetch(`${target}${req.url}`, { method: req.method, headers, body });
      let text = await upstream.text();
      const path = (req.url ?? '').split('?')[0]!;
      if (active && req.method === mangle.method && mangle.path.test(path) && upstream.ok) {
        text = JSON.stringify(mangle.rewrite(JSON.parse(text) as Record<string, unknown>));
        state.mangled++;
      }
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(text);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    lift: () => (active = false),
    get mangled() {
      return state.mangled;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
