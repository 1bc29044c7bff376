// Context, events and actor contracts of the migration machine. Plain data only (see types.ts).
import type { CheckResult } from './preflight.js';
import type { TicketEvidence } from './resolution.js';
import type { ErrorKind, Marks, Plan, Solution, StoredError } from './types.js';

/** Bumped whenever a persisted snapshot of an older machine could not be restored as it is. */
export const MACHINE_VERSION = '2';

/**
 * The xstate version persisted snapshots were written with. xstate is pinned exactly in package.json because its
 * persisted format has changed in patch releases; a test keeps this constant honest.
 */
export const XSTATE_VERSION = '5.33.3';

/** Steps a migration can be retried into; also the names of effect steps in idempotency keys. */
export const STEPS = [
  'preflight',
  'staging',
  'filing',
  'awaiting_resolution',
  'cutting_over',
  'verifying',
  'handoff',
  'cancelling',
  'rolling_back',
] as const;
export type Step = (typeof STEPS)[number];

export interface TicketInfo {
  key: string;
  id: string;
  createdAt: string;
  /** Attached by the admin instead of filed by this tool. */
  attached: boolean;
}

export interface LastPoll {
  at: string;
  /**
   * When the poll was sent: the next one is timed from here (less the round trip), so latency does not stretch
   * the period.
   */
  startedAt?: string;
  statusName: string;
  statusCategory: string;
}

/** The two waits on the outside world, where a failed read is retried for as long as the wait lasts. */
export type WaitStep = 'awaiting_resolution' | 'verifying' | 'rolling_back';

/** A run of failed reads during a wait, from the first failure until a read succeeds again. */
export interface WaitTrouble {
  step: WaitStep;
  /** When the first read of this run failed. */
  since: string;
  /** Failed reads since then. */
  tries: number;
  /** Failed reads of each kind since then: a kind's first appearance is journaled, its repeats are not. */
  kinds: Partial<Record<ErrorKind, number>>;
  /** The latest failure (with its kind). */
  last: StoredError;
}

export interface Remote {
  ecaSpecId?: string;
  flowSpecId?: string;
  baseConnectionId?: string;
  sourceConnectionId?: string;
  targetConnectionId?: string;
  flowId?: string;
}

export interface MigrationContext {
  migrationId: string;
  marker: string;
  plan: Plan;
  preflight: CheckResult[] | null;
  remote: Remote;
  ticket: TicketInfo | null;
  marks: Marks;
  lastPoll: LastPoll | null;
  /** The last instant an actor observed the world: the pure machine's only notion of "now". */
  lastObservedAt: string | null;
  /** Durable deadline (epoch ms) of the current wait: re-armed from here on restore. */
  waitUntil: number | null;
  /** Deadline (epoch ms) after which verification parks in needs_attention. */
  verifyDeadline: number | null;
  seenAudiences: Record<string, string>;
  firstSuccessfulRunAt: string | null;
  confirmations: Partial<Record<Solution, { by: string; at: string; note?: string }>>;
  skippedChecks: { check: string; by: string; reason: string }[];
  attempts: number;
  lastError: StoredError | null;
  resumeTarget: Step | null;
  /** Failed reads of the current wait, retried while it lasts; absent in snapshots older than this field. */
  waitTrouble?: WaitTrouble | null;
  /** The way back to legacy sharing, once an operator asked for it (core/rollback.ts); absent before machine 2. */
  rollback?: RollbackState | null;
}

/** What a rollback has asked for and seen so far: enough for a restored run to carry on where it was. */
export interface RollbackState {
  by: string;
  reason: string;
  at: string;
  /** A completed migration is rolled back only with --force (and a reason). */
  force: boolean;
  /** Delete the disabled flow and the staged connections at hand-off instead of keeping them for a retry. */
  deleteConnection: boolean;
  /** The state the migration was in when the rollback was asked for. */
  from: string;
  /** The new flow that was disabled; null when none existed. */
  flowId: string | null;
  /** The re-enable ticket (legacy sharing back on), once filed. */
  ticket: TicketInfo | null;
  lastPoll: LastPoll | null;
  /** Deadline (epoch ms) for the legacy data source to receive the audiences again. */
  legacyDeadline: number | null;
  /** Audience id → when the legacy data source was seen updating it after legacy sharing came back. */
  seenLegacy: Record<string, string>;
}

export interface MigrationInput {
  migrationId: string;
  plan: Plan;
}

// ---------------------------------------------------------------------------------------------- actor I/O
export interface PreflightOutput {
  observedAt: string;
  results: CheckResult[];
  ecaSpecId: string | null;
  flowSpecId: string | null;
  /** A destination connection that already carries this migration's marker. */
  adoptedConnectionId: string | null;
}
export interface RemoteIdOutput {
  id: string;
}
export interface TicketPollOutput {
  startedAt?: string;
  observedAt: string;
  /**
   * When a batch search (`watch`) answered that the ticket is done, before this poll's full read confirmed it:
   * the instant the tool first saw the resolution, so the detection mark does not count the full read's wait.
   */
  seenDoneAt?: string;
  statusName: string;
  statusCategory: string;
  resolved: boolean;
  resolutionDate: string | null;
  doneTransitionAt: string | null;
}
export interface FlowOutput {
  id: string;
  createdAt: string;
}
export interface DisableOutput {
  observedAt: string;
  /** The flow disabled (found by id or by marker); null when this migration has no flow. */
  flowId: string | null;
  /** The flow's own update time after the disable; null without a flow. */
  disabledAt: string | null;
}
export interface LegacyDataOutput {
  observedAt: string;
  /** Audience id → the legacy data source's update time of its segment, when at or after `since`. */
  seen: Record<string, string>;
}
export interface VerificationOutput {
  observedAt: string;
  /** Audience id → first instant it was seen in Audience Manager's new data source. */
  seen: Record<string, string>;
  firstSuccessfulRunAt: string | null;
}

// ---------------------------------------------------------------------------------------------- actor inputs
interface StepInput {
  migrationId: string;
  marker: string;
}
/** What each named actor is given: one definition for the machine's placeholders and the engine's effects. */
export interface ActorInputs {
  runPreflight: StepInput & { plan: Plan };
  ensureBaseConnection: StepInput & { plan: Plan; ecaSpecId: string };
  ensureSourceConnection: StepInput & { baseConnectionId: string };
  ensureTargetConnection: StepInput & { plan: Plan; ecaSpecId: string; baseConnectionId: string };
  fileTicket: StepInput & { plan: Plan };
  pollTicket: { migrationId: string; key: string };
  waitUntil: { at: number };
  createFlow: StepInput & {
    plan: Plan;
    flowSpecId: string;
    ecaSpecId: string;
    sourceConnectionId: string;
    targetConnectionId: string;
    legacyStoppedAt: string;
  };
  checkVerification: { migrationId: string; flowId: string; plan: Plan };
  postHandoff: StepInput & { ticketKey: string | null; context: MigrationContext };
  withdrawTicket: StepInput & { ticketKey: string; reason: string };
  disableFlow: StepInput & { flowId: string | null; ecaSpecId: string | null };
  fileReenableTicket: StepInput & { plan: Plan; deprovisioningKey: string | null; by: string; reason: string };
  checkLegacyData: { migrationId: string; plan: Plan; since: string };
  postRollbackHandoff: StepInput & { context: MigrationContext };
}

// ---------------------------------------------------------------------------------------------- events
export interface OperatorFields {
  by: string;
  reason: string;
  at: string;
}
export type MigrationEvent =
  | { type: 'START' }
  | { type: 'WAKE' }
  | ({ type: 'SET_RESOLUTION'; resolvedAt: string; force?: boolean; ticketStatus?: TicketEvidence } & OperatorFields)
  | ({ type: 'CONFIRM'; solution: Solution; note?: string } & OperatorFields)
  | ({ type: 'RETRY' } & OperatorFields)
  | ({ type: 'SKIP'; check: string } & OperatorFields)
  | ({ type: 'CANCEL' } & OperatorFields)
  | ({ type: 'ROLLBACK'; force?: boolean; deleteConnection?: boolean } & OperatorFields);

/**
 * Whether each event type is an operator's (it carries OperatorFields: who and why). A record over every
 * MigrationEvent type whose values the compiler checks: a new event does not compile until it is listed, rightly.
 */
const IS_OPERATOR_EVENT: {
  readonly [T in MigrationEvent['type']]: Extract<MigrationEvent, { type: T }> extends OperatorFields ? true : false;
} = {
  START: false,
  WAKE: false,
  SET_RESOLUTION: true,
  CONFIRM: true,
  RETRY: true,
  SKIP: true,
  CANCEL: true,
  ROLLBACK: true,
};
export type OperatorEventType = Extract<MigrationEvent, OperatorFields>['type'];
export const OPERATOR_EVENT_TYPES = Object.keys(IS_OPERATOR_EVENT).filter(
  (t) => IS_OPERATOR_EVENT[t as MigrationEvent['type']],
) as OperatorEventType[];

/** Solutions with no API to verify against: they need a recorded manual confirmation. */
export const MANUAL_SOLUTIONS: readonly Solution[] = [
  'target',
  'advertising_cloud',
  'marketo',
  'analytics',
  'campaign',
];
