// The preflight checks as data (DESIGN §2 step 2). Renderers list them; evaluatePreflight (preflight.ts)
// produces one result per entry, in this order.

export const CHECK_IDS = [
  'credentials.ims',
  'credentials.jira',
  'credentials.aam',
  'access.manage_destinations',
  'access.activate_destinations',
  'access.view_profiles',
  'access.view_segments',
  'licence.aam',
  'catalogue.eca_spec',
  'destination.single_connection',
  'destination.token',
  'audiences.exist',
  'identities.namespaces',
  'identities.supported',
  'audiences.limit',
  'jira.project',
  'jira.issue_type',
  'jira.existing_ticket',
  'legacy.inventory',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** The destination guardrail: audiences per dataflow. */
export const MAX_AUDIENCES_PER_FLOW = 250;

export interface CheckDef {
  id: CheckId;
  severity: 'error' | 'warning';
  title: string;
  fix: string;
}

/** The AEP access-control permissions the documentation requires, keyed by their check id. */
export const REQUIRED_PERMISSIONS = {
  'access.manage_destinations': 'Manage Destinations',
  'access.activate_destinations': 'Activate Destinations',
  'access.view_profiles': 'View Profiles',
  'access.view_segments': 'View Segments',
} as const satisfies Partial<Record<CheckId, string>>;

const access = (id: keyof typeof REQUIRED_PERMISSIONS): CheckDef => ({
  id,
  severity: 'error',
  title: `AEP permission "${REQUIRED_PERMISSIONS[id]}"`,
  fix:
    `Ask your Experience Platform product administrator to add the "${REQUIRED_PERMISSIONS[id]}" permission to a ` +
    `role of the technical account (Admin Console > Experience Platform > Permissions), in the plan's sandbox.`,
});

export const CHECKS: readonly CheckDef[] = [
  {
    id: 'credentials.ims',
    severity: 'error',
    title: 'Adobe IMS credentials',
    fix:
      'Check the IMS client id, client secret and org id in the environment or the credentials file (`cutover ' +
      "doctor` shows which are set); the technical account must belong to the plan's org.",
  },
  {
    id: 'credentials.jira',
    severity: 'error',
    title: 'Jira credentials',
    fix:
      'Check the Jira base URL, user and API token (Cloud) or personal access token (Data Center); `cutover ' +
      'doctor` calls /myself.',
  },
  {
    id: 'credentials.aam',
    severity: 'error',
    title: 'Audience Manager API access',
    fix:
      'Check the Audience Manager API credentials; the account needs read access to data sources, traits and ' +
      'segments.',
  },
  access('access.manage_destinations'),
  access('access.activate_destinations'),
  access('access.view_profiles'),
  access('access.view_segments'),
  {
    id: 'licence.aam',
    severity: 'warning',
    title: 'Audience Manager licence',
    fix:
      "Confirm the org's Audience Manager licence with your Adobe account team, or drop the data-management use " +
      'cases (usesDataManagement: false, no "analytics" solution); accept this warning with a reason if you know ' +
      'the answer.',
  },
  {
    id: 'catalogue.eca_spec',
    severity: 'error',
    title: 'Experience Cloud Audiences in the catalogue',
    fix:
      'The org must be provisioned for the Experience Cloud Audiences destination (Real-Time CDP Prime or ' +
      'Ultimate); ask Adobe Customer Care to enable the card for this org and sandbox.',
  },
  {
    id: 'destination.single_connection',
    severity: 'error',
    title: 'Only one Experience Cloud Audiences connection',
    fix:
      'Only one Experience Cloud Audiences connection is allowed per org (across sandboxes): delete the existing ' +
      "one in Destinations > Browse, or add this migration's marker to its description to adopt it.",
  },
  {
    id: 'destination.token',
    severity: 'error',
    title: 'Destination bearer token variable set',
    fix:
      'Export the variable the plan names in destination.tokenEnv (--token-env) in the shell that runs cutover, ' +
      'e.g. `export NAME=...` (the token is read from it and never stored), or remove destination.tokenEnv when ' +
      'the destination needs no token.',
  },
  {
    id: 'audiences.exist',
    severity: 'error',
    title: 'Selected audiences exist',
    fix: "Remove the missing audience ids from the plan, or check that the plan's sandbox is the one they live in.",
  },
  {
    id: 'identities.namespaces',
    severity: 'error',
    title: 'Source identities are namespaces of the org',
    fix:
      'Set each identities[].source to the code of an active identity namespace of the org (Identity Service; ' +
      'Identities > Browse in Experience Platform), spelled as its code, e.g. ECID, Email, Phone. If the list ' +
      'cannot be read, the technical account needs the "View Identity Namespaces" permission.',
  },
  {
    id: 'identities.supported',
    severity: 'error',
    title: 'Mapped identities supported by the destination',
    fix:
      'Map only target identities the live destination declares (the documented set is ECID, GAID, IDFA, ' +
      'email_lc_sha256).',
  },
  {
    id: 'audiences.limit',
    severity: 'error',
    title: 'At most 250 audiences per dataflow',
    fix: 'Narrow the plan to at most 250 audiences (the destination guardrail per dataflow).',
  },
  {
    id: 'jira.project',
    severity: 'error',
    title: 'Jira project',
    fix:
      'Fix jira.projectKey in the plan, or ask a Jira administrator to let the Jira user create issues in that ' +
      'project.',
  },
  {
    id: 'jira.issue_type',
    severity: 'error',
    title: 'Jira issue type',
    fix: "Set jira.issueType to one of the project's issue types.",
  },
  {
    id: 'jira.existing_ticket',
    severity: 'error',
    title: 'Existing deprovisioning ticket',
    fix: 'Fix jira.existingKey, or remove it to let cutover file the ticket.',
  },
  {
    id: 'legacy.inventory',
    severity: 'warning',
    title: 'Legacy sharing inventory',
    fix:
      "Add the legacy audiences you still need to the plan's audiences, or accept the warning with a reason if " +
      'stopping them is intended.',
  },
];
