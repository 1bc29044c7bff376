/**
 * Jira Cloud's burst rate limit, per site (one emulator is one site): at most `limit` Jira requests in each
 * window of `windowMs` (fixed windows). Past it the site answers 429 with `Retry-After` (whole seconds) and
 * `RateLimit-Reason: jira-burst-based`; while limiting is on, every Jira answer carries `X-RateLimit-Limit`,
 * `X-RateLimit-Remaining` and `X-RateLimit-Reset` (an ISO 8601 instant), as Atlassian documents them. Off by
 * default; configured with startEmulator({jiraRateLimit}) or POST /_emulator/jira/rate-limit.
 */
import { json, type Reply } from './http.js';

export interface JiraRateLimit {
  limit: number;
  windowMs?: number;
}

export class JiraRateLimiter {
  private config: Required<JiraRateLimit> | null = null;
  private windowStart = 0;
  private used = 0;
  /** Requests refused with 429 so far. */
  refused = 0;

  configure(config: JiraRateLimit | null): void {
    if (config !== null && (!(config.limit >= 1) || !((config.windowMs ?? 1000) >= 1)))
      throw new RangeError('limit must be ≥ 1 and windowMs ≥ 1');
    this.config = config === null ? null : { limit: config.limit, windowMs: config.windowMs ?? 1000 };
    this.used = 0;
    this.refused = 0;
  }

  get settings(): Required<JiraRateLimit> | null {
    return this.config;
  }

  /** Counts one request; the 429 to answer instead of it when the window is spent. */
  take(now: number): Reply | undefined {
    const c = this.config;
    if (!c) return undefined;
    const start = Math.floor(now / c.windowMs) * c.windowMs;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.used = 0;
    }
    if (this.used < c.limit) {
      this.used++;
      return undefined;
    }
    this.refused++;
    const retryAfter = Math.max(1, Math.ceil((start + c.windowMs - now) / 1000));
    const reply = json(429, { errorMessages: ['Rate limit exceeded.'], errors: {} });
    return {
      ...reply,
      headers: { ...reply.headers, 'Retry-After': String(retryAfter), 'RateLimit-Reason': 'jira-burst-based' },
    };
  }

  /** The budget headers of an answer (none while limiting is off). */
  headers(): Record<string, string> {
    const c = this.config;
    if (!c) return {};
    return {
      'X-RateLimit-Limit': String(c.limit),
      'X-RateLimit-Remaining': String(Math.max(0, c.limit - this.used)),
      'X-RateLimit-Reset': new Date(this.windowStart + c.windowMs).toISOString(),
    };
  }
}
