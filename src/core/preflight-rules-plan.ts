// The rules of preflight about the plan against the org: its audiences, its Jira ticket and the legacy data
// source it replaces. Each turns gathered facts into verdicts naming exactly what is wrong.
import type { Plan } from './types.js';
import type { PreflightFacts, Verdict } from './preflight.js';
import { MAX_AUDIENCES_PER_FLOW } from './preflight-checks.js';
import { fail, isError, listNames, notChecked, pass, unique, warn } from './preflight-verdict.js';
import { all, count } from './words.js';

export function evaluateAudiences(plan: Plan, facts: PreflightFacts): Verdict[] {
  const planned = unique(plan.audiences);
  const limit =
    planned.length <= MAX_AUDIENCES_PER_FLOW
      ? pass('audiences.limit', `${count(planned.length, 'audience')} (limit ${MAX_AUDIENCES_PER_FLOW} per dataflow)`)
      : fail(
          'audiences.limit',
          `${planned.length} audiences: ${planned.length - MAX_AUDIENCES_PER_FLOW} over the limit of ` +
            `${MAX_AUDIENCES_PER_FLOW} per dataflow`,
        );
  const segments = facts.segments;
  if (isError(segments))
    return [notChecked('audiences.exist', `listing the segments failed: ${segments.error}`), limit];
  const ids = new Set(segments.map((s) => s.id));
  const missing = planned.filter((a) => !ids.has(a));
  const exist =
    missing.length > 0
      ? fail(
          'audiences.exist',
          `${missing.length} of ${count(planned.length, 'audience')} ${missing.length === 1 ? 'does' : 'do'} not ` +
            `exist in sandbox ${plan.sandbox}: ${listNames(missing)}`,
          missing,
        )
      : pass(
          'audiences.exist',
          `${all(planned.length, 'audience')} ${planned.length === 1 ? 'exists' : 'exist'} in sandbox ${plan.sandbox}`,
        );
  return [exist, limit];
}

function existingTicket(plan: Plan, facts: PreflightFacts): Verdict {
  const id = 'jira.existing_ticket';
  const key = plan.jira.existingKey;
  if (key === undefined) return pass(id, 'not attaching: a new ticket will be filed, labelled with the marker');
  const ticket = facts.existingTicket;
  if (ticket === undefined) return notChecked(id, `${key} was not looked up`);
  if (isError(ticket)) return notChecked(id, `looking up ${key} failed: ${ticket.error}`);
  if (ticket === null) return fail(id, `${key} does not exist or is not visible to the Jira user`, [key]);
  if (ticket.statusCategory === 'done') {
    return warn(
      id,
      `${ticket.key} is already resolved: the legacy pipe may already be off, so the downtime window is open and the ` +
        'cut-over runs right after preflight',
      [ticket.key],
    );
  }
  return pass(
    id,
    `${ticket.key} exists (status category ${ticket.statusCategory}): it will be attached instead of filing a new one`,
    [ticket.key],
  );
}

export function evaluateJira(plan: Plan, facts: PreflightFacts): Verdict[] {
  const { projectKey, issueType } = plan.jira;
  const project = facts.jiraProject;
  if (isError(project) || project === null) {
    const why =
      project === null
        ? `project ${projectKey} does not exist or the Jira user cannot see it`
        : `reading project ${projectKey} failed: ${project.error}`;
    return [
      fail('jira.project', why, [projectKey]),
      notChecked('jira.issue_type', `needs project ${projectKey}`),
      existingTicket(plan, facts),
    ];
  }
  const found = project.issueTypes.find((t) => t.toLowerCase() === issueType.toLowerCase());
  return [
    pass('jira.project', `project ${projectKey} exists`, [projectKey]),
    found !== undefined
      ? pass('jira.issue_type', `issue type "${found}" exists in ${projectKey}`, [found])
      : fail(
          'jira.issue_type',
          `issue type "${issueType}" does not exist in ${projectKey}; its issue types are: ` +
            `${project.issueTypes.join(', ') || '(none)'}`,
          [issueType],
        ),
    existingTicket(plan, facts),
  ];
}

/** Legacy vs plan: keep (in both, plan order), stop (legacy only, legacy order), add (plan only, plan order). */
export function legacyDiff(
  legacyIds: readonly string[],
  planIds: readonly string[],
): { keep: string[]; stop: string[]; add: string[] } {
  const legacy = new Set(legacyIds);
  const planned = new Set(planIds);
  return {
    keep: unique(planIds).filter((id) => legacy.has(id)),
    stop: unique(legacyIds).filter((id) => !planned.has(id)),
    add: unique(planIds).filter((id) => !legacy.has(id)),
  };
}

export function evaluateLegacy(plan: Plan, facts: PreflightFacts): Verdict[] {
  const id = 'legacy.inventory';
  const legacy = facts.legacyAudienceIds;
  if (isError(legacy))
    return [notChecked(id, `reading the legacy data source in Audience Manager failed: ${legacy.error}`)];
  if (legacy === null) {
    return [
      warn(
        id,
        'no legacy data source ("Adobe Experience Platform Audience Sharing" or "Experience Platform Segments") ' +
          'found in Audience Manager: nothing to compare the plan with',
      ),
    ];
  }
  const { keep, stop, add } = legacyDiff(legacy, plan.audiences);
  if (stop.length > 0) {
    return [
      warn(
        id,
        `the plan would stop sharing ${stop.length} of the ${count(unique(legacy).length, 'audience')} the legacy ` +
          `pipe shares today: ${listNames(stop)}`,
        stop,
      ),
    ];
  }
  return [
    pass(
      id,
      `keeps ${all(keep.length, 'audience')} the legacy pipe shares ` +
        `today${add.length > 0 ? ` and adds ${add.length}` : ''}`,
    ),
  ];
}
