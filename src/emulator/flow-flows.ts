/**
 * Dataflows and their runs. Create validates the documented required fields (name, flowSpec,
 * sourceConnectionIds, targetConnectionIds, transformations), refuses `state` (1410-400), checks the
 * references and the audiences; GET wraps even one flow in `{items:[...]}` with `createdAt` in epoch ms and
 * `inheritedAttributes`; enable/disable via `/action?op=`; DELETE → 202. Runs follow flow-service.yaml
 * FlowRunItemDTO; `statusSummary.status` is lower-case `success` as in Adobe's examples (destinations.yaml's
 * enum says `Success`: clients must compare case-insensitively, reference §1.10).
 */
import { randomUUID } from 'node:crypto';
import type { Ctx, Reply } from './http.js';
import { empty, header, isRecord, json, parseJsonBody } from './http.js';
import { badRequest, clientOf, flowProblem, listReply, notFound, orgId, sandboxName } from './flow-common.js';
import { flowSpecById } from './flow-catalog.js';
import { PROFILE_STORE_SPEC_ID } from './constants.js';
import type { Flow, OrgWorld, Run } from './model.js';
import { quotedEtag, selectedSegmentIds, type World } from './world.js';

const REQUIRED = ['name', 'flowSpec', 'sourceConnectionIds', 'targetConnectionIds', 'transformations'] as const;

export function unknownSegments(org: OrgWorld, flow: Pick<Flow, 'transformations'>): string[] {
  return selectedSegmentIds(flow as Flow).filter((id) => !org.audiences.some((a) => a.id === id));
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string') ? value : undefined;
}

/** Checks references: connections exist and the flow spec accepts their connection specs. */
function checkReferences(
  org: OrgWorld,
  spec: Record<string, unknown>,
  sources: string[],
  targets: string[],
): Reply | undefined {
  const allowedSources = (spec.sourceConnectionSpecIds as string[] | undefined) ?? [];
  const allowedTargets = (spec.targetConnectionSpecIds as string[] | undefined) ?? [];
  for (const id of sources) {
    const found = org.sourceConnections.find((c) => c.id === id);
    if (!found) return badRequest('1000', `The source connection ${id} does not exist`);
    if (!allowedSources.includes(found.connectionSpec.id))
      return badRequest('1000', `Flow spec ${String(spec.id)} does not support source connection ${id}`);
  }
  for (const id of targets) {
    const found = org.targetConnections.find((c) => c.id === id);
    if (!found) return badRequest('1000', `The target connection ${id} does not exist`);
    if (!allowedTargets.includes(found.connectionSpec.id))
      return badRequest('1000', `Flow spec ${String(spec.id)} does not support target connection ${id}`);
  }
  return undefined;
}

function validateCreate(org: OrgWorld, input: Record<string, unknown>): Reply | undefined {
  if ('state' in input) return badRequest('1410', '`State` is not allowed in the create flow request');
  const missing = REQUIRED.filter((field) => input[field] === undefined);
  if (missing.length > 0) return badRequest('1000', `Missing required fields: ${missing.join(', ')}`);
  const flowSpec = input.flowSpec;
  if (!isRecord(flowSpec) || typeof flowSpec.id !== 'string' || typeof flowSpec.version !== 'string') {
    return badRequest('1000', 'flowSpec must have id and version');
  }
  const spec = flowSpecById(flowSpec.id);
  if (!spec) return badRequest('1000', `Invalid flow spec id: ${flowSpec.id}`);
  const sources = stringArray(input.sourceConnectionIds);
  const targets = stringArray(input.targetConnectionIds);
  if (!sources || !targets)
    return badRequest('1000', 'sourceConnectionIds and targetConnectionIds must be non-empty arrays of ids');
  if (!Array.isArray(input.transformations)) return badRequest('1000', 'transformations must be an array');
  const refs = checkReferences(org, spec, sources, targets);
  if (refs) return refs;
  const unknown = unknownSegments(org, { transformations: input.transformations });
  return unknown.length > 0 ? badRequest('1000', `Unknown segment ids: ${unknown.join(', ')}`) : undefined;
}

export function createFlow(world: World) {
  return (ctx: Ctx): Reply => {
    const input = parseJsonBody(ctx);
    if (!isRecord(input)) return badRequest('1000', 'The request body is not a valid JSON object');
    const org = world.org(orgId(ctx));
    const invalid = validateCreate(org, input);
    if (invalid) return invalid;
    const now = Date.now();
    const flow: Flow = {
      id: randomUUID(),
      etag: quotedEtag(),
      createdAt: now,
      updatedAt: now,
      name: String(input.name),
      description: typeof input.description === 'string' ? input.description : '',
      sandboxName: sandboxName(ctx),
      createdClient: clientOf(ctx),
      state: 'enabled',
      flowSpec: input.flowSpec as Flow['flowSpec'],
      sourceConnectionIds: input.sourceConnectionIds as string[],
      targetConnectionIds: input.targetConnectionIds as string[],
      transformations: structuredClone(input.transformations as unknown[]),
      ...(Array.isArray(input.labels) ? { labels: input.labels as string[] } : {}),
      requestReceivedAt: ctx.receivedAt,
    };
    org.flows.push(flow);
    if (world.isEcaFlow(org, flow)) world.onEcaFlowChanged(org, flow, true);
    return json(201, { id: flow.id, etag: flow.etag });
  };
}

function inherited(org: OrgWorld, flow: Flow): Record<string, unknown> {
  const base = (id: string | undefined) => {
    const found = id ? org.connections.find((c) => c.id === id) : undefined;
    return found ? { baseConnection: { id: found.id, connectionSpec: found.connectionSpec } } : {};
  };
  const sources = flow.sourceConnectionIds.flatMap((id) => org.sourceConnections.filter((c) => c.id === id));
  const targets = flow.targetConnectionIds.flatMap((id) => org.targetConnections.filter((c) => c.id === id));
  return {
    properties: { isDestinationFlow: sources.some((s) => s.connectionSpec.id === PROFILE_STORE_SPEC_ID) },
    sourceConnections: sources.map((s) => ({
      id: s.id,
      connectionSpec: s.connectionSpec,
      ...base(s.baseConnectionId),
      typeInfo: { type: 'ProfileFragments', id: 'ups' },
    })),
    targetConnections: targets.map((t) => ({
      id: t.id,
      connectionSpec: t.connectionSpec,
      ...base(t.baseConnectionId),
    })),
  };
}

export function renderFlow(org: OrgWorld, flow: Flow): Record<string, unknown> {
  const lastRun = org.runs.filter((r) => r.flowId === flow.id).at(-1);
  return {
    id: flow.id,
    createdAt: flow.createdAt,
    updatedAt: flow.updatedAt,
    createdBy: flow.createdClient,
    updatedBy: flow.createdClient,
    createdClient: flow.createdClient,
    updatedClient: flow.createdClient,
    sandboxId: org.sandboxId,
    sandboxName: flow.sandboxName,
    imsOrgId: org.orgId,
    name: flow.name,
    description: flow.description,
    flowSpec: flow.flowSpec,
    state: flow.state,
    version: flow.etag,
    etag: flow.etag,
    sourceConnectionIds: flow.sourceConnectionIds,
    targetConnectionIds: flow.targetConnectionIds,
    inheritedAttributes: inherited(org, flow),
    transformations: flow.transformations,
    ...(flow.labels ? { labels: flow.labels } : {}),
    runs: `/runs?property=flowId==${flow.id}`,
    lastOperation: {
      started: flow.updatedAt,
      updated: flow.updatedAt,
      operation: flow.createdAt === flow.updatedAt ? 'create' : 'update',
    },
    ...(lastRun
      ? {
          lastRunDetails: {
            id: lastRun.id,
            state: 'success',
            startedAtUTC: lastRun.startedAt,
            completedAtUTC: lastRun.completedAt,
          },
        }
      : {}),
  };
}

export function listFlows(world: World) {
  return (ctx: Ctx): Reply => {
    const org = world.org(orgId(ctx));
    return listReply(
      ctx,
      'flows',
      org.flows.map((f) => renderFlow(org, f)),
    );
  };
}

export function getFlow(world: World) {
  return (ctx: Ctx): Reply => {
    const org = world.org(orgId(ctx));
    const flow = org.flows.find((f) => f.id === ctx.params.id);
    return flow ? json(200, { items: [renderFlow(org, flow)] }) : notFound('flows', ctx.params.id ?? '');
  };
}

export function flowAction(world: World) {
  return (ctx: Ctx): Reply => {
    const org = world.org(orgId(ctx));
    const flow = org.flows.find((f) => f.id === ctx.params.id);
    if (!flow) return notFound('flows', ctx.params.id ?? '');
    const op = ctx.query.get('op');
    if (op !== 'enable' && op !== 'disable')
      return badRequest('1000', `Invalid op: ${String(op)}; expected enable or disable`);
    const ifMatch = header(ctx, 'if-match');
    if (ifMatch !== undefined && ifMatch !== flow.etag) {
      const message = `Supplied version=[${ifMatch}] does not match the current version on entity=[${flow.etag}]`;
      return flowProblem(412, '1404', 'Version not matching', message);
    }
    if (op === 'enable' && org.legacy.enabled && world.isEcaFlow(org, flow)) {
      org.violations.push(`flow ${flow.id} enabled while legacy sharing was still on`);
    }
    Object.assign(flow, { state: op === 'enable' ? 'enabled' : 'disabled', etag: quotedEtag(), updatedAt: Date.now() });
    return json(200, { id: flow.id, etag: flow.etag });
  };
}

export function deleteFlow(world: World) {
  return (ctx: Ctx): Reply => {
    const org = world.org(orgId(ctx));
    const index = org.flows.findIndex((f) => f.id === ctx.params.id);
    if (index === -1) return notFound('flows', ctx.params.id ?? '');
    org.flows.splice(index, 1);
    return empty(202);
  };
}

function renderRun(org: OrgWorld, run: Run): Record<string, unknown> {
  const entitySummaries = run.segmentIds.map((id) => ({
    id: `segment:${id}`,
    inputRecordCount: 120,
    outputRecordCount: 118,
  }));
  const count = run.segmentIds.length * 120;
  return {
    id: run.id,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    createdBy: run.createdClient,
    updatedBy: run.createdClient,
    createdClient: run.createdClient,
    updatedClient: run.createdClient,
    sandboxId: org.sandboxId,
    sandboxName: run.sandboxName,
    imsOrgId: org.orgId,
    flowId: run.flowId,
    flowSpec: run.flowSpec,
    providerRefId: run.id.slice(0, 8),
    etag: run.etag,
    metrics: {
      durationSummary: { startedAtUTC: run.startedAt, completedAtUTC: run.completedAt },
      sizeSummary: { inputBytes: count * 64, outputBytes: count * 60 },
      recordSummary: {
        inputRecordCount: count,
        createdRecordCount: count,
        outputRecordCount: count - run.segmentIds.length * 2,
        skippedRecordCount: run.segmentIds.length * 2,
        failedRecordCount: 0,
        sourceSummaries: [{ id: 'ups', inputRecordCount: count, skippedRecordCount: 0, entitySummaries }],
        targetSummaries: [{ id: 'eca', entitySummaries }],
      },
      statusSummary: { status: 'success', errors: [], activityRefs: [], extensions: {} },
    },
    activities: [
      {
        id: 'activation',
        name: 'Activation',
        durationSummary: { startedAtUTC: run.startedAt, completedAtUTC: run.completedAt },
        statusSummary: { status: 'success' },
      },
    ],
  };
}

export function listRuns(world: World) {
  return (ctx: Ctx): Reply => {
    const org = world.org(orgId(ctx));
    return listReply(
      ctx,
      'runs',
      org.runs.map((r) => renderRun(org, r)),
    );
  };
}
