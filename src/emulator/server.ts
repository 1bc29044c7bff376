/**
 * One HTTP server on 127.0.0.1 for every emulated service; one base URL works for each (route list in
 * routes.ts, control API in control.ts). Per request: route → count → latency → fault (before) → auth →
 * required headers → handler → fault (after) → write. The control API skips counting, latency, faults and
 * auth. close() destroys every socket, so a hung request never keeps a test alive.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Ctx, Handler, Reply } from './http.js';
import { header, json, serializeBody } from './http.js';
import { bearerToken, checkAam, checkAep, checkJira, jiraUnauthorized, type TokenStore } from './auth.js';
import { faultReply, runsAfterHandler, type FaultRegistry, type FaultRule } from './faults.js';
import { versionMissing } from './jira.js';
import type { Router } from './router.js';
import type { World } from './world.js';
import type { EmulatorSettings } from './control.js';

export interface ServerDeps {
  router: Router;
  world: World;
  tokens: TokenStore;
  faults: FaultRegistry;
  settings: EmulatorSettings;
}

const MAX_BODY = 5 * 1024 * 1024;
const CONTENT_TYPE_ERROR = {
  type: '/placeholder/type/uri',
  status: 400,
  title: 'BadRequestError',
  detail: 'A valid content-type must be specified',
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function write(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (reply.hang) return;
  if (reply.reset) {
    req.socket.destroy();
    return;
  }
  if (res.destroyed || res.headersSent) return;
  const body = serializeBody(reply);
  res.writeHead(reply.status, reply.headers ?? {});
  res.end(body);
}

function authFor(ctx: Ctx, deps: ServerDeps): Reply | undefined {
  switch (ctx.service) {
    case 'aep':
      return checkAep(ctx, deps.tokens);
    case 'aam':
      return checkAam(ctx, deps.tokens);
    case 'jira':
      return versionMissing(ctx, deps.settings.jiraFlavor) ?? checkJira(ctx, deps.settings.jiraFlavor);
    default:
      return undefined;
  }
}

/** Adobe's gateway refuses a body without a JSON content type before the service sees it. */
function contentTypeError(ctx: Ctx): Reply | undefined {
  if (ctx.service !== 'aep' || ctx.rawBody === '' || !['POST', 'PUT', 'PATCH'].includes(ctx.method)) return undefined;
  const type = header(ctx, 'content-type') ?? '';
  return /^application\/(json|json-patch\+json)\b/i.test(type) ? undefined : json(400, CONTENT_TYPE_ERROR);
}

/** A fault that answers instead of the handler. 'expired_token' expires the caller's token first. */
function faultBefore(ctx: Ctx, rule: FaultRule, deps: ServerDeps): Reply | undefined {
  if (rule.kind !== 'expired_token') return faultReply(rule, ctx.service);
  if (ctx.service === 'jira') return jiraUnauthorized();
  const token = bearerToken(ctx);
  if (token) deps.tokens.expire(token);
  return ctx.service === 'ims' ? faultReply(rule, ctx.service) : undefined;
}

async function pipeline(ctx: Ctx, handler: Handler, deps: ServerDeps): Promise<Reply> {
  const org = ctx.service === 'aep' || ctx.service === 'aam' ? header(ctx, 'x-gw-ims-org-id') : undefined;
  deps.world.count('requests', ctx.routeName, org);
  if (deps.settings.latencyMs > 0) await sleep(deps.settings.latencyMs);
  const rule = deps.faults.take(ctx);
  if (rule) deps.world.count('faults', ctx.routeName, org);
  if (rule && !runsAfterHandler(rule)) {
    const early = faultBefore(ctx, rule, deps);
    if (early) return early;
  }
  if (ctx.service === 'jira') {
    // The site's burst limit (jira-rate.ts), before auth as Atlassian's edge does it; its headers on every answer.
    const limited = deps.settings.jiraRate.take(Date.now());
    if (limited) deps.world.count('faults', 'jira.rate_limited');
    const reply = limited ?? (await answer(ctx, handler, deps, rule));
    return { ...reply, headers: { ...reply.headers, ...deps.settings.jiraRate.headers() } };
  }
  return answer(ctx, handler, deps, rule);
}

async function answer(ctx: Ctx, handler: Handler, deps: ServerDeps, rule: FaultRule | undefined): Promise<Reply> {
  const refused = authFor(ctx, deps) ?? contentTypeError(ctx);
  if (refused) return refused;
  const reply = await handler(ctx);
  return rule && runsAfterHandler(rule) ? faultReply(rule, ctx.service, reply) : reply;
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: ServerDeps): Promise<void> {
  const receivedAt = Date.now();
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = (req.method ?? 'GET').toUpperCase();
  const rawBody = await readBody(req);
  const match = deps.router.match(method, url.pathname);
  if (match === undefined)
    return write(req, res, json(404, { error: 'not_found', message: `No route for ${method} ${url.pathname}` }));
  if (match === 'method')
    return write(
      req,
      res,
      json(405, { error: 'method_not_allowed', message: `${method} is not allowed on ${url.pathname}` }),
    );
  const ctx: Ctx = {
    req,
    method,
    url,
    path: url.pathname,
    query: url.searchParams,
    params: match.params,
    rawBody,
    receivedAt,
    routeName: match.route.name,
    service: match.route.service,
  };
  const reply =
    ctx.service === 'control' ? await match.route.handler(ctx) : await pipeline(ctx, match.route.handler, deps);
  write(req, res, reply);
}

export interface RunningServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function listen(deps: ServerDeps, port: number): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res, deps).catch((error: unknown) => {
      write(
        req,
        res,
        json(500, { error: 'emulator_error', message: error instanceof Error ? error.message : String(error) }),
      );
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    server,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        deps.world.stopTimers();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
