// A recording HTTP server on 127.0.0.1 (port 0) for adapter tests: routes answer like the vendor would, and
// every request is kept so tests can validate what the client sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceConfig } from '../../../src/core/config.js';
import type { LogFields, Logger } from '../../../src/ports.js';

export interface Recorded {
  method: string;
  /** Path and query as received. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
}

export type Handler = (req: Recorded, res: ServerResponse) => void | Promise<void>;

interface Route {
  method: string;
  match: RegExp;
  handler: Handler;
  times?: number;
}

export interface TestServer {
  url: string;
  requests: Recorded[];
  /** Adds a route; the first added match that is not used up wins. `times` limits how often it answers. */
  on(method: string, match: RegExp | string, handler: Handler, times?: number): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  let routes: Route[] = [];
  const requests: Recorded[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
    const recorded: Recorded = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path: parsed.pathname,
      query: parsed.searchParams,
      headers: req.headers,
      body,
      json: tryJson(body),
    };
    requests.push(recorded);
    const route = routes.find((r) => r.method === recorded.method && r.match.test(recorded.path) && r.times !== 0);
    if (!route) return json(res, 404, { errorMessage: `no test route for ${recorded.method} ${recorded.path}` });
    if (route.times !== undefined) route.times--;
    await route.handler(recorded, res);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on(method, match, handler, times) {
      const re = typeof match === 'string' ? new RegExp(`^${match.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : match;
      routes.push({ method, match: re, handler, times });
    },
    reset() {
      routes = [];
      requests.length = 0;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on (bound, then released), for connection-refused tests. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

export function text(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain',
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': contentType, ...headers });
  res.end(body);
}

function tryJson(body: string): unknown {
  try {
    return body === '' ? undefined : (JSON.parse(body) as unknown);
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------ logs and secrets
export const SECRETS = {
  jiraToken: 'jira-api-token-S3CR3T-0001',
  clientSecret: 'p8e-client-secret-S3CR3T-0002',
  accessToken: 'ims-access-token-S3CR3T-0003',
};

export interface RecordingLogger extends Logger {
  lines: { level: string; message: string; fields?: LogFields }[];
  text(): string;
}

export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  const at = (level: string) => (message: string, fields?: LogFields) => lines.push({ level, message, fields });
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () => lines.map((l) => `${l.message} ${JSON.stringify(l.fields ?? {})}`).join('\n'),
  };
}

/** The secrets in every form a careless layer could leak them: raw, URL-encoded, base64, Basic pair. */
export function secretForms(email = 'admin@example.com'): string[] {
  const raw = [SECRETS.jiraToken, SECRETS.clientSecret, SECRETS.accessToken];
  const basic = Buffer.from(`${email}:${SECRETS.jiraToken}`).toString('base64');
  return [...raw, ...raw.map((s) => Buffer.from(s).toString('base64')), basic];
}

export function testConfig(
  baseUrl: string,
  overrides: Partial<ServiceConfig['http']> & { flavor?: 'cloud' | 'dc' } = {},
): ServiceConfig {
  return {
    jira: { url: baseUrl, flavor: overrides.flavor ?? 'cloud', email: 'admin@example.com', token: SECRETS.jiraToken },
    ims: { url: baseUrl, clientId: 'client-id-1', clientSecret: SECRETS.clientSecret, scopes: 'openid,AdobeID' },
    platform: { url: baseUrl, orgId: 'ORG1@AdobeOrg', sandbox: 'prod', ecaSpecName: 'Experience Cloud Audiences' },
    aam: {
      url: baseUrl,
      dataSource: 'Experience Platform Segments',
      legacyDataSource: 'Adobe Experience Platform Audience Sharing',
    },
    http: { timeoutMs: overrides.timeoutMs ?? 2000, retries: overrides.retries ?? 3, debug: overrides.debug ?? true },
  };
}

/** An IMS route that issues SECRETS.accessToken (or a numbered variant) and counts calls. */
export function imsRoute(server: TestServer, expiresIn = 86399): { calls: () => number } {
  let calls = 0;
  server.on('POST', '/ims/token/v3', (_req, res) => {
    calls++;
    const token = calls === 1 ? SECRETS.accessToken : `${SECRETS.accessToken}-${calls}`;
    json(res, 200, { access_token: token, token_type: 'bearer', expires_in: expiresIn });
  });
  return { calls: () => calls };
}
