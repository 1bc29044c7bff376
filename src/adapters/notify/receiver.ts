// A notification receiver over HTTP. Its URL carries a token (Slack's do), so it lives only in this object:
// the store knows the receiver by `receiverId` (a hash), and output names it by `describeUrl` (origin only).
// Failures are reported as text that holds neither the URL nor the secret (e.g. "HTTP 500").
import { createHash, createHmac } from 'node:crypto';
import type { OutboxEvent } from '../../core/notifications.js';
import { formatFor, jsonBody, type NotifyFormat, slackBody } from './payload.js';

export const NOTIFY_SECRET_ENV = 'CUTOVER_NOTIFY_SECRET';
const TIMEOUT_MS = 10_000;

export function receiverId(url: string): string {
  return `r-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`;
}

/** The URL without its path, query or credentials: safe to print. */
export function describeUrl(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return 'an unparsable URL';
  }
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface HttpReceiverOptions {
  url: string;
  format?: NotifyFormat;
  /** Signs every body; required for the generic JSON format (checked by the command). */
  secret?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** What a post came to (the engine's NotificationReceiver contract, engine/notify-sender.ts). */
export type PostResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

export interface HttpReceiver {
  /** What the store knows the receiver by. */
  id: string;
  post(event: OutboxEvent): Promise<PostResult>;
  format: NotifyFormat;
  label: string;
}

function headersFor(event: OutboxEvent, body: string, secret: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'cutover-notify',
    'x-cutover-event': event.type,
    'x-cutover-delivery': event.id,
  };
  if (secret) headers['x-cutover-signature-256'] = signature(secret, body);
  return headers;
}

/** Why a post failed, without the URL (undici's messages and causes can hold it). */
function failureText(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `no answer within ${timeoutMs} ms`;
  const code = (error as { cause?: { code?: unknown } })?.cause?.code;
  return `network error${typeof code === 'string' ? `: ${code}` : ''}`;
}

export function httpReceiver(options: HttpReceiverOptions): HttpReceiver {
  const format = formatFor(options.url, options.format);
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  return {
    id: receiverId(options.url),
    format,
    label: describeUrl(options.url),
    async post(event: OutboxEvent): Promise<PostResult> {
      const body = format === 'slack' ? slackBody(event) : jsonBody(event);
      try {
        const res = await doFetch(options.url, {
          method: 'POST',
          body,
          headers: headersFor(event, body, options.secret),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
        return { ok: false, status: res.status, error: `HTTP ${res.status}` };
      } catch (error) {
        return { ok: false, status: null, error: failureText(error, timeoutMs) };
      }
    },
  };
}
