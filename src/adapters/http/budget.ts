// A request budget for one remote site (a Jira base URL), shared by every HTTP client that talks to it: at most
// `ratePerSecond` requests a second, spaced evenly, and slower still when the site says its own budget is running
// out (X-RateLimit-Remaining / RateLimit-Remaining with their reset), so the tool backs off before it is refused.
// A 429 (or 503) with Retry-After pauses every request to that site, and only to that site: other sites and other
// services have budgets of their own (or none).
import { parseRetryAfter } from './retry.js';

export type Sleep = (ms: number) => Promise<void>;

/** Below this share of the site's announced limit, requests are spread over the time left until its reset. */
const LOW_SHARE = 0.2;
/** A pause announced by the site is never taken for longer than this (a wrong header must not stall a watch). */
const MAX_PAUSE_MS = 300_000;
/** Requests that may go back to back before the spacing applies. */
export const DEFAULT_BURST = 10;

export class SiteBudget {
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  /** Set from the site's headers when it is close to its limit: the spacing that spends the rest until the reset. */
  private lowSpacingMs = 0;
  private lowUntil = 0;
  /** Requests that had to wait for the budget, and 429s seen: for the figures and the tests. */
  readonly stats = { waited: 0, refused: 0 };

  /**
   * `burst` requests may go at once (an operator's command reads a few things in a row); past it they are spaced
   * 1/`ratePerSecond` apart, so the long-run rate never exceeds the budget.
   */
  constructor(
    readonly ratePerSecond: number,
    private readonly now: () => number,
    private readonly burst = DEFAULT_BURST,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be > 0');
    this.tokens = burst;
    this.last = now();
  }

  /** Resolves when this request may be sent. */
  async acquire(sleep: Sleep): Promise<void> {
    let waited = false;
    for (;;) {
      const now = this.now();
      this.refill(now);
      const wait = this.pausedUntil > now ? this.pausedUntil - now : this.tokens >= 1 ? 0 : this.refillMs();
      if (wait <= 0) {
        this.tokens -= 1;
        return;
      }
      if (!waited) this.stats.waited++;
      waited = true;
      await sleep(wait);
    }
  }

  /** Reads what the site said about its budget in this answer. */
  observe(status: number, headers: Headers): void {
    const now = this.now();
    if (status === 429 || status === 503) {
      if (status === 429) this.stats.refused++;
      const retryAfter = parseRetryAfter(headers.get('retry-after'), now) ?? (status === 429 ? 1000 : undefined);
      if (retryAfter !== undefined) this.pause(now + retryAfter);
      return;
    }
    const remaining = firstNumber(headers, ['x-ratelimit-remaining', 'ratelimit-remaining']);
    if (remaining === undefined) return;
    const resetAt = resetInstant(headers, now);
    const limit = firstNumber(headers, ['x-ratelimit-limit', 'ratelimit-limit']) ?? policyLimit(headers);
    const near = headers.get('x-ratelimit-nearlimit') === 'true';
    if (remaining <= 0 && resetAt !== undefined) {
      this.pause(resetAt);
      return;
    }
    const low = near || (limit !== undefined && limit > 0 && remaining / limit < LOW_SHARE);
    if (low && resetAt !== undefined && resetAt > now) {
      this.lowSpacingMs = (resetAt - now) / Math.max(1, remaining);
      this.lowUntil = resetAt;
      this.tokens = Math.min(this.tokens, 1);
    }
  }

  /** Epoch ms before which no request to the site is sent (0: none pending). */
  get pausedUntilMs(): number {
    return this.pausedUntil;
  }

  private pause(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Math.min(until, this.now() + MAX_PAUSE_MS));
  }

  private spacingMs(at: number): number {
    const base = 1000 / this.ratePerSecond;
    return at < this.lowUntil ? Math.max(base, this.lowSpacingMs) : base;
  }

  /** Time until the next whole token. */
  private refillMs(): number {
    return Math.max(1, Math.ceil((1 - this.tokens) * this.spacingMs(this.now())));
  }

  private refill(now: number): void {
    // A clock that steps back must not mint tokens; near the site's limit no burst is saved up.
    const elapsed = Math.max(0, now - this.last);
    const capacity = now < this.lowUntil ? 1 : this.burst;
    this.tokens = Math.min(capacity, this.tokens + elapsed / this.spacingMs(now));
    this.last = now;
  }
}

function firstNumber(headers: Headers, names: string[]): number | undefined {
  for (const name of names) {
    const raw = headers.get(name);
    if (raw === null) continue;
    const value = Number(raw.split(/[,;]/)[0]?.trim());
    if (Number.isFinite(value)) return value;
  }
  return undefined;
}

/**
 * When the site's window resets: Jira's X-RateLimit-Reset is an ISO 8601 instant; the IETF draft's
 * RateLimit-Reset is delta-seconds.
 */
function resetInstant(headers: Headers, now: number): number | undefined {
  const jira = headers.get('x-ratelimit-reset');
  if (jira !== null) {
    const at = /^\d+$/.test(jira.trim()) ? now + Number(jira) * 1000 : Date.parse(jira);
    if (Number.isFinite(at)) return at;
  }
  const delta = firstNumber(headers, ['ratelimit-reset']);
  return delta === undefined ? undefined : now + delta * 1000;
}

/** The quota of an IETF RateLimit-Policy header (`10;w=1`, or the newer `"default";q=10;w=1`). */
function policyLimit(headers: Headers): number | undefined {
  const raw = headers.get('ratelimit-policy');
  if (raw === null) return undefined;
  const q = /(?:^|;)\s*q=(\d+)/.exec(raw)?.[1] ?? /^\s*(\d+)/.exec(raw)?.[1];
  return q === undefined ? undefined : Number(q);
}

const budgets = new Map<string, SiteBudget>();

/**
 * The one budget of a site in this process: every client of the site (one per org and sandbox) shares it. A call
 * with another rate starts a new budget (another configuration); clients made earlier keep theirs.
 */
export function siteBudget(site: string, ratePerSecond: number, now: () => number): SiteBudget {
  const key = site.replace(/\/+$/, '').toLowerCase();
  let budget = budgets.get(key);
  if (!budget || budget.ratePerSecond !== ratePerSecond) {
    budget = new SiteBudget(ratePerSecond, now);
    budgets.set(key, budget);
  }
  return budget;
}
