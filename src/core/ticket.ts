// The deprovisioning ticket and the texts posted on it: pure templates, previewed by `cutover plan`.
import type { Marks, Plan } from './types.js';

export interface TicketText {
  summary: string;
  description: string;
}

export function ticketTemplate(plan: Plan, marker: string): TicketText {
  const summary = plan.jira.summary ?? `Deprovision legacy AEP segment sharing for org ${plan.orgId}`;
  const lines = [
    plan.jira.description ??
      'Please disable the legacy Experience Platform segment sharing integration (Audience Manager and the other ' +
        'Experience Cloud solutions) for the organisation below. It is being replaced by the Experience Cloud ' +
        'Audiences destination card.',
    '',
    `IMS org: ${plan.orgId}`,
    `Sandbox: ${plan.sandbox}`,
    `Audiences that will move to the new card (${plan.audiences.length}): ${plan.audiences.join(', ')}`,
    '',
    'The new dataflow is created the moment this ticket is resolved; please resolve it only when legacy sharing is ' +
      'off.',
    `Tracking marker: ${marker}`,
  ];
  return { summary, description: lines.join('\n') };
}

const MARK_LINES: [keyof Marks, string][] = [
  ['ticket_filed', 'Ticket filed'],
  ['legacy_stopped', 'Legacy sharing stopped'],
  ['resolution_detected', 'Resolution detected'],
  ['connection_established', 'New connection established'],
  ['first_data', 'First data seen'],
];

/** The hand-off comment: the timeline as recorded, so the ticket carries its own downtime record. */
export function handoffComment(marks: Marks, marker: string, extra: string[]): string {
  const timeline = MARK_LINES.map(([name, label]) => {
    const mark = marks[name];
    return (
      `${label}: ` +
      `${mark ? `${mark.at} (${mark.source}${mark.override ? `, override by ${mark.override.by}` : ''})` : 'n/a'}`
    );
  });
  return [
    'Migration to the Experience Cloud Audiences destination completed.',
    ...timeline,
    ...extra,
    'Reminder: Audience Manager permissions must be set again for the new data source (AEP permissions do not carry ' +
      'over).',
    `${marker}:handoff`,
  ].join('\n');
}

export function withdrawComment(marker: string, reason: string): string {
  return [
    'WITHDRAWN: please do NOT disable legacy segment sharing for this organisation.',
    `The migration was cancelled (${reason}).`,
    `${marker}:withdrawn`,
  ].join('\n');
}
