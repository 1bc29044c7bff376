// The rollback's texts and the list of requests it makes: the re-enable ticket (its own marker label, so a
// crashed run finds it instead of filing a second one), its hand-off comment, and what `cutover plan` shows a
// rollback would request. Pure templates.
import type { MigrationContext } from './machine-types.js';
import type { Plan } from './types.js';
import type { TicketText } from './ticket.js';

/** The re-enable ticket's label: not the deprovisioning ticket's marker, which a label search must not confuse. */
export function reenableLabel(marker: string): string {
  return `${marker}-reenable`;
}

export interface ReenableRequest {
  plan: Plan;
  marker: string;
  deprovisioningKey: string | null;
  by: string;
  reason: string;
}

export function reenableTemplate(r: ReenableRequest): TicketText {
  const earlier = r.deprovisioningKey ?? 'the deprovisioning ticket';
  const summary = `Re-enable legacy AEP segment sharing for org ${r.plan.orgId}`;
  const lines = [
    `Please turn the legacy Experience Platform segment sharing integration back ON for the organisation below. ` +
      `It was turned off for ${earlier} (relates to ${earlier}), but the Experience Cloud Audiences destination ` +
      'could not carry the audiences, so the migration is being rolled back.',
    '',
    `IMS org: ${r.plan.orgId}`,
    `Sandbox: ${r.plan.sandbox}`,
    `Deprovisioning ticket: ${earlier}`,
    `Audiences to share again (${r.plan.audiences.length}): ${r.plan.audiences.join(', ')}`,
    `Requested by ${r.by}: ${r.reason}`,
    '',
    'The new dataflow is already disabled, so the two pipes never feed Audience Manager at once.',
    'Please resolve this ticket when legacy sharing is on again.',
    `Tracking marker: ${reenableLabel(r.marker)}`,
  ];
  return { summary, description: lines.join('\n') };
}

export function rollbackCommentMarker(marker: string): string {
  return `${marker}:rolled-back`;
}

/** What was restored and what is left to clean up, posted on the re-enable ticket. */
export function rollbackHandoffComment(ctx: MigrationContext, deleted: string[]): string {
  const m = ctx.marks;
  const line = (label: string, name: keyof typeof m) =>
    `${label}: ${m[name] ? `${m[name].at} (${m[name].source})` : 'n/a'}`;
  const r = ctx.rollback;
  const kept = [ctx.remote.flowId ?? r?.flowId, ctx.remote.targetConnectionId, ctx.remote.sourceConnectionId]
    .filter(Boolean)
    .join(', ');
  const cleanup = deleted.length
    ? `Deleted at the operator's request: ${deleted.join(', ')}.`
    : `Kept, disabled (nothing is sent): ${kept || 'none'}. ` +
      'The card allows one connection per org: delete them before a new migration.';
  return [
    'Rolled back to legacy segment sharing.',
    `Requested by ${r?.by ?? 'n/a'}: ${r?.reason ?? 'n/a'}`,
    line('Rollback requested', 'rollback_requested'),
    line('New flow disabled', 'new_flow_disabled'),
    line('Legacy sharing restored', 'legacy_restored'),
    line('Legacy data seen again', 'legacy_data_seen'),
    cleanup,
    rollbackCommentMarker(ctx.marker),
  ].join('\n');
}

export interface RollbackRequestLine {
  step: string;
  request: string;
}

/** What a rollback of this plan's migration would request, in order (`cutover plan` prints it). */
export function rollbackRequests(plan: Plan, marker: string, deleteConnection = false): RollbackRequestLine[] {
  const lines: RollbackRequestLine[] = [
    { step: 'disable', request: `GET /flows?property=... (the flow whose description carries [${marker}])` },
    {
      step: 'disable',
      request: "POST /flows/{flowId}/action?op=disable with If-Match: the flow's etag (re-read and retried on 412)",
    },
    {
      step: 'reenable',
      request:
        `search for the label ${reenableLabel(marker)}, then POST /issue (${plan.jira.projectKey}): ` +
        `"Re-enable legacy AEP segment sharing for org ${plan.orgId}"`,
    },
    { step: 'reenable', request: 'GET /issue/{key} every ticket interval until Customer Care resolves it' },
    {
      step: 'legacy',
      request: 'GET /v1/segments/?dataSourceId={legacy data source} until every audience updates again',
    },
    { step: 'handoff', request: `POST /issue/{key}/comment (${rollbackCommentMarker(marker)})` },
  ];
  if (deleteConnection) {
    lines.push({
      step: 'cleanup',
      request: 'DELETE /flows/{flowId}, /targetConnections/{id}, /sourceConnections/{id}, /connections/{id}',
    });
  }
  return lines;
}
