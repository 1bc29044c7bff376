/**
 * How Jira writes things back: users (Cloud accountId vs Data Center name/key), statuses with their
 * category, issues with the `fields` selection, changelog histories, comments. Rich text is ADF on v3 and a
 * string on v2, whatever flavour the ticket was created through. Timestamps are rendered in the ticket's
 * offset (`±HHmm`, no colon).
 */
import { DEMO_CREDENTIALS, JIRA_PROJECT } from './constants.js';
import type { History, Ticket, TicketComment } from './model.js';
import { formatJiraTime, ISSUE_TYPES, plainText, RESOLUTIONS, statusById, type StatusDef } from './tickets.js';

export type JiraVersion = '2' | '3';

export interface JiraView {
  base: string;
  v: JiraVersion;
  flavor: 'cloud' | 'dc';
}

const PEOPLE = {
  caller: {
    accountId: '5b10ac8d82e05b22cc7d4ef5',
    name: 'cutover',
    key: 'JIRAUSER10100',
    displayName: 'Cutover Admin',
    email: DEMO_CREDENTIALS.jiraEmail,
  },
  agent: {
    accountId: '5b10a2844c20165700ede21g',
    name: 'cc-agent',
    key: 'JIRAUSER10200',
    displayName: 'Customer Care Agent',
    email: 'customer.care@example.com',
  },
} as const;

export function user(view: JiraView, who: 'caller' | 'agent' = 'caller'): Record<string, unknown> {
  const p = PEOPLE[who];
  if (view.flavor === 'dc') {
    return {
      self: `${view.base}/rest/api/2/user?username=${p.name}`,
      name: p.name,
      key: p.key,
      emailAddress: p.email,
      displayName: p.displayName,
      active: true,
      timeZone: 'Etc/UTC',
    };
  }
  return {
    self: `${view.base}/rest/api/${view.v}/user?accountId=${p.accountId}`,
    accountId: p.accountId,
    accountType: 'atlassian',
    emailAddress: p.email,
    displayName: p.displayName,
    active: true,
    timeZone: 'Etc/UTC',
  };
}

export function statusDetails(view: JiraView, status: StatusDef): Record<string, unknown> {
  return {
    self: `${view.base}/rest/api/${view.v}/status/${status.id}`,
    description: '',
    iconUrl: `${view.base}/images/icons/statuses/generic.png`,
    name: status.name,
    id: status.id,
    statusCategory: {
      self: `${view.base}/rest/api/${view.v}/statuscategory/${status.category.id}`,
      ...status.category,
    },
  };
}

export function isAdf(value: unknown): boolean {
  const doc = value as { type?: unknown; version?: unknown; content?: unknown } | null;
  return (
    typeof doc === 'object' && doc !== null && doc.type === 'doc' && doc.version === 1 && Array.isArray(doc.content)
  );
}

export function richText(view: JiraView, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (view.v === '2') return typeof value === 'string' ? value : plainText(value).trim();
  if (isAdf(value)) return value;
  return {
    type: 'doc',
    version: 1,
    content: [{ type: 'paragraph', content: [{ type: 'text', text: String(value) }] }],
  };
}

function allFields(view: JiraView, t: Ticket): Record<string, unknown> {
  const time = (ms: number) => formatJiraTime(ms, t.offset);
  const type = ISSUE_TYPES.find((i) => i.id === t.issueTypeId) ?? ISSUE_TYPES[0];
  const resolutionId = t.resolution ? (RESOLUTIONS[t.resolution] ?? '10000') : null;
  return {
    summary: t.summary,
    description: richText(view, t.description),
    status: statusDetails(view, statusById(t.statusId)),
    resolution: t.resolution
      ? {
          self: `${view.base}/rest/api/${view.v}/resolution/${resolutionId}`,
          id: resolutionId,
          description: 'Work has been completed on this issue.',
          name: t.resolution,
        }
      : null,
    resolutiondate: t.resolutiondate === null ? null : time(t.resolutiondate),
    created: time(t.created),
    updated: time(t.updated),
    statuscategorychangedate: time(t.statusCategoryChanged),
    labels: t.labels,
    issuetype: {
      self: `${view.base}/rest/api/${view.v}/issuetype/${type.id}`,
      id: type.id,
      name: type.name,
      description: type.description,
      subtask: false,
      hierarchyLevel: 0,
    },
    project: {
      self: `${view.base}/rest/api/${view.v}/project/${JIRA_PROJECT.id}`,
      id: JIRA_PROJECT.id,
      key: JIRA_PROJECT.key,
      name: JIRA_PROJECT.name,
      projectTypeKey: 'service_desk',
    },
    reporter: user(view),
    creator: user(view),
    priority: { self: `${view.base}/rest/api/${view.v}/priority/3`, id: '3', name: 'Medium' },
  };
}

/** `fields` as Jira reads it: comma-separated, repeatable; `*all`, `*navigable`, names, `-name` excludes. */
export function selectFields(all: Record<string, unknown>, requested: string[] | undefined): Record<string, unknown> {
  const tokens = (requested ?? [])
    .flatMap((r) => r.split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  const excluded = new Set(tokens.filter((t) => t.startsWith('-')).map((t) => t.slice(1)));
  const included = tokens.filter((t) => !t.startsWith('-'));
  const everything = included.length === 0 || included.includes('*all') || included.includes('*navigable');
  return Object.fromEntries(
    Object.entries(all).filter(([k]) => !excluded.has(k) && (everything || included.includes(k))),
  );
}

export function renderHistory(view: JiraView, t: Ticket, h: History): Record<string, unknown> {
  return { id: h.id, author: user(view, h.author), created: formatJiraTime(h.created, t.offset), items: h.items };
}

export function renderIssue(
  view: JiraView,
  t: Ticket,
  fields: string[] | undefined,
  expand: string[],
): Record<string, unknown> {
  const issue: Record<string, unknown> = {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: t.id,
    self: `${view.base}/rest/api/${view.v}/issue/${t.id}`,
    key: t.key,
    fields: selectFields(allFields(view, t), fields),
  };
  if (expand.includes('changelog')) {
    // Embedded changelog: newest first (reference §3), unlike the paginated endpoint.
    const histories = [...t.histories].reverse().map((h) => renderHistory(view, t, h));
    issue.changelog = { startAt: 0, maxResults: histories.length, total: histories.length, histories };
  }
  return issue;
}

export function renderComment(view: JiraView, t: Ticket, c: TicketComment): Record<string, unknown> {
  const created = formatJiraTime(c.created, t.offset);
  return {
    self: `${view.base}/rest/api/${view.v}/issue/${t.id}/comment/${c.id}`,
    id: c.id,
    author: user(view),
    body: richText(view, c.body),
    updateAuthor: user(view),
    created,
    updated: created,
    jsdPublic: true,
  };
}
