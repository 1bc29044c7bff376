/**
 * The picture of one org the control API hands out (`GET /_emulator/world?org=`): plain JSON, deep-copied,
 * with the counters that let tests prove a client sent no duplicate writes.
 */
import type { Counters, OrgWorld, Ticket } from './model.js';
import { ecaDataSource, legacyDataSource } from './seed.js';
import { formatJiraTime, statusById } from './tickets.js';
import { selectedSegmentIds, type World } from './world.js';

export interface TicketView {
  id: string;
  key: string;
  summary: string;
  orgIds: string[];
  labels: string[];
  status: string;
  statusCategory: string;
  resolution: string | null;
  resolutiondate: string | null;
  created: string;
  offset: string;
  histories: number;
  comments: number;
}

export interface AamSegmentView {
  sid: number;
  name: string;
  integrationCode: string;
  createTime: number;
  updateTime: number;
}

export interface WorldState {
  orgId: string;
  legacySharing: {
    enabled: boolean;
    stoppedAt: string | null;
    stoppedAtMs: number | null;
    stoppedByTicket: string | null;
    restoredAt: string | null;
    restoredAtMs: number | null;
    restoredByTicket: string | null;
  };
  audiences: Array<{ id: string; name: string }>;
  connections: { base: unknown[]; source: unknown[]; target: unknown[] };
  flows: Array<{
    id: string;
    name: string;
    state: string;
    etag: string;
    createdAt: number;
    updatedAt: number;
    requestReceivedAt: number;
    flowSpecId: string;
    segmentIds: string[];
    targetConnectionIds: string[];
  }>;
  runs: Array<{ id: string; flowId: string; status: 'success'; startedAt: number; completedAt: number }>;
  aam: {
    dataSources: Array<{ dataSourceId: number; name: string }>;
    legacySegments: AamSegmentView[];
    ecaSegments: AamSegmentView[];
  };
  tickets: TicketView[];
  counters: Counters;
  globalCounters: Counters;
  violations: string[];
}

export function ticketView(t: Ticket): TicketView {
  const status = statusById(t.statusId);
  return {
    id: t.id,
    key: t.key,
    summary: t.summary,
    orgIds: t.orgIds,
    labels: t.labels,
    status: status.name,
    statusCategory: status.category.key,
    resolution: t.resolution,
    resolutiondate: t.resolutiondate === null ? null : formatJiraTime(t.resolutiondate, t.offset),
    created: formatJiraTime(t.created, t.offset),
    offset: t.offset,
    histories: t.histories.length,
    comments: t.comments.length,
  };
}

function segmentsIn(org: OrgWorld, dataSourceId: number): AamSegmentView[] {
  return org.aam.segments
    .filter((s) => s.dataSourceId === dataSourceId)
    .map((s) => ({
      sid: s.sid,
      name: s.name,
      integrationCode: s.integrationCode,
      createTime: s.createTime,
      updateTime: s.updateTime ?? s.createTime,
    }));
}

export function worldState(world: World, orgId: string): WorldState {
  const org = world.org(orgId);
  const state: WorldState = {
    orgId,
    legacySharing: {
      enabled: org.legacy.enabled,
      stoppedAt: org.legacy.stoppedAt === null ? null : new Date(org.legacy.stoppedAt).toISOString(),
      stoppedAtMs: org.legacy.stoppedAt,
      stoppedByTicket: org.legacy.stoppedByTicket,
      restoredAt: org.legacy.restoredAt ? new Date(org.legacy.restoredAt).toISOString() : null,
      restoredAtMs: org.legacy.restoredAt ?? null,
      restoredByTicket: org.legacy.restoredByTicket ?? null,
    },
    audiences: org.audiences.map((a) => ({ id: a.id, name: a.name })),
    connections: {
      base: org.connections.map(({ auth, ...rest }) => ({ ...rest, hasAuth: auth !== undefined })),
      source: org.sourceConnections,
      target: org.targetConnections,
    },
    flows: org.flows.map((f) => ({
      id: f.id,
      name: f.name,
      state: f.state,
      etag: f.etag,
      createdAt: f.createdAt,
      updatedAt: f.updatedAt,
      requestReceivedAt: f.requestReceivedAt,
      flowSpecId: f.flowSpec.id,
      segmentIds: selectedSegmentIds(f),
      targetConnectionIds: f.targetConnectionIds,
    })),
    runs: org.runs.map((r) => ({
      id: r.id,
      flowId: r.flowId,
      status: 'success',
      startedAt: r.startedAt,
      completedAt: r.completedAt,
    })),
    aam: {
      dataSources: org.aam.dataSources.map((d) => ({ dataSourceId: d.dataSourceId, name: d.name })),
      legacySegments: segmentsIn(org, legacyDataSource(org).dataSourceId),
      ecaSegments: segmentsIn(org, ecaDataSource(org).dataSourceId),
    },
    tickets: world.tickets.filter((t) => t.orgIds.includes(orgId)).map(ticketView),
    counters: org.counters,
    globalCounters: world.counters,
    violations: org.violations,
  };
  return structuredClone(state);
}
