/**
 * Fault injection. A rule matches a named route, or a method and a path regex; it fires on the next `times`
 * matching calls (or forever), each with probability `rate` drawn from the seeded generator. Most faults
 * answer instead of the handler (nothing happened server-side); 'truncated' and any rule with
 * `phase: 'after'` let the handler run first, which is how a client is shown a write that landed but whose
 * answer was lost.
 */
import type { Ctx, Reply, Service } from './http.js';
import { json, text } from './http.js';
import { createRng, type Rng } from './rng.js';

export const FAULT_KINDS = [
  '429',
  '500',
  '503',
  'hang',
  'reset',
  '412',
  'expired_token',
  '403',
  'html',
  'truncated',
  'wrong_shape',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  kind: FaultKind;
  /** A route name such as 'flow.flows.create' (see the server file for the list). */
  route?: string;
  /** HTTP method; any when absent. */
  method?: string;
  /** A regular expression tested against the path (without the query string). */
  path?: string;
  times?: number;
  rate?: number;
  retryAfterSec?: number;
  phase?: 'before' | 'after';
}

interface ActiveRule extends FaultRule {
  id: string;
  remaining: number;
  regex?: RegExp;
  fired: number;
}

export class FaultRegistry {
  private rules: ActiveRule[] = [];
  private nextId = 1;
  private rng: Rng;

  constructor(private readonly seed: number) {
    this.rng = createRng(seed ^ 0x5eed);
  }

  /** Throws on an invalid rule, so the control API can answer 400. */
  add(rule: FaultRule): string {
    if (!FAULT_KINDS.includes(rule.kind)) throw new Error(`unknown fault kind: ${String(rule.kind)}`);
    if (!rule.route && !rule.path) throw new Error('a fault needs a route name or a path regex');
    const id = `fault-${this.nextId++}`;
    const regex = rule.path ? new RegExp(rule.path) : undefined;
    this.rules.push({
      ...rule,
      id,
      remaining: rule.times ?? Number.POSITIVE_INFINITY,
      fired: 0,
      ...(regex ? { regex } : {}),
    });
    return id;
  }

  clear(): void {
    this.rules = [];
    this.rng = createRng(this.seed ^ 0x5eed);
  }

  list(): Array<FaultRule & { id: string; remaining: number | null; fired: number }> {
    return this.rules.map(({ regex: _regex, remaining, ...rest }) => ({
      ...rest,
      remaining: Number.isFinite(remaining) ? remaining : null,
    }));
  }

  /** The rule that fires for this call, if any (consumes one of its `times`). */
  take(ctx: Pick<Ctx, 'method' | 'path' | 'routeName'>): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || !matches(rule, ctx)) continue;
      if (rule.rate !== undefined && this.rng() >= rule.rate) continue;
      rule.remaining--;
      rule.fired++;
      return rule;
    }
    return undefined;
  }
}

function matches(rule: ActiveRule, ctx: Pick<Ctx, 'method' | 'path' | 'routeName'>): boolean {
  if (rule.route && rule.route !== ctx.routeName) return false;
  if (rule.method && rule.method.toUpperCase() !== ctx.method) return false;
  if (rule.regex && !rule.regex.test(ctx.path)) return false;
  return true;
}

export function runsAfterHandler(rule: FaultRule): boolean {
  return rule.kind === 'truncated' || rule.phase === 'after';
}

const HTML_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '</body>\r\n</html>\r\n';

/** The reply a fault produces, in the body shape of the service it hits. */
export function faultReply(rule: FaultRule, service: Service, after?: Reply): Reply {
  const retry = rule.retryAfterSec !== undefined ? { 'retry-after': String(rule.retryAfterSec) } : undefined;
  switch (rule.kind) {
    case '429':
      return errorFor(service, 429, 'Too many requests. Please try again later.', {
        'retry-after': String(rule.retryAfterSec ?? 1),
      });
    case '500':
      return errorFor(service, 500, 'Internal server error');
    case '503':
      return errorFor(service, 503, 'Service unavailable', retry);
    case '403':
      return errorFor(service, 403, 'Forbidden');
    case '412':
      return preconditionFailed();
    case 'html':
      return text(502, HTML_502, 'text/html');
    case 'hang':
      return { status: 0, hang: true };
    case 'reset':
      return { status: 0, reset: true };
    case 'truncated':
      return truncate(after);
    case 'wrong_shape':
      // Something answering 200 with JSON that is not this service's (a misrouted proxy, another API).
      return json(200, { hello: 'world' });
    case 'expired_token':
      return errorFor(service, 401, 'Oauth token is not valid');
  }
}

function truncate(after: Reply | undefined): Reply {
  const full = after?.body === undefined ? '{"items":[{"id":"0"}]}' : JSON.stringify(after.body);
  const cut = full.slice(0, Math.max(1, Math.floor(full.length / 2)));
  return { status: 200, body: cut, headers: { 'content-type': 'application/json;charset=UTF-8' } };
}

function preconditionFailed(): Reply {
  const message =
    'Supplied version=["00000000-0000-0200-0000-000000000000"] does not match ' +
    'the current version on entity=["00000000-0000-0200-0000-000000000001"]';
  return json(412, {
    type: 'https://ns.adobe.com/aep/errors/FLOW-1404-412',
    title: 'Version not matching',
    status: 412,
    errorMessage: message,
    errorDetails: message,
  });
}

function errorFor(service: Service, status: number, message: string, headers: Record<string, string> = {}): Reply {
  if (service === 'jira') {
    if (status === 401)
      return {
        ...text(401, 'Client must be authenticated to access this resource.'),
        headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
      };
    return json(status, { errorMessages: [message], errors: {} }, headers);
  }
  if (service === 'aam') return json(status, { code: String(status), message }, headers);
  if (service === 'ims') return json(status, { error: 'server_error', error_description: message }, headers);
  return json(status, { error_code: `${status}050`, message }, headers);
}
