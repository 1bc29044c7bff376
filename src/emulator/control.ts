/**
 * The control API (`/_emulator/...`, JSON, no auth, no faults) and the same operations as functions, for
 * tests that run the emulator in-process.
 *
 *   GET    /_emulator/health                      {ok, flavor}
 *   GET    /_emulator/world?org=ORG                WorldState (default org when absent)
 *   POST   /_emulator/reset                        forget every org, ticket, token, fault and counter
 *   POST   /_emulator/latency        {ms}          latency added to every vendor request
 *   POST   /_emulator/faults         rule | {rules:[...]}  → {ids}
 *   GET    /_emulator/faults                       the active rules with remaining/fired counts
 *   DELETE /_emulator/faults                       remove every rule
 *   POST   /_emulator/tickets/KEY/resolve  {resolutiondate?, offset?, resolution?}  (Customer Care resolves)
 *   POST   /_emulator/tickets/KEY/reopen
 *   POST   /_emulator/tickets/KEY/offset   {offset}   render the ticket's timestamps in ±HHmm
 *   POST   /_emulator/tickets/KEY/times    {resolutiondate?, doneAt?}  rewrite a done ticket's resolutiondate and
 *                                          the time of its changelog's move to Done (a skewed or edited site)
 *   POST   /_emulator/tokens/expire                expire every IMS token issued so far
 *   POST   /_emulator/jira/flavor    {flavor}      switch between 'cloud' and 'dc'
 *   POST   /_emulator/jira/rate-limit {limit, windowMs?} | {limit: null}   the site's burst limit (429 past it)
 *   DELETE /_emulator/tickets/KEY                 the ticket is gone (deleted or moved): reads answer 404
 */
import type { Ctx, Reply } from './http.js';
import { isRecord, json, parseJsonBody } from './http.js';
import type { FaultRegistry, FaultRule } from './faults.js';
import type { TokenStore } from './auth.js';
import type { Ticket } from './model.js';
import { isValidOffset, STATUSES } from './tickets.js';
import type { World } from './world.js';
import { ticketView, worldState, type TicketView, type WorldState } from './world-state.js';
import type { JiraFlavor } from './jira.js';
import type { JiraRateLimit, JiraRateLimiter } from './jira-rate.js';
import type { Router } from './router.js';

export interface EmulatorSettings {
  latencyMs: number;
  jiraFlavor: JiraFlavor;
  defaultOrg: string;
  /** The site's burst limit (jira-rate.ts); off unless configured. */
  jiraRate: JiraRateLimiter;
}

export interface ResolveOptions {
  /** ISO-8601 (Jira's `±HHmm` accepted) or epoch ms; default now. */
  resolutiondate?: string | number;
  offset?: string;
  resolution?: string;
}

/** Times a done ticket's answer carries, rewritten independently of each other (ISO-8601 or epoch ms). */
export interface TicketTimes {
  resolutiondate?: string | number;
  /** The `created` of the changelog history that moved the ticket to Done. */
  doneAt?: string | number;
}

export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface EmulatorControl {
  resolveTicket(key: string, options?: ResolveOptions): TicketView;
  reopenTicket(key: string): TicketView;
  setTicketOffset(key: string, offset: string): TicketView;
  setTicketTimes(key: string, times: TicketTimes): TicketView;
  setLatency(ms: number): void;
  addFault(rule: FaultRule): string;
  clearFaults(): void;
  listFaults(): ReturnType<FaultRegistry['list']>;
  world(orgId?: string): WorldState;
  reset(): void;
  expireTokens(): number;
  setJiraFlavor(flavor: JiraFlavor): void;
  /** Limits this Jira site to `limit` requests a window (429 past it); null turns limiting off. */
  setJiraRateLimit(limit: JiraRateLimit | null): void;
  /** The ticket disappears (deleted, or moved where the caller cannot see it): every read answers 404. */
  deleteTicket(key: string): void;
}

function parseInstant(value: string | number | undefined): number {
  if (value === undefined) return Date.now();
  const ms = typeof value === 'number' ? value : Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (!Number.isFinite(ms)) throw new ControlError(400, `invalid resolutiondate: ${String(value)}`);
  return ms;
}

export function createControl(
  world: World,
  faults: FaultRegistry,
  tokens: TokenStore,
  settings: EmulatorSettings,
): EmulatorControl {
  const ticket = (key: string): Ticket => {
    const found = world.findTicket(key);
    if (!found) throw new ControlError(404, `no ticket ${key}`);
    return found;
  };
  const setOffset = (t: Ticket, offset: string | undefined) => {
    if (offset === undefined) return;
    if (!isValidOffset(offset)) throw new ControlError(400, `invalid offset ${offset}; expected ±HHmm`);
    t.offset = offset;
  };
  return {
    resolveTicket(key, options = {}) {
      const t = ticket(key);
      setOffset(t, options.offset);
      world.resolveTicket(t, parseInstant(options.resolutiondate), options.resolution ?? 'Done');
      return ticketView(t);
    },
    reopenTicket(key) {
      const t = ticket(key);
      world.reopenTicket(t, Date.now());
      return ticketView(t);
    },
    setTicketOffset(key, offset) {
      const t = ticket(key);
      setOffset(t, offset);
      return ticketView(t);
    },
    setTicketTimes(key, times) {
      const t = ticket(key);
      const entersDone = (h: Ticket['histories'][number]) =>
        h.items.some((i) => i.field === 'status' && i.to === STATUSES.done.id);
      const done = [...t.histories].reverse().find(entersDone);
      if (t.resolutiondate === null || !done) {
        throw new ControlError(409, `ticket ${key} is not done: resolve it first`);
      }
      if (times.resolutiondate !== undefined) t.resolutiondate = parseInstant(times.resolutiondate);
      if (times.doneAt !== undefined) done.created = parseInstant(times.doneAt);
      return ticketView(t);
    },
    setLatency(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new ControlError(400, 'latency must be a number ≥ 0');
      settings.latencyMs = ms;
    },
    addFault(rule) {
      try {
        return faults.add(rule);
      } catch (error) {
        throw new ControlError(400, error instanceof Error ? error.message : String(error));
      }
    },
    clearFaults: () => faults.clear(),
    listFaults: () => faults.list(),
    world: (orgId) => worldState(world, orgId ?? settings.defaultOrg),
    reset() {
      world.reset();
      faults.clear();
      tokens.clear();
      settings.latencyMs = 0;
      settings.jiraRate.configure(null);
    },
    expireTokens: () => tokens.expire(),
    setJiraRateLimit(limit) {
      try {
        settings.jiraRate.configure(limit);
      } catch (error) {
        throw new ControlError(400, error instanceof Error ? error.message : String(error));
      }
    },
    deleteTicket(key) {
      const t = ticket(key);
      world.tickets.splice(world.tickets.indexOf(t), 1);
    },
    setJiraFlavor(flavor) {
      if (flavor !== 'cloud' && flavor !== 'dc') throw new ControlError(400, 'flavor must be cloud or dc');
      settings.jiraFlavor = flavor;
    },
  };
}

function guarded(fn: (ctx: Ctx, body: Record<string, unknown>) => unknown, status = 200) {
  return (ctx: Ctx): Reply => {
    const parsed = parseJsonBody(ctx);
    if (parsed instanceof Error) return json(400, { error: 'invalid JSON body' });
    try {
      const result = fn(ctx, isRecord(parsed) ? parsed : {});
      return json(status, result ?? { ok: true });
    } catch (error) {
      if (error instanceof ControlError) return json(error.status, { error: error.message });
      throw error;
    }
  };
}

export function addControlRoutes(router: Router, control: EmulatorControl, settings: EmulatorSettings): void {
  const add = (method: string, path: string, name: string, fn: (ctx: Ctx, body: Record<string, unknown>) => unknown) =>
    router.add(method, `/_emulator${path}`, `control.${name}`, 'control', guarded(fn));
  add('GET', '/health', 'health', () => ({ ok: true, flavor: settings.jiraFlavor }));
  add('GET', '/world', 'world', (ctx) => control.world(ctx.query.get('org') ?? undefined));
  add('POST', '/reset', 'reset', () => control.reset());
  add('POST', '/latency', 'latency', (_ctx, body) => control.setLatency(Number(body.ms)));
  add('GET', '/faults', 'faults.list', () => ({ faults: control.listFaults() }));
  add('DELETE', '/faults', 'faults.clear', () => control.clearFaults());
  add('POST', '/faults', 'faults.add', (_ctx, body) => {
    const rules = Array.isArray(body.rules) ? (body.rules as FaultRule[]) : [body as unknown as FaultRule];
    return { ids: rules.map((rule) => control.addFault(rule)) };
  });
  add('POST', '/tickets/:key/resolve', 'tickets.resolve', (ctx, body) =>
    control.resolveTicket(ctx.params.key ?? '', body as ResolveOptions),
  );
  add('POST', '/tickets/:key/reopen', 'tickets.reopen', (ctx) => control.reopenTicket(ctx.params.key ?? ''));
  add('POST', '/tickets/:key/offset', 'tickets.offset', (ctx, body) =>
    control.setTicketOffset(ctx.params.key ?? '', String(body.offset)),
  );
  add('POST', '/tickets/:key/times', 'tickets.times', (ctx, body) =>
    control.setTicketTimes(ctx.params.key ?? '', body as TicketTimes),
  );
  add('POST', '/tokens/expire', 'tokens.expire', () => ({ expired: control.expireTokens() }));
  add('POST', '/jira/flavor', 'jira.flavor', (_ctx, body) => control.setJiraFlavor(body.flavor as JiraFlavor));
  add('POST', '/jira/rate-limit', 'jira.rateLimit', (_ctx, body) =>
    control.setJiraRateLimit(body.limit === null ? null : (body as unknown as JiraRateLimit)),
  );
  add('DELETE', '/tickets/:key', 'tickets.delete', (ctx) => control.deleteTicket(ctx.params.key ?? ''));
}
