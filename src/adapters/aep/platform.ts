// The DestinationPlatform port over Flow Service and Segmentation. Every create has its reconcile lookup
// (find by this migration's marker in `description`), because the engine may re-run an effect after a crash.
import { ServiceError } from '../../errors.js';
import type {
  ConnectionKind,
  ConnectionSpec,
  DestinationPlatform,
  Flow,
  FlowRun,
  IdentityNamespace,
  NewFlow,
  RemoteObject,
  Segment,
} from '../../ports.js';
import { type FlowServiceClient, PROFILE_STORE_SPEC_ID, type JsonPatchOp, type Raw } from './flow-service.js';
import {
  createFlowBody,
  segmentSelector,
  segmentSelectors,
  toConnectionSpec,
  toFlow,
  toRemoteObject,
  toRun,
} from './mapping.js';
import type { IdentityClient } from './identity.js';
import type { SegmentationClient } from './segmentation.js';

const SELECTORS_PATH = '/transformations/0/params/segmentSelectors/selectors';

const RESOURCE: Record<ConnectionKind, 'connections' | 'sourceConnections' | 'targetConnections'> = {
  base: 'connections',
  source: 'sourceConnections',
  target: 'targetConnections',
};

export class AepPlatform implements DestinationPlatform {
  constructor(
    readonly flows: FlowServiceClient,
    readonly segmentation: SegmentationClient,
    /** The Experience Cloud Audiences spec name, probed for the destination permissions. */
    private readonly ecaSpecName: string,
    readonly identity: IdentityClient,
  ) {}

  /**
   * Harmless reads, each standing for the permission a 403 on it would mean: the connection-spec catalogue for
   * Manage/Activate Destinations, segment definitions for View Segments, the flows list for View Profiles (no
   * profile read is harmless and cheap, so the flows list stands in). Anything but a 403 (401, 5xx) is thrown.
   */
  async probeAccess(): Promise<{ permission: string; ok: boolean; detail?: string }[]> {
    const specs = await probe(() => this.flows.firstPage('connectionSpecs', { property: `name==${this.ecaSpecName}` }));
    const segments = await probe(() => this.segmentation.probe());
    const flows = await probe(() => this.flows.firstPage('flows', { limit: '1' }));
    return [
      withHint('Manage Destinations', specs),
      withHint('Activate Destinations', specs),
      withHint('View Segments', segments),
      withHint('View Profiles', flows),
    ];
  }

  async findConnectionSpec(name: string): Promise<ConnectionSpec | null> {
    const raw = await this.flows.findByName('connectionSpecs', name);
    return raw ? toConnectionSpec(raw) : null;
  }

  async findFlowSpec(name: string): Promise<{ id: string; name: string } | null> {
    const raw = await this.flows.findByName('flowSpecs', name);
    return raw ? { id: String(raw.id), name: String(raw.name) } : null;
  }

  async listConnections(specId: string): Promise<RemoteObject[]> {
    const items = await this.flows.listAll('connections', { property: `connectionSpec.id==${specId}` });
    return items.map(toRemoteObject);
  }

  /** For `source`, the spec is always the Profile Store's: that is the only source this tool creates. */
  async findByMarker(kind: ConnectionKind, specId: string, marker: string): Promise<RemoteObject | null> {
    const spec = kind === 'source' ? PROFILE_STORE_SPEC_ID : specId;
    const items = await this.flows.listAll(RESOURCE[kind], { property: `connectionSpec.id==${spec}` });
    const match = items.find((i) => typeof i.description === 'string' && i.description.includes(marker));
    return match ? toRemoteObject(match) : null;
  }

  /**
   * The Experience Cloud Audiences card asks for no credentials, and its API `auth` payload is unconfirmed, so
   * `auth` is sent only when a token is given (as a bearer-token spec).
   */
  async createBaseConnection(input: {
    name: string;
    description: string;
    specId: string;
    token?: string;
  }): Promise<RemoteObject> {
    const body: Raw = {
      name: input.name,
      description: input.description,
      connectionSpec: { id: input.specId, version: '1.0' },
    };
    if (input.token) body.auth = { specName: 'Bearer Token', params: { token: input.token } };
    const { id } = await this.flows.create('connections', body);
    return { id, name: input.name, description: input.description };
  }

  async createSourceConnection(input: {
    name: string;
    description: string;
    baseConnectionId: string;
  }): Promise<RemoteObject> {
    const { id } = await this.flows.create('sourceConnections', {
      name: input.name,
      description: input.description,
      baseConnectionId: input.baseConnectionId,
      connectionSpec: { id: PROFILE_STORE_SPEC_ID, version: '1.0' },
      data: { format: 'json' },
      params: {},
    });
    return { id, name: input.name, description: input.description };
  }

  async createTargetConnection(input: {
    name: string;
    description: string;
    specId: string;
    baseConnectionId: string;
    params: Record<string, string>;
  }): Promise<RemoteObject> {
    const { id } = await this.flows.create('targetConnections', {
      name: input.name,
      description: input.description,
      baseConnectionId: input.baseConnectionId,
      connectionSpec: { id: input.specId, version: '1.0' },
      data: { format: 'json' },
      params: input.params,
    });
    return { id, name: input.name, description: input.description };
  }

  async findFlowByMarker(targetSpecId: string, marker: string): Promise<Flow | null> {
    const property = `inheritedAttributes.targetConnections[].connectionSpec.id==${targetSpecId}`;
    const items = await this.flows.listAll('flows', { property });
    const match = items.find((i) => typeof i.description === 'string' && i.description.includes(marker));
    return match ? toFlow(match) : null;
  }

  /** One POST with every audience and identity; then a read for the flow's own createdAt and etag. */
  async createFlow(input: NewFlow): Promise<Flow> {
    const { id } = await this.flows.create('flows', createFlowBody(input));
    return this.getFlow(id);
  }

  async getFlow(id: string): Promise<Flow> {
    return toFlow(await this.flows.getFlow(id));
  }

  async listRuns(flowId: string): Promise<FlowRun[]> {
    const items = await this.flows.listAll('runs', { property: `flowId==${flowId}` });
    return items.map(toRun);
  }

  async listSegments(): Promise<Segment[]> {
    return this.segmentation.listSegments();
  }

  async listIdentityNamespaces(): Promise<IdentityNamespace[]> {
    return this.identity.listNamespaces();
  }

  async getSegment(id: string): Promise<Segment> {
    return this.segmentation.getSegment(id);
  }

  /** Adds audiences not already on the flow (If-Match; a 412 re-reads and re-derives the change). */
  async addSegments(flowId: string, segmentIds: string[]): Promise<Flow> {
    const raw = await this.flows.patchFlow(flowId, (flow) => {
      const present = new Set(segmentSelectors(flow).map((s) => s.id));
      return [...new Set(segmentIds)]
        .filter((id) => !present.has(id))
        .map((id): JsonPatchOp => ({ op: 'add', path: `${SELECTORS_PATH}/-`, value: segmentSelector(id) }));
    });
    return toFlow(raw);
  }

  /**
   * Removes audiences by index, highest index first so earlier removals do not shift later ones (how the
   * service applies RFC 6902 shifting within one request is unconfirmed).
   */
  async removeSegments(flowId: string, segmentIds: string[]): Promise<Flow> {
    const unwanted = new Set(segmentIds);
    const raw = await this.flows.patchFlow(flowId, (flow) =>
      segmentSelectors(flow)
        .filter((s) => unwanted.has(s.id))
        .sort((a, b) => b.index - a.index)
        .map(
          (s): JsonPatchOp => ({ op: 'remove', path: `${SELECTORS_PATH}/${s.index}`, value: segmentSelector(s.id) }),
        ),
    );
    return toFlow(raw);
  }

  async enableFlow(flowId: string): Promise<void> {
    await this.flows.flowAction(flowId, 'enable');
  }

  async disableFlow(flowId: string): Promise<Flow> {
    return toFlow(await this.flows.setFlowState(flowId, 'disabled'));
  }

  async deleteFlow(flowId: string): Promise<void> {
    await this.flows.remove('flows', flowId);
  }

  async deleteConnection(kind: ConnectionKind, id: string): Promise<void> {
    await this.flows.remove(RESOURCE[kind], id);
  }
}

function withHint(
  permission: string,
  result: { ok: boolean; detail?: string },
): { permission: string; ok: boolean; detail?: string } {
  if (result.ok) return { permission, ok: true };
  return {
    permission,
    ok: false,
    detail: `${result.detail ?? 'forbidden'}: ask your AEP administrator for the "${permission}" permission`,
  };
}

async function probe(read: () => Promise<unknown>): Promise<{ ok: boolean; detail?: string }> {
  try {
    await read();
    return { ok: true };
  } catch (err) {
    if (err instanceof ServiceError && err.status === 403) return { ok: false, detail: err.vendorMessage };
    throw err;
  }
}
