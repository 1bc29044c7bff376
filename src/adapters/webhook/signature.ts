// Jira signs a webhook with the admin-configured secret: `x-hub-signature: sha256=<hex>`, the HMAC-SHA256 of
// the raw request body (jira-api.md §6). Checked over the exact bytes received, before parsing anything.
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER_FORMAT = /^sha256=([0-9a-f]{64})$/i;

export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Constant-time comparison, so response timing says nothing about how much of a forged signature matched. */
export function signatureMatches(secret: string, body: Buffer, header: string | undefined): boolean {
  const match = HEADER_FORMAT.exec(header?.trim() ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1].toLowerCase(), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
