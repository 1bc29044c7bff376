// Domain types shared by core, engine, adapters and CLI. Plain data only: everything here must survive
// a JSON round-trip, because it lives in persisted snapshots and support bundles.

/** Identities the Experience Cloud Audiences card names in its table (the live spec may support fewer). */
export const IDENTITIES = ['GAID', 'IDFA', 'ECID', 'phone_sha256', 'email_lc_sha256', 'extern_id'] as const;
export type IdentityName = (typeof IDENTITIES)[number];

/** Experience Cloud solutions that may need to see the audiences. Only Audience Manager has an API check. */
export const SOLUTIONS = [
  'audience_manager',
  'target',
  'advertising_cloud',
  'marketo',
  'analytics',
  'campaign',
] as const;
export type Solution = (typeof SOLUTIONS)[number];

export const SOLUTION_LABELS: Record<Solution, string> = {
  audience_manager: 'Audience Manager',
  target: 'Target',
  advertising_cloud: 'Advertising Cloud',
  marketo: 'Marketo',
  analytics: 'Analytics',
  campaign: 'Campaign',
};

export interface IdentityMapping {
  /** Source identity namespace in AEP, e.g. "Email", "ECID". */
  source: string;
  target: IdentityName;
  /** Hash plain text on activation (email and phone only). */
  applyHashing?: boolean;
}

export interface JiraPlan {
  projectKey: string;
  issueType: string;
  /** Attach an existing ticket instead of filing one. */
  existingKey?: string;
  summary?: string;
  description?: string;
  labels?: string[];
}

export interface Plan {
  orgId: string;
  sandbox: string;
  /** AEP segment (audience) ids to share through the new card. */
  audiences: string[];
  identities: IdentityMapping[];
  solutions: Solution[];
  destination: {
    name: string;
    description: string;
    accountId?: string;
    /** Name of the environment variable that holds the bearer token: the token itself is never stored. */
    tokenEnv?: string;
  };
  alerts: string[];
  jira: JiraPlan;
  /** The plan relies on Audience Manager data-management use cases (needs an AAM licence). */
  usesDataManagement: boolean;
  polling: {
    ticketIntervalMs: number;
    verifyIntervalMs: number;
    verifyTimeoutMs: number;
    /** Bounded retries of a failing step before the migration parks in needs_attention. */
    maxAttempts: number;
    retryBaseMs: number;
  };
  ticketSlaBusinessDays: number;
  /** Present only when the plan sets it; absent, business days are UTC dates. */
  sla?: SlaSettings;
  acceptedChecks: AcceptedCheck[];
}

export interface SlaSettings {
  /** IANA zone whose calendar dates the ticket's business days are counted in (e.g. "America/Los_Angeles"). */
  timeZone: string;
}

export interface AcceptedCheck {
  check: string;
  reason: string;
  by: string;
  at: string;
}

/**
 * What kind of failure an error is, in words a wait can act on: a waiting migration retries the transient
 * kinds for as long as it waits, and parks on `auth` after a few tries (see core/wait-errors.ts).
 */
export const ERROR_KINDS = [
  'auth',
  'forbidden',
  'not_found',
  'rate_limited',
  'server',
  'timeout',
  'network',
  'html',
  'malformed',
  'wrong_shape',
  'client',
  'internal',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** An error as stored data: never an Error object in a snapshot. */
export interface StoredError {
  code: string;
  message: string;
  httpStatus?: number;
  at: string;
  retryable: boolean;
  step?: string;
  /** Absent on errors stored before kinds existed: `errorKind()` derives one from code and status. */
  kind?: ErrorKind;
  /** The service that answered (jira, aep, aam, ims), when a service did. */
  service?: string;
}

export type MarkName =
  | 'ticket_filed'
  | 'legacy_stopped'
  | 'resolution_detected'
  | 'connection_established'
  | 'first_data'
  // The rollback's marks (core/rollback.ts): who asked, the new flow switched off, the re-enable ticket filed and
  // resolved (legacy sharing back on), and the legacy data source seen receiving the audiences again.
  | 'rollback_requested'
  | 'new_flow_disabled'
  | 'reenable_filed'
  | 'legacy_restored'
  | 'legacy_data_seen';

export interface Mark {
  at: string;
  source: string;
  /**
   * Set when an operator overrode the mark; the reason is journaled too. A forced override (the operator claimed
   * a stop the ticket did not show) has the source FORCED_OVERRIDE_SOURCE; its journal row has the ticket status.
   */
  override?: { by: string; reason: string };
  /** Why this source was used rather than the usual one (an implausible resolutiondate); snapshot and journal only. */
  note?: string;
}

export const FORCED_OVERRIDE_SOURCE = 'operator.forced';

export type Marks = Partial<Record<MarkName, Mark>>;

/** Every status a migration can have: `list --status`, bundle import and the report check against it. */
export const MIGRATION_STATUSES = [
  'active',
  'waiting',
  'needs_attention',
  'completed',
  'cancelled',
  'rolled_back',
] as const;
export type MigrationStatus = (typeof MIGRATION_STATUSES)[number];

export interface Actor {
  /** user@host, for the journal. */
  name: string;
}
