// From Flow Service and Segmentation shapes to the port's types, and the other way for create bodies.
import type { ConnectionSpec, Flow, FlowRun, NewFlow, RemoteObject, Segment } from '../../ports.js';
import type { Raw } from './flow-service.js';

/** Epoch milliseconds (number or numeric string) → UTC ISO; undefined when absent or unreadable. */
export function epochMsToIso(value: unknown): string | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return undefined;
  return new Date(n).toISOString();
}

export function toRemoteObject(raw: Raw): RemoteObject {
  const createdAt = epochMsToIso(raw.createdAt);
  return {
    id: String(raw.id),
    name: String(raw.name ?? ''),
    ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
    ...(createdAt ? { createdAt } : {}),
  };
}

export function toFlow(raw: Raw): Flow {
  const base = toRemoteObject(raw);
  return {
    ...base,
    createdAt: base.createdAt ?? '',
    ...(epochMsToIso(raw.updatedAt) ? { updatedAt: epochMsToIso(raw.updatedAt) } : {}),
    state: raw.state === 'enabled' ? 'enabled' : 'disabled',
    segmentIds: segmentSelectors(raw).map((s) => s.id),
    etag: String(raw.etag ?? raw.version ?? ''),
  };
}

/** The PLATFORM_SEGMENT selectors of transformations[0], with their index (JSON Patch removes by index). */
export function segmentSelectors(raw: Raw): { id: string; index: number }[] {
  const transformations = raw.transformations as
    | { params?: { segmentSelectors?: { selectors?: Raw[] } } }[]
    | undefined;
  const selectors = transformations?.[0]?.params?.segmentSelectors?.selectors ?? [];
  return selectors.flatMap((s, index) => {
    const id = (s.value as Raw | undefined)?.id;
    return typeof id === 'string' ? [{ id, index }] : [];
  });
}

export function segmentSelector(id: string): Raw {
  return { type: 'PLATFORM_SEGMENT', value: { id } };
}

/** POST /flows body: everything in one request, so the cut-over's critical path is one call. */
export function createFlowBody(input: NewFlow): Raw {
  return {
    name: input.name,
    description: input.description,
    flowSpec: { id: input.flowSpecId, version: '1.0' },
    sourceConnectionIds: [input.sourceConnectionId],
    targetConnectionIds: [input.targetConnectionId],
    transformations: [
      {
        name: 'GeneralTransform',
        params: {
          profileSelectors: { selectors: input.identities.map(identitySelector) },
          segmentSelectors: { selectors: input.segmentIds.map(segmentSelector) },
        },
      },
    ],
  };
}

/**
 * One profile selector per identity mapping, in the shape of the documented examples (destinations document,
 * BatchTransformation profile selectors and the GET example): the source namespace under `identity`, the mapping
 * to the destination identity under `mapping`. How the API expresses "hash on activation" is unconfirmed; it is
 * sent as `mapping.applyHashing` (the card's UI calls it "Apply transformation") so the choice is not lost.
 */
function identitySelector(identity: NewFlow['identities'][number]): Raw {
  const source = `identityMap.${identity.source}`;
  const destination = `identityMap.${identity.target}`;
  return {
    type: 'JSON_PATH',
    value: {
      path: source,
      operator: 'EXISTS',
      identity: { namespace: identity.source },
      mapping: {
        sourceType: 'text/x.schema-path',
        source,
        destination,
        identity: true,
        primaryIdentity: false,
        functionVersion: 0,
        sourceAttribute: source,
        destinationXdmPath: destination,
        ...(identity.applyHashing ? { applyHashing: true } : {}),
      },
    },
  };
}

export function toConnectionSpec(raw: Raw): ConnectionSpec {
  const identities = specIdentities(raw);
  return { id: String(raw.id), name: String(raw.name ?? ''), ...(identities ? { identities } : {}) };
}

/**
 * Where a destination spec lists its target identities is not documented (unconfirmed in the reference), so
 * the likely places are tried; none found means "the live spec does not say", not "supports none".
 */
function specIdentities(raw: Raw): string[] | undefined {
  const target = (raw.targetSpec ?? {}) as Raw;
  const attributes = (raw.attributes ?? {}) as Raw;
  for (const candidate of [
    target.identityNamespaces,
    attributes.identityNamespaces,
    target.identities,
    attributes.identities,
  ]) {
    if (Array.isArray(candidate))
      return candidate.map((c) => (typeof c === 'string' ? c : String((c as Raw).name ?? (c as Raw).id)));
    if (candidate && typeof candidate === 'object') return Object.keys(candidate);
  }
  return undefined;
}

export function toRun(raw: Raw): FlowRun {
  const metrics = (raw.metrics ?? {}) as { statusSummary?: { status?: string }; durationSummary?: Raw };
  const startedAt = epochMsToIso(metrics.durationSummary?.startedAtUTC);
  const completedAt = epochMsToIso(metrics.durationSummary?.completedAtUTC);
  return {
    id: String(raw.id),
    status: String(metrics.statusSummary?.status ?? 'unknown').toLowerCase(),
    ...(startedAt ? { startedAt } : {}),
    ...(completedAt ? { completedAt } : {}),
  };
}

export function toSegment(raw: Raw): Segment {
  return { id: String(raw.id), name: String(raw.name ?? '') };
}
