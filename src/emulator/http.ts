/**
 * The request context handlers receive and the reply they return. Handlers never write to the socket
 * themselves: the server writes the reply, which lets a fault act after a handler ran (a write that landed
 * but whose answer was lost) and keeps every handler a plain function of its input.
 */
import type { IncomingMessage } from 'node:http';

export type Service = 'ims' | 'aep' | 'aam' | 'jira' | 'control';

export interface Ctx {
  req: IncomingMessage;
  method: string;
  url: URL;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  rawBody: string;
  /** Epoch ms when the request arrived, before any simulated latency. */
  receivedAt: number;
  routeName: string;
  service: Service;
  /** The bearer token presented, once auth has accepted it (AEP and AAM). */
  token?: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are (with the content type given in headers). */
  body?: unknown;
  /** Set by the 'hang' fault: the server never answers. */
  hang?: boolean;
  /** Set by the 'reset' fault: the server destroys the socket. */
  reset?: boolean;
}

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, body, headers: { 'content-type': 'application/json;charset=UTF-8', ...headers } };
}

export function text(status: number, body: string, contentType = 'text/plain;charset=UTF-8'): Reply {
  return { status, body, headers: { 'content-type': contentType } };
}

export function empty(status: number): Reply {
  return { status };
}

export function header(ctx: Ctx, name: string): string | undefined {
  const value = ctx.req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Parses the body as JSON; undefined when there is no body, an Error when it is not JSON. */
export function parseJsonBody(ctx: Ctx): unknown {
  if (ctx.rawBody.trim() === '') return undefined;
  try {
    return JSON.parse(ctx.rawBody) as unknown;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function serializeBody(reply: Reply): string | undefined {
  if (reply.body === undefined) return undefined;
  return typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
}
