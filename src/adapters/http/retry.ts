// When to retry and how long to wait. The rule for writes, because a duplicated write is worse than an error:
//
//   A request that is safe to repeat (GET, HEAD, PUT, DELETE, a PATCH guarded by If-Match, or a call the
//   caller marks `idempotent`) is retried on 429, 502, 503, 504, a timeout and network errors.
//
//   Any other POST or PATCH is retried only when the failure proves the server did not process it:
//   429 (rate limited before processing), 503 carrying Retry-After (the service told us to come back), or a
//   connection that was refused (nothing was sent). After a timeout, a reset or a 502/504 the write may have
//   landed: the error is surfaced as retryable and the caller reconciles (looks the object up by its marker)
//   before trying again.

export const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Network error codes worth a retry; ECONNREFUSED is also proof that a write was not processed. */
const RETRYABLE_NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'TIMEOUT',
]);

export type Failure = { kind: 'status'; status: number; retryAfter: boolean } | { kind: 'network'; code: string };

export function isSafeToRepeat(method: string, headers: Record<string, string>, idempotent?: boolean): boolean {
  if (idempotent) return true;
  const m = method.toUpperCase();
  if (['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'].includes(m)) return true;
  // A conditional write cannot apply twice: a repeat after success fails with 412 and the caller re-reads.
  return m === 'PATCH' && Object.keys(headers).some((h) => h.toLowerCase() === 'if-match');
}

/** True when the failure is transient at all (whatever the method). */
export function isTransient(failure: Failure): boolean {
  return failure.kind === 'status' ? RETRYABLE_STATUS.has(failure.status) : RETRYABLE_NETWORK.has(failure.code);
}

/** True when this failure may be retried for this request, by the rule above. */
export function mayRetry(failure: Failure, safeToRepeat: boolean): boolean {
  if (!isTransient(failure)) return false;
  if (safeToRepeat) return true;
  if (failure.kind === 'network') return failure.code === 'ECONNREFUSED';
  return failure.status === 429 || (failure.status === 503 && failure.retryAfter);
}

/**
 * Retry-After as milliseconds: delta-seconds or an HTTP date (relative to `now`). Undefined when absent or
 * unreadable, so the caller falls back to backoff.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // HTTP-date (IMF-fixdate and the obsolete forms Date.parse accepts); only attempted for day-name forms.
  if (!/^[A-Za-z]{3},? /.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^attempt)). */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** The network error code of a fetch failure (undici nests it in `cause`). */
export function networkCode(err: unknown): string {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return 'NETWORK';
}
