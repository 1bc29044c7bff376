// What skipping each check risks, so that `cutover skip` names it before an operator accepts it (and when it
// refuses a check the migration is not parked on). Pure data beside the checks themselves (preflight-checks.ts).
import type { CheckId } from './preflight-checks.js';

const RISKS: Record<CheckId | 'verification', string> = {
  'credentials.ims': 'every AEP call will fail until the IMS credentials work: the migration parks again at staging',
  'credentials.jira': 'the ticket cannot be filed or polled: the cut-over will wait on a ticket nobody can read',
  'credentials.aam': 'verification cannot see the audiences arrive in Audience Manager: it will time out',
  'access.manage_destinations': 'the destination connections cannot be created: staging fails',
  'access.activate_destinations':
    'the flow cannot be created once the legacy pipe is off: the downtime lasts until the permission is granted',
  'access.view_profiles': 'the flow may be created but not activate profiles: audiences stop flowing',
  'access.view_segments': 'the selected audiences cannot be read: the flow may be created without them',
  'licence.aam': 'the data-management use cases may not work in Audience Manager after the legacy pipe is off',
  'catalogue.eca_spec':
    'there is no Experience Cloud Audiences card to connect to: the flow cannot be created once the pipe is off',
  'destination.token':
    'the destination connection cannot authenticate: the create step refuses it, so the migration parks at staging',
  'identities.namespaces':
    'an identity source the org does not have maps nothing: the flow may carry no identities after the pipe is off',
  'destination.single_connection': 'a second connection will be refused by AEP: staging fails',
  'audiences.exist':
    'the missing audiences are left out of the new flow: they stop reaching the solutions when the pipe is off',
  'identities.supported':
    'the destination may reject the identity mapping when the flow is created, after the pipe is off',
  'audiences.limit': 'AEP refuses a flow above 250 audiences: the cut-over fails after the pipe is off',
  'jira.project': 'the ticket cannot be filed: the migration parks at filing',
  'jira.issue_type': 'the ticket cannot be filed: the migration parks at filing',
  'jira.existing_ticket': 'the ticket to watch cannot be read: the cut-over would never see the pipe stop',
  'legacy.inventory': 'legacy audiences not in the plan stop reaching the solutions when the pipe is off',
  verification: 'the hand-off is posted without proof that every solution sees the audiences',
};

/** What skipping `check` risks, or null for an id that is not a check. */
export function skipRisk(check: string): string | null {
  return (RISKS as Record<string, string>)[check] ?? null;
}
