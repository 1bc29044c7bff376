// The one HTTP layer every service client goes through: per-attempt timeout (AbortSignal), bounded retries with
// exponential backoff and full jitter, Retry-After, one credential refresh after a 401, typed errors with the
// vendor's code and message, and redacted debug logging (CUTOVER_DEBUG=http). The retry rule for writes is in
// retry.ts.
import { ServiceError, type BodyProblem } from '../../errors.js';
import type { Logger } from '../../ports.js';
import type { SiteBudget } from './budget.js';
import { Redactor } from './redact.js';
import {
  backoffMs,
  isSafeToRepeat,
  isTransient,
  mayRetry,
  networkCode,
  parseRetryAfter,
  type Failure,
} from './retry.js';
import { bodyProblem, isHtmlBody, parseVendorError, unexpectedBody } from './vendor-error.js';

export type ServiceName = ServiceError['service'];
export type FetchFn = typeof fetch;
export type SleepFn = (ms: number) => Promise<void>;

export interface AuthProvider {
  headers(): Promise<Record<string, string>>;
  /** Called once after a 401: drop cached credentials; true when a second try may succeed. */
  refresh?(): Promise<boolean>;
}

export interface HttpClientOptions {
  service: ServiceName;
  baseUrl: string;
  logger: Logger;
  redactor?: Redactor;
  fetch?: FetchFn;
  sleep?: SleepFn;
  /** Epoch ms, for Retry-After HTTP dates. */
  now?: () => number;
  random?: () => number;
  /** Log every request and response (redacted) at debug level. */
  debug?: boolean;
  timeoutMs?: number;
  /** Retries after the first attempt. */
  retries?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  /** A Retry-After longer than this is not waited for: the error surfaces (retryable) instead. */
  maxRetryAfterMs?: number;
  auth?: AuthProvider;
  /** Headers sent on every request (e.g. x-api-key, x-gw-ims-org-id). */
  defaultHeaders?: Record<string, string>;
  /** The site's shared request budget (Jira): every attempt waits for it, every answer informs it. */
  budget?: SiteBudget;
}

export type QueryValue = string | number | boolean | undefined;
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Appended to the base URL; may carry a query string. */
  path: string;
  query?: Record<string, QueryValue | QueryValue[]>;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  /** A POST that is safe to repeat (a search, a token request). */
  idempotent?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Told of every attempt's answer (status null: none came); `watch --listen` counts vendor requests with it. */
export const httpObserver: { onAttempt?: (a: HttpAttemptSeen) => void } = {};
export type HttpAttemptSeen = { service: ServiceName; method: string; status: number | null; retry: boolean };

type Attempt =
  | { ok: true; response: HttpResponse }
  | { ok: false; failure: Failure; error: ServiceError; retryAfterMs?: number };

export const HTTP_DEFAULTS = {
  timeoutMs: 30_000,
  retries: 4,
  retryBaseMs: 500,
  retryCapMs: 30_000,
  maxRetryAfterMs: 120_000,
};

export class HttpClient {
  readonly redactor: Redactor;
  private readonly fetchFn: FetchFn;
  private readonly sleep: SleepFn;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: HttpClientOptions) {
    this.redactor = options.redactor ?? new Redactor();
    this.fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  get baseUrl(): string {
    return this.options.baseUrl.replace(/\/+$/, '');
  }

  /** Sends the request (with retries) and returns a 2xx response; anything else throws a ServiceError. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const retries = this.options.retries ?? HTTP_DEFAULTS.retries;
    const safe = isSafeToRepeat(req.method, req.headers ?? {}, req.idempotent);
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const result = await this.attempt(req);
      const status = result.ok
        ? result.response.status
        : result.failure.kind === 'status'
          ? result.failure.status
          : null;
      httpObserver.onAttempt?.({ service: this.options.service, method: req.method, status, retry: attempt > 0 });
      if (result.ok) return result.response;
      const { failure } = result;
      const unauthorized = failure.kind === 'status' && failure.status === 401;
      // One refresh per run of 401s, not per request: a token can expire again during a long backoff (a
      // 429's Retry-After), and that later 401 deserves its own refresh. Two 401s in a row still give up.
      if (!unauthorized) refreshed = false;
      if (unauthorized && !refreshed && this.options.auth?.refresh) {
        refreshed = true;
        // A 401 means the request was refused before processing, so one more try is safe for any method.
        if (await this.options.auth.refresh()) {
          attempt--;
          continue;
        }
      }
      const delay = this.retryDelay(result, attempt, retries, safe);
      if (delay === undefined) throw result.error;
      this.log('http retry', {
        service: this.options.service,
        method: req.method,
        attempt: attempt + 1,
        delayMs: delay,
        reason: result.error.message,
      });
      await this.sleep(delay);
    }
  }

  /** A 2xx JSON body, parsed; an empty or unparseable body is a ServiceError ("unexpected response"). */
  async json<T>(req: HttpRequest): Promise<T> {
    const response = await this.request(req);
    return this.parseJson<T>(req, response);
  }

  /** Like json(), but an empty body (202/204) is undefined rather than an error. */
  async jsonOrEmpty<T>(req: HttpRequest): Promise<T | undefined> {
    const response = await this.request(req);
    if (response.text.trim() === '') return undefined;
    return this.parseJson<T>(req, response);
  }

  parseJson<T>(req: HttpRequest, response: HttpResponse): T {
    try {
      if (response.text.trim() === '') throw new Error('empty');
      return JSON.parse(response.text) as T;
    } catch {
      const type = response.headers.get('content-type') ?? '';
      const message = unexpectedBody(type, response.text);
      throw this.error(req, response.status, undefined, message, false, bodyProblem(type, response.text));
    }
  }

  private retryDelay(
    result: Extract<Attempt, { ok: false }>,
    attempt: number,
    retries: number,
    safe: boolean,
  ): number | undefined {
    if (attempt >= retries || !mayRetry(result.failure, safe)) return undefined;
    if (result.retryAfterMs !== undefined) {
      const max = this.options.maxRetryAfterMs ?? HTTP_DEFAULTS.maxRetryAfterMs;
      return result.retryAfterMs > max ? undefined : result.retryAfterMs;
    }
    const base = this.options.retryBaseMs ?? HTTP_DEFAULTS.retryBaseMs;
    const cap = this.options.retryCapMs ?? HTTP_DEFAULTS.retryCapMs;
    return backoffMs(attempt, base, cap, this.random);
  }

  private async attempt(req: HttpRequest): Promise<Attempt> {
    // The budget wait comes before the timeout starts: waiting our turn is not the site being slow.
    await this.options.budget?.acquire(this.sleep);
    const url = this.url(req);
    const init = await this.init(req);
    const timeoutMs = this.options.timeoutMs ?? HTTP_DEFAULTS.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const started = this.now();
    this.logRequest(req, url, init);
    try {
      const res = await this.fetchFn(url, { ...init, signal: controller.signal });
      const text = await res.text(); // read under the same timeout: a body that never ends is a hang too
      const response: HttpResponse = { status: res.status, headers: res.headers, text };
      this.options.budget?.observe(res.status, res.headers);
      this.logResponse(req, url, response, this.now() - started);
      if (res.status >= 200 && res.status < 300) return { ok: true, response };
      return this.statusFailure(req, response);
    } catch (err) {
      const code = timedOut ? 'TIMEOUT' : networkCode(err);
      const message = timedOut
        ? `no response within ${timeoutMs} ms`
        : `${code}: ${err instanceof Error ? err.message : String(err)}`;
      const failure: Failure = { kind: 'network', code };
      this.log('http network error', {
        service: this.options.service,
        method: req.method,
        url: this.redactor.url(url),
        code,
      });
      return { ok: false, failure, error: this.error(req, undefined, code, message, isTransient(failure)) };
    } finally {
      clearTimeout(timer);
    }
  }

  private statusFailure(req: HttpRequest, response: HttpResponse): Attempt {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.now());
    const failure: Failure = { kind: 'status', status: response.status, retryAfter: retryAfterMs !== undefined };
    const type = response.headers.get('content-type') ?? '';
    const vendor = parseVendorError(response.status, type, response.text);
    const html = isHtmlBody(type, response.text) ? 'html' : undefined;
    const error = this.error(req, response.status, vendor.code, vendor.message, isTransient(failure), html);
    return { ok: false, failure, error, retryAfterMs };
  }

  /** Every ServiceError is built here, so every one is redacted. `body` says what was wrong with a body. */
  error(
    req: HttpRequest,
    status: number | undefined,
    code: string | undefined,
    message: string,
    retryable: boolean,
    body?: BodyProblem,
  ): ServiceError {
    const url = this.redactor.url(this.url(req));
    const safeCode = code === undefined ? undefined : this.redactor.text(code);
    const safeMessage = this.redactor.text(message);
    return new ServiceError(this.options.service, req.method, url, status, safeCode, safeMessage, retryable, { body });
  }

  url(req: HttpRequest): string {
    const raw = /^https?:\/\//i.test(req.path)
      ? req.path
      : `${this.baseUrl}${req.path.startsWith('/') ? '' : '/'}${req.path}`;
    const url = new URL(raw);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) if (v !== undefined) url.searchParams.append(key, String(v));
    }
    return url.toString();
  }

  private async init(req: HttpRequest): Promise<RequestInit> {
    const headers: Record<string, string> = { Accept: 'application/json', ...this.options.defaultHeaders };
    if (this.options.auth) Object.assign(headers, await this.options.auth.headers());
    let body: string | undefined;
    if (req.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(req.json);
    } else if (req.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(req.form).toString();
    }
    Object.assign(headers, req.headers);
    return { method: req.method, headers, body };
  }

  private logRequest(req: HttpRequest, url: string, init: RequestInit): void {
    if (!this.options.debug) return;
    const body = typeof init.body === 'string' ? clip(this.redactor.body(init.body)) : undefined;
    const headers = this.redactor.headers(init.headers as Record<string, string>);
    this.log('http request', {
      service: this.options.service,
      method: req.method,
      url: this.redactor.url(url),
      headers,
      body,
    });
  }

  private logResponse(req: HttpRequest, url: string, res: HttpResponse, ms: number): void {
    if (!this.options.debug) return;
    const fields = {
      service: this.options.service,
      method: req.method,
      url: this.redactor.url(url),
      status: res.status,
      ms,
    };
    this.log('http response', { ...fields, body: clip(this.redactor.body(res.text)) });
  }

  private log(message: string, fields: Record<string, unknown>): void {
    this.options.logger.debug(message, fields);
  }
}

function clip(text: string, max = 4000): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}
