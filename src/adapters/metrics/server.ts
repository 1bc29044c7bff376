// The HTTP face of `watch --listen`: GET /healthz (200 while the loop runs and the store answers, else 503),
// GET /readyz (200 once the first pass read the store, 503 while starting or draining), GET /metrics
// (Prometheus text). Served on its own port, or on the webhook receiver's when both are the same address (the
// receiver offers every request to `routes` first).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Probe } from './health.js';

export interface ServiceRoutesOptions {
  health: Probe;
  /** The scheduler loop is running (false once it stopped). */
  looping: () => boolean;
  ready: () => boolean;
  metrics: () => Promise<{ contentType: string; body: string }>;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

function reply(res: ServerResponse, status: number, body: string, contentType = 'application/json'): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

async function answer(path: string, o: ServiceRoutesOptions, res: ServerResponse): Promise<void> {
  if (path === '/metrics') {
    const { contentType, body } = await o.metrics();
    return reply(res, 200, body, contentType);
  }
  if (path === '/readyz') {
    const ready = o.ready();
    return reply(res, ready ? 200 : 503, JSON.stringify({ status: ready ? 'ready' : 'not ready' }));
  }
  const probe = await o.health();
  const ok = probe.ok && o.looping();
  const detail = probe.detail ?? (o.looping() ? undefined : 'the watch loop is not running');
  reply(res, ok ? 200 : 503, JSON.stringify({ status: ok ? 'ok' : 'unavailable', ...(detail ? { detail } : {}) }));
}

const PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export function serviceRoutes(o: ServiceRoutesOptions): RouteHandler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'GET' || !PATHS.has(path)) return false;
    answer(path, o, res).catch(() => reply(res, 500, JSON.stringify({ status: 'error' })));
    return true;
  };
}

export interface ServiceServer {
  url: string;
  close(): Promise<void>;
}

export async function startServiceServer(host: string, port: number, routes: RouteHandler): Promise<ServiceServer> {
  const server: Server = createServer((req, res) => {
    if (!routes(req, res)) reply(res, 404, JSON.stringify({ error: 'GET /healthz, /readyz or /metrics' }));
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
