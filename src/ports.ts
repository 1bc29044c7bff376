// The ports: every effect the engine needs, as narrow interfaces. Adapters implement them
// (src/adapters/*), in-memory fakes for tests live in test/support/fakes.
// Every effect port pairs its create with a reconcile lookup by this migration's marker, because XState
// restarts in-flight promise actors on restore: an effect must always look before it creates.
// The store's port (MigrationStore and its records) is in ports/store.ts, re-exported here.
export * from './ports/store.js';

// ---------------------------------------------------------------------------------------------- clock, log
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves at the given epoch-ms instant (immediately when it has passed); rejects when aborted. */
  sleepUntil(at: number, signal?: AbortSignal): Promise<void>;
}

export type LogFields = Record<string, unknown>;
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

// ---------------------------------------------------------------------------------------------- Jira
export interface TicketRef {
  key: string;
  id: string;
  /** Jira `created`, normalised to UTC ISO-8601. */
  createdAt: string;
}

export interface TicketState extends TicketRef {
  statusName: string;
  /** `new` | `indeterminate` | `done` (Jira's status category key, not its localised name). */
  statusCategory: string;
  /** statusCategory === 'done'. */
  resolved: boolean;
  resolutionName: string | null;
  /** Jira `resolutiondate` normalised to UTC ISO-8601, null while unresolved. */
  resolutionDate: string | null;
  /** When the changelog shows the latest move into a done status (UTC ISO), for cross-checking. */
  doneTransitionAt: string | null;
}

/** A ticket's status as a batch search read it (no changelog): enough to tell that it is not done yet. */
export interface TicketStatus {
  key: string;
  statusName: string;
  statusCategory: string;
  resolved: boolean;
  resolutionDate: string | null;
  /** Epoch ms the search was sent and answered: the poll that uses this status counts from them. */
  sentAt: number;
  observedAt: number;
}

/** What one batch read of a site did. */
export interface TicketPrefetch {
  /** Keys read and found; the not-done ones are left for the polls that follow (`takeKnownStatus`). */
  found: number;
  /** Keys the site did not return (deleted, moved, not visible): their polls GET them. */
  missing: string[];
  /**
   * Tickets seen done, earliest resolved first, with Jira's resolution instant (epoch ms; null when it gave none):
   * their polls read them in full, first, the longest-resolved before the others (the nearest to its deadline).
   */
  done: { key: string; resolvedAt: number | null }[];
  requests: number;
}

/** One page of a batch read: the keys it asked for, and what it found of them. */
export interface TicketPrefetchPage extends TicketPrefetch {
  keys: string[];
}

export interface NewTicket {
  projectKey: string;
  issueType: string;
  summary: string;
  /** Plain text; the adapter renders ADF (Cloud v3) or a string (Data Center v2). */
  description: string;
  labels: string[];
}

export interface TicketTracker {
  whoAmI(): Promise<{ displayName: string; accountId?: string }>;
  /** Issue types of a project; throws a ServiceError with status 404 when the project does not exist. */
  issueTypes(projectKey: string): Promise<{ id: string; name: string }[]>;
  /** Reconcile lookup: the ticket carrying this marker label, if one was filed. */
  findByLabel(label: string): Promise<TicketRef | null>;
  create(ticket: NewTicket): Promise<TicketRef>;
  get(key: string): Promise<TicketState>;
  /** Reconcile lookup for comments: true when a comment containing the marker text exists. */
  hasComment(key: string, marker: string): Promise<boolean>;
  comment(key: string, text: string): Promise<void>;
  /** The Jira site (its base URL): trackers of one site share its batch reads and its request budget. */
  readonly site?: string;
  /**
   * Fleet reads (`watch`): the status of many tickets in a few searches. The answers stay valid for the ticket
   * polls until `validUntil` (epoch ms); a done ticket is then read in full by its poll. `onPage` hears each
   * request's page of keys as soon as it is answered (its statuses already left for the polls); the promise, the
   * whole read.
   */
  prefetch?(keys: string[], validUntil: number, onPage?: (page: TicketPrefetchPage) => void): Promise<TicketPrefetch>;
  /**
   * The status a batch read left for this ticket, taken once; null: the poll reads the ticket itself. A done one
   * is still read in full (the changelog's cross-check); the batch's answer is when the resolution was seen.
   */
  takeKnownStatus?(key: string, now: number): TicketStatus | null;
}

// ---------------------------------------------------------------------------------------------- AEP
export interface ConnectionSpec {
  id: string;
  name: string;
  /** Target identities the live spec declares, when it declares any. */
  identities?: string[];
}

export interface RemoteObject {
  id: string;
  name: string;
  description?: string;
  /** UTC ISO-8601 when the service reports it. */
  createdAt?: string;
}

export interface Flow extends RemoteObject {
  createdAt: string;
  /** The flow's own last update (UTC ISO), when the service reports it: a disable's instant. */
  updatedAt?: string;
  state: 'enabled' | 'disabled';
  segmentIds: string[];
  etag: string;
}

export interface FlowRun {
  id: string;
  /** Lower-cased `metrics.statusSummary.status`. */
  status: string;
  startedAt?: string;
  completedAt?: string;
}

export interface Segment {
  id: string;
  name: string;
}

/** An identity namespace of the org (Identity Service): its code is what a flow's identity mapping names. */
export interface IdentityNamespace {
  code: string;
  id: number;
  /** `ACTIVE` or `INACTIVE`. */
  status: string;
  custom: boolean;
}

export type ConnectionKind = 'base' | 'source' | 'target';

export interface NewFlow {
  name: string;
  description: string;
  flowSpecId: string;
  sourceConnectionId: string;
  targetConnectionId: string;
  segmentIds: string[];
  identities: { source: string; target: string; applyHashing?: boolean }[];
}

export interface DestinationPlatform {
  /** Harmless reads that prove the token works and the caller may read destinations and segments. */
  probeAccess(): Promise<{ permission: string; ok: boolean; detail?: string }[]>;
  findConnectionSpec(name: string): Promise<ConnectionSpec | null>;
  findFlowSpec(name: string): Promise<{ id: string; name: string } | null>;
  /** Every base connection of a connection spec (the card allows only one per org). */
  listConnections(specId: string): Promise<RemoteObject[]>;
  /** Reconcile lookup: the object of this kind whose description carries the marker. */
  findByMarker(kind: ConnectionKind, specId: string, marker: string): Promise<RemoteObject | null>;
  createBaseConnection(input: {
    name: string;
    description: string;
    specId: string;
    token?: string;
  }): Promise<RemoteObject>;
  createSourceConnection(input: { name: string; description: string; baseConnectionId: string }): Promise<RemoteObject>;
  createTargetConnection(input: {
    name: string;
    description: string;
    specId: string;
    baseConnectionId: string;
    params: Record<string, string>;
  }): Promise<RemoteObject>;
  findFlowByMarker(targetSpecId: string, marker: string): Promise<Flow | null>;
  createFlow(input: NewFlow): Promise<Flow>;
  getFlow(id: string): Promise<Flow>;
  /**
   * Disables the flow with its current etag in If-Match, re-reading it and retrying on 412; a flow already
   * disabled is left as it is. Returns the flow as it stands afterwards (its updatedAt is when it was disabled).
   */
  disableFlow(id: string): Promise<Flow>;
  /** Deletes a flow or a connection; one that is already gone (404) counts as deleted. */
  deleteFlow(id: string): Promise<void>;
  deleteConnection(kind: ConnectionKind, id: string): Promise<void>;
  listRuns(flowId: string): Promise<FlowRun[]>;
  listSegments(): Promise<Segment[]>;
  /** The org's identity namespaces, standard and custom (Identity Service `GET /idnamespace/identities`). */
  listIdentityNamespaces(): Promise<IdentityNamespace[]>;
}

// ---------------------------------------------------------------------------------------------- Audience Manager
export interface DataSource {
  id: number;
  name: string;
  integrationCode?: string;
}

export interface AamSegment {
  sid: number;
  name: string;
  integrationCode: string | null;
  dataSourceId: number;
  /** UTC ISO-8601. */
  createdAt?: string;
  /** UTC ISO-8601: when the segment last changed (a legacy segment updates while legacy sharing feeds it). */
  updatedAt?: string;
}

export interface AudienceDirectory {
  listDataSources(): Promise<DataSource[]>;
  segmentsInDataSource(dataSourceId: number): Promise<AamSegment[]>;
}
