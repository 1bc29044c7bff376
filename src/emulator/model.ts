/** The records the emulator keeps. Plain data: the control API hands out deep copies of them. */

export interface SpecRef {
  id: string;
  version: string;
}

export interface Audience {
  id: string;
  name: string;
  description: string;
  creationTime: number;
  updateTime: number;
  mergePolicyId: string;
  evaluation: 'batch' | 'continuous' | 'synchronous';
}

interface Entity {
  id: string;
  etag: string;
  createdAt: number;
  updatedAt: number;
  name: string;
  description: string;
  sandboxName: string;
  createdClient: string;
  state: 'enabled' | 'disabled';
}

export interface BaseConnection extends Entity {
  connectionSpec: SpecRef;
  auth?: unknown;
}

export interface SourceOrTargetConnection extends Entity {
  connectionSpec: SpecRef;
  baseConnectionId?: string;
  data?: unknown;
  params?: unknown;
}

export interface Flow extends Entity {
  flowSpec: SpecRef;
  sourceConnectionIds: string[];
  targetConnectionIds: string[];
  transformations: unknown[];
  labels?: string[];
  /** When the create request reached the emulator: createdAt − requestReceivedAt is the latency it applied. */
  requestReceivedAt: number;
}

export interface Run {
  id: string;
  flowId: string;
  flowSpec: SpecRef;
  createdAt: number;
  updatedAt: number;
  startedAt: number;
  completedAt: number;
  etag: string;
  segmentIds: string[];
  sandboxName: string;
  createdClient: string;
}

export interface AamDataSource {
  dataSourceId: number;
  name: string;
  description: string;
  integrationCode: string;
  createTime: number;
}

export interface AamTrait {
  sid: number;
  name: string;
  description: string;
  dataSourceId: number;
  folderId: number;
  integrationCode: string;
  traitRule: string;
  createTime: number;
}

export interface AamSegment {
  sid: number;
  name: string;
  description: string;
  dataSourceId: number;
  folderId: number;
  integrationCode: string;
  segmentRule: string;
  createTime: number;
  /** Last update (epoch ms); a legacy segment updates again once legacy sharing is back on. Absent: createTime. */
  updateTime?: number;
}

export interface ChangeItem {
  field: string;
  fieldtype: 'jira';
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface History {
  id: string;
  created: number;
  /** Who made the change: the API caller (a transition) or a Customer Care agent (resolve/reopen). */
  author: 'caller' | 'agent';
  items: ChangeItem[];
}

export interface TicketComment {
  id: string;
  body: unknown;
  created: number;
}

export interface Ticket {
  id: string;
  key: string;
  issueTypeId: string;
  summary: string;
  /** As sent: ADF (v3) or a string (v2). Rendered back in the caller's flavour. */
  description: unknown;
  labels: string[];
  orgIds: string[];
  statusId: string;
  resolution: string | null;
  resolutiondate: number | null;
  created: number;
  updated: number;
  statusCategoryChanged: number;
  /** Offset the ticket's timestamps are rendered in, `+HHmm`. */
  offset: string;
  histories: History[];
  comments: TicketComment[];
}

export interface Counters {
  requests: Record<string, number>;
  faults: Record<string, number>;
}

export interface LegacySharing {
  enabled: boolean;
  stoppedAt: number | null;
  stoppedByTicket: string | null;
  /** When a resolved re-enable ticket turned legacy sharing back on, and which ticket. */
  restoredAt?: number | null;
  restoredByTicket?: string | null;
}

/** An identity namespace as Identity Service lists it (`GET /data/core/idnamespace/identities`). */
export interface IdentityNamespace {
  id: number;
  code: string;
  name: string;
  description: string;
  idType: 'COOKIE' | 'CROSS_DEVICE' | 'DEVICE' | 'EMAIL' | 'PHONE' | 'NON_PEOPLE' | 'EMAIL_LC_SHA256' | 'PHONE_SHA256';
  status: 'ACTIVE' | 'INACTIVE';
  custom: boolean;
  createTime: number;
  updateTime: number;
}

export interface OrgWorld {
  orgId: string;
  sandboxId: string;
  pid: number;
  audiences: Audience[];
  namespaces: IdentityNamespace[];
  connections: BaseConnection[];
  sourceConnections: SourceOrTargetConnection[];
  targetConnections: SourceOrTargetConnection[];
  flows: Flow[];
  runs: Run[];
  aam: { dataSources: AamDataSource[]; traits: AamTrait[]; segments: AamSegment[]; nextSid: number };
  legacy: LegacySharing;
  counters: Counters;
  /** Things a careful client must never do (e.g. create the ECA flow while legacy sharing is on). */
  violations: string[];
}
