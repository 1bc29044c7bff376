// The optional Jira webhook receiver of `cutover watch`. It only shortens detection: a valid delivery for a
// ticket we wait on wakes its migration, and the engine re-reads the ticket over REST and takes the
// resolution time from Jira's own fields. Nothing in the body is trusted beyond the ticket key.
//
// Order of checks: size (413), signature over the raw bytes (401), shape (400), duplicate delivery (202,
// once only), then the wake. The answer goes out at once (202); the drive runs in the scheduler.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RecentDeliveries } from './recent-deliveries.js';
import { signatureMatches } from './signature.js';

export const MAX_BODY_BYTES = 1024 * 1024;
const ISSUE_KEY = /^[A-Za-z][A-Za-z0-9_]*-\d+$/;
const MAX_DELIVERY_ID_LENGTH = 200;

export interface WebhookOptions {
  host: string;
  port: number;
  secret: string;
  /** Wakes the migrations waiting on this ticket; resolves to their ids (empty: not ours). */
  wake: (ticketKey: string) => Promise<string[]>;
  log?: (line: string) => void;
  maxBodyBytes?: number;
  deliveries?: RecentDeliveries;
  /** Other routes on the same port (`watch --listen`): true when it answered the request itself. */
  routes?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

class TooLarge extends Error {}

function answer(status: number, body: Record<string, unknown>): Answer {
  return { status, body };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new TooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) reject(new TooLarge());
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The ticket key and event of a Jira webhook body, or null when it is not one. */
export function parseDelivery(raw: Buffer): { event: string; key: string } | null {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
  const b = body as { webhookEvent?: unknown; issue?: { key?: unknown } } | null;
  if (typeof b !== 'object' || b === null || typeof b.webhookEvent !== 'string') return null;
  const key = b.issue?.key;
  return typeof key === 'string' && ISSUE_KEY.test(key) ? { event: b.webhookEvent, key } : null;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Everything after the body was read and signed correctly. */
async function handleSigned(
  req: IncomingMessage,
  raw: Buffer,
  options: WebhookOptions,
  deliveries: RecentDeliveries,
): Promise<Answer> {
  const delivery = parseDelivery(raw);
  const id = headerOf(req, 'x-atlassian-webhook-identifier');
  if (!delivery || (id !== undefined && (id === '' || id.length > MAX_DELIVERY_ID_LENGTH))) {
    return answer(400, { error: 'not a Jira webhook delivery: expected JSON with webhookEvent and issue.key' });
  }
  // Without an identifier there is nothing to deduplicate on; a repeat only costs one more ticket read.
  if (id !== undefined && !deliveries.firstTime(id)) return answer(202, { status: 'duplicate' });
  if (delivery.event !== 'jira:issue_updated')
    return answer(202, { status: 'ignored', reason: `event ${delivery.event}` });
  try {
    const woken = await options.wake(delivery.key);
    if (woken.length === 0) {
      options.log?.(`webhook: ${delivery.key} is not a ticket any watched migration waits on; ignored`);
      return answer(202, { status: 'ignored', reason: `no watched migration waits on ${delivery.key}` });
    }
    return answer(202, { status: 'accepted', migrations: woken });
  } catch (error) {
    // Let Jira retry the delivery (it retries on 5xx).
    if (id !== undefined) deliveries.forget(id);
    throw error;
  }
}

async function handle(req: IncomingMessage, options: WebhookOptions, deliveries: RecentDeliveries): Promise<Answer> {
  if (req.method !== 'POST') return answer(405, { error: 'only POST is accepted' });
  const raw = await readBody(req, options.maxBodyBytes ?? MAX_BODY_BYTES);
  if (!signatureMatches(options.secret, raw, headerOf(req, 'x-hub-signature'))) {
    options.log?.(
      `webhook: rejected a delivery with a missing or wrong signature (from ${req.socket.remoteAddress ?? 'unknown'})`,
    );
    return answer(401, { error: 'missing or invalid x-hub-signature' });
  }
  return handleSigned(req, raw, options, deliveries);
}

function send(res: ServerResponse, { status, body }: Answer, close = false): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status === 405) headers.allow = 'POST';
  // An oversized body is not read to its end: close the connection instead of draining it.
  if (close) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(JSON.stringify(body));
}

function requestListener(options: WebhookOptions, deliveries: RecentDeliveries) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (options.routes?.(req, res)) return;
    handle(req, options, deliveries).then(
      (a) => send(res, a),
      (error: unknown) => {
        if (error instanceof TooLarge)
          return send(
            res,
            answer(413, { error: `body larger than ${options.maxBodyBytes ?? MAX_BODY_BYTES} bytes` }),
            true,
          );
        options.log?.(`webhook: delivery failed: ${error instanceof Error ? error.message : String(error)}`);
        send(res, answer(500, { error: 'internal error; the delivery can be retried' }));
      },
    );
  };
}

export async function startWebhookReceiver(options: WebhookOptions): Promise<WebhookReceiver> {
  const deliveries = options.deliveries ?? new RecentDeliveries();
  const server: Server = createServer(requestListener(options, deliveries));
  // A slow or stalled sender must not hold sockets open for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    // Idempotent: watch closes on the stop signal and again on the way out.
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
