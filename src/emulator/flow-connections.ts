/**
 * Base, source and target connections. Creates answer 201 `{id, etag}`; GET by id answers `{items:[...]}`
 * (flow-service.yaml ConnectionListResponse); DELETE answers 202 with no body. Only one Experience Cloud
 * Audiences base connection may exist per org (reference §2.1): a second create gets a 400 problem.
 */
import { randomUUID } from 'node:crypto';
import type { Ctx, Reply } from './http.js';
import { empty, isRecord, json, parseJsonBody } from './http.js';
import { badRequest, clientOf, flowProblem, listReply, notFound, orgId, sandboxName } from './flow-common.js';
import { connectionSpecById } from './flow-catalog.js';
import { ECA_CONNECTION_SPEC_ID, PROFILE_STORE_SPEC_ID } from './constants.js';
import type { BaseConnection, OrgWorld, SourceOrTargetConnection, SpecRef } from './model.js';
import { quotedEtag, type World } from './world.js';

type Kind = 'connections' | 'sourceConnections' | 'targetConnections';

export const ECA_SINGLE_MESSAGE =
  'Currently, a single Experience Cloud Audiences destination is supported. ' +
  'Attempting to configure a second destination connection will result in an error.';

function body(ctx: Ctx): Record<string, unknown> | Reply {
  const parsed = parseJsonBody(ctx);
  if (parsed instanceof Error || !isRecord(parsed))
    return badRequest('1000', 'The request body is not a valid JSON object');
  return parsed;
}

/** `connectionSpec` with id and version; a missing version is the documented 422. */
function specRef(input: Record<string, unknown>): SpecRef | Reply {
  const spec = input.connectionSpec;
  if (!isRecord(spec) || typeof spec.id !== 'string') return badRequest('1000', 'connectionSpec.id is required');
  if (typeof spec.version !== 'string')
    return flowProblem(422, '1000', 'Unprocessable entity', 'connectionSpec.version is required');
  if (!connectionSpecById(spec.id)) return json(400, { message: 'Please provide a valid spec id' });
  return { id: spec.id, version: spec.version };
}

function common(ctx: Ctx, input: Record<string, unknown>) {
  const now = Date.now();
  return {
    id: randomUUID(),
    etag: quotedEtag(),
    createdAt: now,
    updatedAt: now,
    name: typeof input.name === 'string' ? input.name : '',
    description: typeof input.description === 'string' ? input.description : '',
    sandboxName: sandboxName(ctx),
    createdClient: clientOf(ctx),
    state: 'enabled' as const,
  };
}

function live<T extends { id: string }>(items: T[], id: string): T | undefined {
  return items.find((item) => item.id === id);
}

export function createConnection(world: World) {
  return (ctx: Ctx): Reply => {
    const input = body(ctx);
    if (!isRecord(input)) return input;
    const spec = specRef(input);
    if (!('id' in spec && 'version' in spec)) return spec;
    if (typeof input.name !== 'string' || input.name === '') return badRequest('1000', 'name is required');
    const org = world.org(orgId(ctx));
    if (
      spec.id === ECA_CONNECTION_SPEC_ID &&
      org.connections.some((c) => c.connectionSpec.id === ECA_CONNECTION_SPEC_ID)
    ) {
      return flowProblem(400, '1426', 'Bad request', ECA_SINGLE_MESSAGE);
    }
    const connection: BaseConnection = {
      ...common(ctx, input),
      connectionSpec: spec,
      ...(input.auth === undefined ? {} : { auth: input.auth }),
    };
    org.connections.push(connection);
    return json(201, { id: connection.id, etag: connection.etag });
  };
}

function createChild(world: World, kind: 'sourceConnections' | 'targetConnections') {
  return (ctx: Ctx): Reply => {
    const input = body(ctx);
    if (!isRecord(input)) return input;
    const spec = specRef(input);
    if (!('id' in spec && 'version' in spec)) return spec;
    if (input.data === undefined) return badRequest('1000', 'data is required');
    if (kind === 'sourceConnections' && typeof input.name !== 'string') return badRequest('1000', 'name is required');
    const org = world.org(orgId(ctx));
    const baseId = typeof input.baseConnectionId === 'string' ? input.baseConnectionId : undefined;
    const base = baseId === undefined ? undefined : live(org.connections, baseId);
    if (kind === 'targetConnections' && baseId === undefined) return badRequest('1000', 'baseConnectionId is required');
    if (baseId !== undefined && !base) return notFound('connections', baseId);
    if (base && base.connectionSpec.id !== spec.id) {
      return badRequest(
        '1000',
        `connectionSpec ${spec.id} does not match the base connection's spec ${base.connectionSpec.id}`,
      );
    }
    const connection: SourceOrTargetConnection = {
      ...common(ctx, input),
      connectionSpec: spec,
      data: input.data,
      params: input.params ?? {},
      ...(baseId === undefined ? {} : { baseConnectionId: baseId }),
    };
    org[kind].push(connection);
    return json(201, { id: connection.id, etag: connection.etag });
  };
}

export const createSourceConnection = (world: World) => createChild(world, 'sourceConnections');
export const createTargetConnection = (world: World) => createChild(world, 'targetConnections');

function audit(
  org: OrgWorld,
  item: { createdClient: string; createdAt: number; updatedAt: number; sandboxName: string },
) {
  return {
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    createdBy: item.createdClient,
    updatedBy: item.createdClient,
    createdClient: item.createdClient,
    updatedClient: item.createdClient,
    sandboxId: org.sandboxId,
    sandboxName: item.sandboxName,
    imsOrgId: org.orgId,
  };
}

/** Secrets never come back: every auth param value is masked, as the platform does (exact mask unconfirmed). */
function maskedAuth(auth: unknown): unknown {
  if (!isRecord(auth)) return undefined;
  const params = isRecord(auth.params) ? Object.fromEntries(Object.keys(auth.params).map((k) => [k, '****'])) : {};
  return { specName: typeof auth.specName === 'string' ? auth.specName : 'Access Token', params };
}

export function renderConnection(org: OrgWorld, c: BaseConnection): Record<string, unknown> {
  const auth = maskedAuth(c.auth);
  return {
    id: c.id,
    ...audit(org, c),
    name: c.name,
    description: c.description,
    connectionSpec: c.connectionSpec,
    state: c.state,
    ...(auth ? { auth } : {}),
    version: c.etag,
    etag: c.etag,
  };
}

export function renderChild(org: OrgWorld, c: SourceOrTargetConnection): Record<string, unknown> {
  const base = c.baseConnectionId ? live(org.connections, c.baseConnectionId) : undefined;
  return {
    id: c.id,
    ...audit(org, c),
    name: c.name,
    description: c.description,
    ...(c.baseConnectionId ? { baseConnectionId: c.baseConnectionId } : {}),
    state: c.state,
    data: c.data,
    connectionSpec: c.connectionSpec,
    params: c.params,
    version: c.etag,
    etag: c.etag,
    ...(c.connectionSpec.id === PROFILE_STORE_SPEC_ID ? { typeInfo: { type: 'ProfileFragments', id: 'ups' } } : {}),
    inheritedAttributes: base ? { baseConnection: { id: base.id, connectionSpec: base.connectionSpec } } : {},
  };
}

function rendered(org: OrgWorld, kind: Kind): Array<Record<string, unknown>> {
  if (kind === 'connections') return org.connections.map((c) => renderConnection(org, c));
  return org[kind].map((c) => renderChild(org, c));
}

export function listConnections(world: World, kind: Kind) {
  return (ctx: Ctx): Reply => listReply(ctx, kind, rendered(world.org(orgId(ctx)), kind));
}

export function getConnection(world: World, kind: Kind) {
  return (ctx: Ctx): Reply => {
    const id = ctx.params.id ?? '';
    const found = rendered(world.org(orgId(ctx)), kind).find((c) => c.id === id);
    return found ? json(200, { items: [found] }) : notFound(kind, id);
  };
}

export function deleteConnection(world: World, kind: Kind) {
  return (ctx: Ctx): Reply => {
    const id = ctx.params.id ?? '';
    const org = world.org(orgId(ctx));
    const items: Array<{ id: string }> = org[kind];
    const index = items.findIndex((c) => c.id === id);
    if (index === -1) return notFound(kind, id);
    const inUse =
      org.flows.some((f) => f.sourceConnectionIds.includes(id) || f.targetConnectionIds.includes(id)) ||
      (kind === 'connections' &&
        [...org.sourceConnections, ...org.targetConnections].some((c) => c.baseConnectionId === id));
    if (inUse)
      return badRequest(
        '1418',
        `The ${kind} resource ${id} cannot be deleted because it is being used in one or more flows`,
      );
    items.splice(index, 1);
    return empty(202);
  };
}
