/**
 * The simulated world: orgs (seeded on first use), the Jira tickets, and the consequences that tie them
 * together. Resolving a ticket stops legacy sharing for the org it names; creating (or widening) the
 * Experience Cloud Audiences flow makes its audiences appear in Audience Manager's "Experience Platform
 * Segments" data source after a delay, and a successful run appear. Delays are scaled by `timeScale`.
 * A re-enable request (a ticket whose summary asks to re-enable legacy sharing), once resolved, turns legacy
 * sharing back on: the legacy data source's segments update again after the propagation delay. A disabled flow
 * sends nothing (no propagation, no runs).
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_DELAYS, ECA_CONNECTION_SPEC_ID } from './constants.js';
import type { Counters, Flow, OrgWorld, Run, Ticket } from './model.js';
import { ecaDataSource, legacyDataSource, seedOrg } from './seed.js';
import { moveTicket, STATUSES } from './tickets.js';

export interface WorldOptions {
  seed: number;
  timeScale: number;
  autoResolveAfterMs: number | null;
  aamPropagationMs: number;
  firstRunMs: number;
}

export class World {
  readonly orgs = new Map<string, OrgWorld>();
  readonly tickets: Ticket[] = [];
  readonly counters: Counters = { requests: {}, faults: {} };
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly options: WorldOptions) {}

  org(orgId: string): OrgWorld {
    let world = this.orgs.get(orgId);
    if (!world) {
      world = seedOrg(this.options.seed, orgId);
      this.orgs.set(orgId, world);
    }
    return world;
  }

  /** Runs `fn` after `ms` emulated milliseconds (scaled); timers never keep the process alive. */
  schedule(ms: number, fn: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        fn();
      },
      Math.max(0, ms * this.options.timeScale),
    );
    timer.unref();
    this.timers.add(timer);
  }

  stopTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  reset(): void {
    this.stopTimers();
    this.orgs.clear();
    this.tickets.length = 0;
    this.counters.requests = {};
    this.counters.faults = {};
  }

  count(kind: keyof Counters, route: string, orgId?: string): void {
    this.counters[kind][route] = (this.counters[kind][route] ?? 0) + 1;
    if (orgId) {
      const org = this.org(orgId);
      org.counters[kind][route] = (org.counters[kind][route] ?? 0) + 1;
    }
  }

  findTicket(keyOrId: string): Ticket | undefined {
    const wanted = keyOrId.toUpperCase();
    return this.tickets.find((t) => t.key === wanted || t.id === keyOrId);
  }

  addTicket(ticket: Ticket): void {
    this.tickets.push(ticket);
    const after = this.options.autoResolveAfterMs;
    if (after !== null) this.schedule(after, () => this.resolveTicket(ticket, Date.now()));
  }

  /** Moves the ticket to Done at `at` (once) and stops legacy sharing for the orgs it names. */
  resolveTicket(ticket: Ticket, at: number, resolution = 'Done'): void {
    if (moveTicket(ticket, STATUSES.done, at, resolution)) this.actOnResolution(ticket, at);
  }

  reopenTicket(ticket: Ticket, at: number): void {
    moveTicket(ticket, STATUSES.todo, at);
  }

  /** Called by the Jira transition route too, so a client that closes its own ticket has the same effect. */
  afterTransition(ticket: Ticket, enteredDone: boolean): void {
    if (enteredDone && ticket.resolutiondate !== null) this.actOnResolution(ticket, ticket.resolutiondate);
  }

  /** Customer Care does what the ticket asks: turn legacy sharing off, or (a re-enable request) back on. */
  private actOnResolution(ticket: Ticket, at: number): void {
    if (isReenableRequest(ticket)) this.restoreLegacy(ticket, at);
    else this.stopLegacy(ticket, at);
  }

  private restoreLegacy(ticket: Ticket, at: number): void {
    for (const orgId of ticket.orgIds) {
      const org = this.org(orgId);
      if (org.legacy.enabled) continue;
      for (const flow of org.flows.filter((f) => f.state === 'enabled' && this.isEcaFlow(org, f))) {
        org.violations.push(`legacy sharing re-enabled while flow ${flow.id} was still enabled`);
      }
      org.legacy = {
        enabled: true,
        stoppedAt: null,
        stoppedByTicket: null,
        restoredAt: at,
        restoredByTicket: ticket.key,
      };
      this.schedule(this.options.aamPropagationMs, () => this.refreshLegacySegments(org));
    }
  }

  /** Legacy sharing feeds the legacy data source again: its segments update. */
  private refreshLegacySegments(org: OrgWorld): void {
    if (!org.legacy.enabled) return;
    const legacy = legacyDataSource(org).dataSourceId;
    const now = Date.now();
    for (const s of org.aam.segments) if (s.dataSourceId === legacy) s.updateTime = now;
  }

  private stopLegacy(ticket: Ticket, at: number): void {
    for (const orgId of ticket.orgIds) {
      const org = this.org(orgId);
      if (!org.legacy.enabled) continue;
      org.legacy = { enabled: false, stoppedAt: at, stoppedByTicket: ticket.key };
    }
  }

  isEcaFlow(org: OrgWorld, flow: Flow): boolean {
    return flow.targetConnectionIds.some(
      (id) => org.targetConnections.find((t) => t.id === id)?.connectionSpec.id === ECA_CONNECTION_SPEC_ID,
    );
  }

  /** The ECA flow exists (or gained audiences): schedule AAM propagation and a first successful run. */
  onEcaFlowChanged(org: OrgWorld, flow: Flow, created: boolean): void {
    if (org.legacy.enabled) {
      org.violations.push(`flow ${flow.id} ${created ? 'created' : 'changed'} while legacy sharing was still on`);
    }
    const segmentIds = selectedSegmentIds(flow);
    this.schedule(this.options.aamPropagationMs, () => this.propagateToAam(org, flow.id, segmentIds));
    if (created) this.schedule(this.options.firstRunMs, () => this.addRun(org, flow.id));
  }

  private propagateToAam(org: OrgWorld, flowId: string, segmentIds: string[]): void {
    if (!org.flows.some((f) => f.id === flowId && f.state === 'enabled')) return;
    const target = ecaDataSource(org);
    for (const segmentId of segmentIds) {
      if (org.aam.segments.some((s) => s.dataSourceId === target.dataSourceId && s.integrationCode === segmentId))
        continue;
      const audience = org.audiences.find((a) => a.id === segmentId);
      const name = audience?.name ?? segmentId;
      const now = Date.now();
      const traitSid = org.aam.nextSid++;
      org.aam.traits.push({
        sid: traitSid,
        name,
        description: audience?.description ?? '',
        dataSourceId: target.dataSourceId,
        folderId: 3,
        integrationCode: segmentId,
        traitRule: `segID=="${segmentId}"`,
        createTime: now,
      });
      org.aam.segments.push({
        sid: org.aam.nextSid++,
        name,
        description: audience?.description ?? '',
        dataSourceId: target.dataSourceId,
        folderId: 4,
        integrationCode: segmentId,
        segmentRule: `${traitSid}T`,
        createTime: now,
      });
    }
  }

  private addRun(org: OrgWorld, flowId: string): void {
    const flow = org.flows.find((f) => f.id === flowId);
    if (flow?.state !== 'enabled') return;
    const now = Date.now();
    const run: Run = {
      id: randomUUID(),
      flowId,
      flowSpec: flow.flowSpec,
      createdAt: now,
      updatedAt: now,
      startedAt: Math.max(flow.createdAt, now - 60_000),
      completedAt: now,
      etag: quotedEtag(),
      segmentIds: selectedSegmentIds(flow),
      sandboxName: flow.sandboxName,
      createdClient: flow.createdClient,
    };
    org.runs.push(run);
  }
}

/** Customer Care reads the ticket: one asking to re-enable legacy sharing undoes a deprovisioning. */
export function isReenableRequest(ticket: Ticket): boolean {
  return /\bre-?enable\b/i.test(ticket.summary);
}

/** The AEP segment ids the flow's first transformation selects. */
export function selectedSegmentIds(flow: Flow): string[] {
  const out: string[] = [];
  for (const transformation of flow.transformations) {
    const selectors = (transformation as { params?: { segmentSelectors?: { selectors?: unknown } } })?.params
      ?.segmentSelectors?.selectors;
    if (!Array.isArray(selectors)) continue;
    for (const selector of selectors) {
      const id = (selector as { value?: { id?: unknown } })?.value?.id;
      if (typeof id === 'string') out.push(id);
    }
  }
  return out;
}

/** Etags as Flow Service writes them: the value itself contains the double quotes. */
export function quotedEtag(): string {
  const hex = randomUUID().replace(/-/g, '');
  return `"${hex.slice(0, 8)}-0000-0200-0000-${hex.slice(8, 16)}0000"`;
}

export const DEFAULT_WORLD_DELAYS = DEFAULT_DELAYS;
