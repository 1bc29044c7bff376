// In-memory fakes of the service ports, for engine and machine tests. They keep the same rules as the real
// services where the engine relies on them (one connection per marker, label search, resolution dates) and
// count every create, so a test can prove nothing was created twice.
import type {
  AamSegment,
  AudienceDirectory,
  ConnectionKind,
  ConnectionSpec,
  DataSource,
  DestinationPlatform,
  Flow,
  FlowRun,
  IdentityNamespace,
  NewFlow,
  NewTicket,
  RemoteObject,
  Segment,
  TicketRef,
  TicketState,
  TicketTracker,
} from '../../../src/ports.js';

export const FAKE_ECA_SPEC: ConnectionSpec = {
  id: 'eca-spec',
  name: 'Experience Cloud Audiences',
  identities: ['ECID', 'GAID', 'IDFA', 'email_lc_sha256'],
};
export const FAKE_FLOW_SPEC = { id: 'eca-flow-spec', name: 'Experience Cloud Audiences' };
export const NEW_DATA_SOURCE: DataSource = { id: 2, name: 'Experience Platform Segments' };
export const LEGACY_DATA_SOURCE: DataSource = { id: 1, name: 'Adobe Experience Platform Audience Sharing' };

/** Calls that throw once, by operation name: lets a test fail any single call. */
export class FaultPlan {
  private readonly pending = new Map<string, unknown[]>();
  failNext(operation: string, error: unknown, times = 1): void {
    this.pending.set(operation, [...(this.pending.get(operation) ?? []), ...Array<unknown>(times).fill(error)]);
  }
  check(operation: string): void {
    const queue = this.pending.get(operation);
    if (queue && queue.length > 0) throw queue.shift();
  }
}

export class FakeWorld {
  readonly faults = new FaultPlan();
  readonly creates: Record<string, number> = {};
  now: () => number = () => Date.parse('2026-01-05T09:00:00Z');
  segments: Segment[] = [
    { id: 'seg-1', name: 'High value' },
    { id: 'seg-2', name: 'Churn risk' },
    { id: 'seg-3', name: 'Newsletter' },
  ];
  readonly connections: (RemoteObject & { kind: ConnectionKind; specId: string })[] = [];
  readonly flows: Flow[] = [];
  readonly tickets: (TicketState & { labels: string[]; comments: string[] })[] = [];
  aamSegments: AamSegment[] = [];
  /** When legacy sharing came back (restoreLegacy): the legacy data source's segments update from then on. */
  legacyUpdatedAt: string | null = null;
  namespaces: IdentityNamespace[] = ['ECID', 'Email', 'Phone', 'GAID', 'IDFA', 'Email_LC_SHA256'].map((code, id) => ({
    code,
    id,
    status: 'ACTIVE',
    custom: false,
  }));

  count(op: string): void {
    this.creates[op] = (this.creates[op] ?? 0) + 1;
  }
  iso(): string {
    return new Date(this.now()).toISOString();
  }
  /** Customer Care closes the ticket: legacy sharing stops at `at`. */
  resolve(key: string, at = this.iso()): void {
    const t = this.tickets.find((x) => x.key === key);
    if (!t) throw new Error(`no ticket ${key}`);
    Object.assign(t, {
      statusName: 'Done',
      statusCategory: 'done',
      resolved: true,
      resolutionName: 'Done',
      resolutionDate: at,
      doneTransitionAt: at,
    });
  }
  /** Customer Care re-enabled legacy sharing: the legacy data source's segments update again at `at`. */
  restoreLegacy(at = this.iso()): void {
    this.legacyUpdatedAt = at;
  }
  /** Audience Manager receives the flow's audiences. */
  deliver(flowId: string, at = this.iso()): void {
    const flow = this.flows.find((f) => f.id === flowId);
    for (const id of flow?.segmentIds ?? []) {
      this.aamSegments.push({
        sid: this.aamSegments.length + 1,
        name: id,
        integrationCode: id,
        dataSourceId: NEW_DATA_SOURCE.id,
        createdAt: at,
      });
    }
  }
}

export class FakeTracker implements TicketTracker {
  constructor(private readonly w: FakeWorld) {}
  async whoAmI() {
    this.w.faults.check('whoAmI');
    return { displayName: 'Fake Admin' };
  }
  async issueTypes(projectKey: string) {
    this.w.faults.check('issueTypes');
    return projectKey === 'CC' ? [{ id: '1', name: 'Task' }] : [];
  }
  async findByLabel(label: string): Promise<TicketRef | null> {
    this.w.faults.check('findByLabel');
    const t = this.w.tickets.find((x) => x.labels.includes(label));
    return t ? { key: t.key, id: t.id, createdAt: t.createdAt } : null;
  }
  async create(ticket: NewTicket): Promise<TicketRef> {
    this.w.faults.check('createTicket');
    this.w.count('ticket');
    const n = this.w.tickets.length + 1;
    const t = {
      key: `${ticket.projectKey}-${n}`,
      id: String(10000 + n),
      createdAt: this.w.iso(),
      statusName: 'Open',
      statusCategory: 'new',
      resolved: false,
      resolutionName: null,
      resolutionDate: null,
      doneTransitionAt: null,
      labels: ticket.labels,
      comments: [],
    };
    this.w.tickets.push(t);
    this.w.faults.check('afterCreateTicket');
    return { key: t.key, id: t.id, createdAt: t.createdAt };
  }
  async get(key: string): Promise<TicketState> {
    this.w.faults.check('getTicket');
    const t = this.w.tickets.find((x) => x.key === key);
    if (!t) throw new Error(`ticket ${key} not found`);
    const { labels: _l, comments: _c, ...state } = t;
    return { ...state };
  }
  async hasComment(key: string, marker: string) {
    return (this.w.tickets.find((x) => x.key === key)?.comments ?? []).some((c) => c.includes(marker));
  }
  async comment(key: string, text: string) {
    this.w.faults.check('comment');
    this.w.count('comment');
    this.w.tickets.find((x) => x.key === key)?.comments.push(text);
  }
}

export class FakePlatform implements DestinationPlatform {
  constructor(private readonly w: FakeWorld) {}
  async probeAccess() {
    return ['Manage Destinations', 'Activate Destinations', 'View Profiles', 'View Segments'].map((permission) => ({
      permission,
      ok: true,
    }));
  }
  async findConnectionSpec(name: string) {
    this.w.faults.check('findConnectionSpec');
    return name === FAKE_ECA_SPEC.name ? FAKE_ECA_SPEC : null;
  }
  async findFlowSpec(name: string) {
    return name === FAKE_FLOW_SPEC.name ? FAKE_FLOW_SPEC : null;
  }
  async listConnections(specId: string) {
    return this.w.connections.filter((c) => c.kind === 'base' && c.specId === specId);
  }
  async findByMarker(kind: ConnectionKind, specId: string, marker: string) {
    this.w.faults.check(`find:${kind}`);
    return (
      this.w.connections.find(
        (c) => c.kind === kind && (kind === 'source' || c.specId === specId) && c.description?.includes(marker),
      ) ?? null
    );
  }
  private add(kind: ConnectionKind, specId: string, name: string, description: string): RemoteObject {
    // The Profile Store's base connection is counted apart from the destination's.
    const counted = kind === 'base' && specId !== FAKE_ECA_SPEC.id ? 'profile_base' : kind;
    this.w.faults.check(`create:${counted}`);
    this.w.count(counted);
    const obj = {
      id: `${kind}-${this.w.connections.length + 1}`,
      name,
      description,
      kind,
      specId,
      createdAt: this.w.iso(),
    };
    this.w.connections.push(obj);
    this.w.faults.check(`after:create:${counted}`);
    return obj;
  }
  async createBaseConnection(i: { name: string; description: string; specId: string }) {
    return this.add('base', i.specId, i.name, i.description);
  }
  async createSourceConnection(i: { name: string; description: string }) {
    return this.add('source', 'profile', i.name, i.description);
  }
  async createTargetConnection(i: { name: string; description: string; specId: string }) {
    return this.add('target', i.specId, i.name, i.description);
  }
  async findFlowByMarker(_spec: string, marker: string) {
    this.w.faults.check('find:flow');
    return this.w.flows.find((f) => f.description?.includes(marker)) ?? null;
  }
  async createFlow(input: NewFlow): Promise<Flow> {
    this.w.faults.check('create:flow');
    this.w.count('flow');
    const flow: Flow = {
      id: `flow-${this.w.flows.length + 1}`,
      name: input.name,
      description: input.description,
      createdAt: this.w.iso(),
      state: 'enabled',
      segmentIds: [...input.segmentIds],
      etag: '"1"',
    };
    this.w.flows.push(flow);
    this.w.faults.check('after:create:flow');
    return flow;
  }
  async getFlow(id: string) {
    const flow = this.w.flows.find((f) => f.id === id);
    if (!flow) throw new Error(`flow ${id} not found`);
    return flow;
  }
  async disableFlow(id: string): Promise<Flow> {
    this.w.faults.check('disable:flow');
    const flow = await this.getFlow(id);
    if (flow.state !== 'disabled') {
      this.w.count('disable');
      Object.assign(flow, {
        state: 'disabled',
        updatedAt: this.w.iso(),
        etag: `"${Number(flow.etag.slice(1, -1)) + 1}"`,
      });
    }
    return flow;
  }
  async deleteFlow(id: string): Promise<void> {
    this.w.count('delete:flow');
    const index = this.w.flows.findIndex((f) => f.id === id);
    if (index >= 0) this.w.flows.splice(index, 1);
  }
  async deleteConnection(_kind: ConnectionKind, id: string): Promise<void> {
    this.w.count('delete:connection');
    const index = this.w.connections.findIndex((c) => c.id === id);
    if (index >= 0) this.w.connections.splice(index, 1);
  }
  async listRuns(_flowId: string): Promise<FlowRun[]> {
    return [];
  }
  async listSegments() {
    this.w.faults.check('listSegments');
    return this.w.segments;
  }
  async listIdentityNamespaces() {
    this.w.faults.check('listIdentityNamespaces');
    return this.w.namespaces;
  }
}

export class FakeDirectory implements AudienceDirectory {
  constructor(private readonly w: FakeWorld) {}
  async listDataSources() {
    this.w.faults.check('listDataSources');
    return [LEGACY_DATA_SOURCE, NEW_DATA_SOURCE];
  }
  async segmentsInDataSource(dataSourceId: number) {
    this.w.faults.check('segmentsInDataSource');
    if (dataSourceId === LEGACY_DATA_SOURCE.id) {
      const updated = this.w.legacyUpdatedAt ? { updatedAt: this.w.legacyUpdatedAt } : {};
      return this.w.segments.map((s, i) => ({
        sid: 900 + i,
        name: s.name,
        integrationCode: s.id,
        dataSourceId,
        ...updated,
      }));
    }
    return this.w.aamSegments.filter((s) => s.dataSourceId === dataSourceId);
  }
}

export function fakeServices(world = new FakeWorld()) {
  return {
    world,
    tracker: new FakeTracker(world),
    platform: new FakePlatform(world),
    directory: new FakeDirectory(world),
  };
}
