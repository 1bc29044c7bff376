/**
 * Jira, both flavours, one set of routes under `/rest/api/:v` (v = 2 or 3). Cloud serves v2 and v3 and takes
 * Basic email:token; Data Center serves only v2 (a v3 path answers DC's 404 "null for uri") and takes a
 * Bearer PAT. v3 takes and returns ADF for description and comment bodies; v2 takes and returns strings.
 * The paginated changelog and /search/jql exist on Cloud only. Project CC (Customer Care) is seeded with the
 * issue types Task and Service Request.
 */
import { randomInt } from 'node:crypto';
import type { Ctx, Reply } from './http.js';
import { empty, header, isRecord, json, parseJsonBody } from './http.js';
import { JIRA_PROJECT } from './constants.js';
import type { Ticket } from './model.js';
import { ISSUE_TYPES, RESOLUTIONS, availableTransitions, moveTicket, orgIdsIn } from './tickets.js';
import { isAdf, renderComment, renderHistory, renderIssue, statusDetails, user, type JiraView } from './jira-render.js';
import {
  decodePageToken,
  encodePageToken,
  JqlError,
  parseJql,
  SEARCH_GONE_MESSAGE,
  unknownKeyMessage,
  unknownKeys,
} from './jira-search.js';
import type { World } from './world.js';

export type JiraFlavor = 'cloud' | 'dc';

export function errorCollection(status: number, messages: string[], errors: Record<string, string> = {}): Reply {
  return json(status, { errorMessages: messages, errors });
}

const issueMissing = () => errorCollection(404, ['Issue does not exist or you do not have permission to see it.']);

export function view(ctx: Ctx, flavor: JiraFlavor): JiraView {
  return { base: `http://${header(ctx, 'host') ?? '127.0.0.1'}`, v: ctx.params.v === '2' ? '2' : '3', flavor };
}

/** Version gate: DC has no v3; unknown versions do not exist anywhere. */
export function versionMissing(ctx: Ctx, flavor: JiraFlavor): Reply | undefined {
  const v = ctx.params.v;
  if (v === '2' || (v === '3' && flavor === 'cloud')) return undefined;
  return json(404, {
    message: `null for uri: http://${header(ctx, 'host') ?? '127.0.0.1'}${ctx.path}`,
    'status-code': 404,
  });
}

function fieldsParam(ctx: Ctx): string[] | undefined {
  const all = ctx.query.getAll('fields');
  return all.length > 0 ? all : undefined;
}

export function jiraHandlers(world: World, flavor: () => JiraFlavor) {
  const ticketOr404 = (ctx: Ctx, fn: (t: Ticket, v: JiraView) => Reply): Reply => {
    const ticket = world.findTicket(ctx.params.key ?? '');
    return ticket ? fn(ticket, view(ctx, flavor())) : issueMissing();
  };
  return {
    myself: (ctx: Ctx): Reply => json(200, user(view(ctx, flavor()))),
    createmeta: (ctx: Ctx): Reply => {
      const project = ctx.params.project ?? '';
      if (project.toUpperCase() !== JIRA_PROJECT.key && project !== JIRA_PROJECT.id) {
        return errorCollection(404, [`No project could be found with key '${project}'.`]);
      }
      const v = view(ctx, flavor());
      const issueTypes = ISSUE_TYPES.map((t) => ({
        self: `${v.base}/rest/api/${v.v}/issuetype/${t.id}`,
        id: t.id,
        name: t.name,
        description: t.description,
        subtask: t.subtask,
        hierarchyLevel: 0,
        iconUrl: `${v.base}/images/icons/issuetypes/task.svg`,
      }));
      return json(200, { issueTypes, maxResults: 50, startAt: 0, total: issueTypes.length });
    },
    createIssue: (ctx: Ctx): Reply => createIssue(ctx, world, view(ctx, flavor())),
    getIssue: (ctx: Ctx): Reply =>
      ticketOr404(ctx, (t, v) => {
        const expand = ctx.query.getAll('expand').flatMap((e) => e.split(','));
        return json(200, renderIssue(v, t, fieldsParam(ctx), expand));
      }),
    changelog: (ctx: Ctx): Reply => {
      if (flavor() === 'dc')
        return json(404, {
          message: `null for uri: http://${header(ctx, 'host') ?? ''}${ctx.path}`,
          'status-code': 404,
        });
      return ticketOr404(ctx, (t, v) => changelogPage(ctx, t, v));
    },
    addComment: (ctx: Ctx): Reply => ticketOr404(ctx, (t, v) => addComment(ctx, t, v)),
    listComments: (ctx: Ctx): Reply =>
      ticketOr404(ctx, (t, v) => {
        const comments = t.comments.map((c) => renderComment(v, t, c));
        return json(200, { startAt: 0, maxResults: 5000, total: comments.length, comments });
      }),
    listTransitions: (ctx: Ctx): Reply =>
      ticketOr404(ctx, (t, v) =>
        json(200, {
          transitions: availableTransitions(t).map((tr) => ({
            id: tr.id,
            name: tr.name,
            to: statusDetails(v, tr.to),
            hasScreen: false,
            isGlobal: false,
            isInitial: false,
            isAvailable: true,
            isConditional: false,
            isLooped: false,
          })),
        }),
      ),
    doTransition: (ctx: Ctx): Reply => ticketOr404(ctx, (t) => doTransition(ctx, world, t)),
    searchJql: (ctx: Ctx): Reply => {
      if (flavor() === 'dc')
        return json(404, {
          message: `null for uri: http://${header(ctx, 'host') ?? ''}${ctx.path}`,
          'status-code': 404,
        });
      return searchJql(ctx, world, view(ctx, flavor()));
    },
    searchLegacy: (ctx: Ctx): Reply => {
      if (flavor() === 'cloud') return errorCollection(410, [SEARCH_GONE_MESSAGE]);
      return searchDc(ctx, world, view(ctx, flavor()));
    },
  };
}

function validateCreate(fields: Record<string, unknown>, v: JiraView): Record<string, string> {
  const errors: Record<string, string> = {};
  const project = fields.project as { key?: unknown; id?: unknown } | undefined;
  if (!isRecord(project) || (project.key !== JIRA_PROJECT.key && project.id !== JIRA_PROJECT.id))
    errors.project = 'Specify a valid project ID or key';
  const type = fields.issuetype as { name?: unknown; id?: unknown } | undefined;
  if (!isRecord(type)) errors.issuetype = 'Specify an issue type';
  else if (!ISSUE_TYPES.some((t) => t.id === type.id || t.name === type.name))
    errors.issuetype = 'Specify a valid issue type';
  if (typeof fields.summary !== 'string' || fields.summary.trim() === '')
    errors.summary = 'You must specify a summary of the issue.';
  const description = fields.description;
  if (description !== undefined && description !== null) {
    if (v.v === '3' && !isAdf(description))
      errors.description = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
    if (v.v === '2' && typeof description !== 'string') errors.description = 'Operation value must be a string';
  }
  const labels = fields.labels;
  if (labels !== undefined && (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string' || /\s/.test(l)))) {
    errors.labels = 'Labels must be an array of strings without spaces.';
  }
  return errors;
}

/** The last ticket number issued per world: a deleted ticket's key is never issued again (empty after a reset). */
const lastNumber = new WeakMap<World, number>();

function nextTicketNumber(world: World): number {
  const n = world.tickets.length === 0 ? 1 : Math.max(world.tickets.length, lastNumber.get(world) ?? 0) + 1;
  lastNumber.set(world, n);
  return n;
}

function createIssue(ctx: Ctx, world: World, v: JiraView): Reply {
  const input = parseJsonBody(ctx);
  const fields = isRecord(input) && isRecord(input.fields) ? input.fields : undefined;
  if (!fields) return errorCollection(400, ['Issue body must contain a fields object.']);
  const errors = validateCreate(fields, v);
  if (Object.keys(errors).length > 0) return errorCollection(400, [], errors);
  const n = nextTicketNumber(world);
  const now = Date.now();
  const type = fields.issuetype as { name?: unknown; id?: unknown };
  const labels = (fields.labels as string[] | undefined) ?? [];
  const ticket: Ticket = {
    id: String(10000 + n),
    key: `${JIRA_PROJECT.key}-${n}`,
    issueTypeId: ISSUE_TYPES.find((t) => t.id === type.id || t.name === type.name)?.id ?? '10001',
    summary: String(fields.summary),
    description: fields.description ?? null,
    labels,
    orgIds: orgIdsIn(String(fields.summary), fields.description, labels),
    statusId: '10000',
    resolution: null,
    resolutiondate: null,
    created: now,
    updated: now,
    statusCategoryChanged: now,
    offset: '+0000',
    histories: [],
    comments: [],
  };
  world.addTicket(ticket);
  return json(201, { id: ticket.id, key: ticket.key, self: `${v.base}/rest/api/${v.v}/issue/${ticket.id}` });
}

function changelogPage(ctx: Ctx, t: Ticket, v: JiraView): Reply {
  const startAt = Math.max(0, Number(ctx.query.get('startAt') ?? '0') || 0);
  const maxResults = Math.min(100, Math.max(1, Number(ctx.query.get('maxResults') ?? '100') || 100));
  const values = t.histories.slice(startAt, startAt + maxResults).map((h) => renderHistory(v, t, h));
  const isLast = startAt + maxResults >= t.histories.length;
  const self = `${v.base}/rest/api/${v.v}/issue/${t.key}/changelog?maxResults=${maxResults}&startAt=${startAt}`;
  const nextPage = isLast
    ? {}
    : {
        nextPage:
          `${v.base}/rest/api/${v.v}/issue/${t.key}/changelog` +
          `?maxResults=${maxResults}&startAt=${startAt + maxResults}`,
      };
  return json(200, { self, ...nextPage, maxResults, startAt, total: t.histories.length, isLast, values });
}

function addComment(ctx: Ctx, t: Ticket, v: JiraView): Reply {
  const input = parseJsonBody(ctx);
  const body = isRecord(input) ? input.body : undefined;
  if (v.v === '3' && !isAdf(body)) return errorCollection(400, [], { comment: 'Comment body is not valid!' });
  if (v.v === '2' && (typeof body !== 'string' || body.trim() === ''))
    return errorCollection(400, [], { comment: 'Comment body can not be empty!' });
  const comment = { id: String(10000 + randomInt(0, 899_999)), body, created: Date.now() };
  t.comments.push(comment);
  t.updated = comment.created;
  return json(201, renderComment(v, t, comment));
}

function doTransition(ctx: Ctx, world: World, t: Ticket): Reply {
  const input = parseJsonBody(ctx);
  const transition = isRecord(input) && isRecord(input.transition) ? input.transition : undefined;
  if (!transition || (transition.id === undefined && transition.name === undefined))
    return errorCollection(400, ["Missing 'transition' identifier"]);
  const chosen = availableTransitions(t).find((tr) => tr.id === String(transition.id) || tr.name === transition.name);
  if (!chosen) return errorCollection(400, [`Transition id '${String(transition.id)}' is not valid for this issue.`]);
  const fields = isRecord(input) && isRecord(input.fields) ? input.fields : {};
  const resolution =
    isRecord(fields.resolution) && typeof fields.resolution.name === 'string' ? fields.resolution.name : 'Done';
  if (!(resolution in RESOLUTIONS))
    return errorCollection(400, [], { resolution: `Resolution '${resolution}' is not valid.` });
  const enteredDone = moveTicket(t, chosen.to, Date.now(), resolution, 'caller');
  world.afterTransition(t, enteredDone);
  return empty(204);
}

function searchInput(ctx: Ctx): Record<string, unknown> {
  if (ctx.method === 'POST') {
    const body = parseJsonBody(ctx);
    return isRecord(body) ? body : {};
  }
  const fields = ctx.query.getAll('fields');
  return {
    jql: ctx.query.get('jql') ?? undefined,
    nextPageToken: ctx.query.get('nextPageToken') ?? undefined,
    startAt: ctx.query.get('startAt') ?? undefined,
    maxResults: ctx.query.get('maxResults') ?? undefined,
    fields: fields.length > 0 ? fields : undefined,
    expand: ctx.query.get('expand') ?? undefined,
  };
}

function runQuery(world: World, input: Record<string, unknown>): Ticket[] | Reply {
  try {
    const jql = typeof input.jql === 'string' ? input.jql : undefined;
    const { filter, sort } = parseJql(jql);
    const unknown = unknownKeys(jql, (key) => world.findTicket(key) !== undefined);
    if (unknown.length > 0) return errorCollection(400, unknown.map(unknownKeyMessage));
    return world.tickets.filter(filter).sort(sort);
  } catch (error) {
    if (error instanceof JqlError) return errorCollection(400, [error.message]);
    throw error;
  }
}

function asList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

function searchJql(ctx: Ctx, world: World, v: JiraView): Reply {
  const input = searchInput(ctx);
  const found = runQuery(world, input);
  if (!Array.isArray(found)) return found;
  const maxResults = Math.min(5000, Math.max(1, Number(input.maxResults ?? 50) || 50));
  const offset = typeof input.nextPageToken === 'string' ? decodePageToken(input.nextPageToken) : 0;
  if (offset === undefined) return errorCollection(400, ['The provided next page token is invalid or expired.']);
  const page = found.slice(offset, offset + maxResults);
  const fields = asList(input.fields);
  const expand = asList(input.expand)?.flatMap((e) => e.split(',')) ?? [];
  const onlyIds = fields === undefined || (fields.length === 1 && fields[0] === 'id');
  const issues = page.map((t) => (onlyIds && expand.length === 0 ? { id: t.id } : renderIssue(v, t, fields, expand)));
  const isLast = offset + maxResults >= found.length;
  return json(200, { issues, ...(isLast ? {} : { nextPageToken: encodePageToken(offset + maxResults) }), isLast });
}

function searchDc(ctx: Ctx, world: World, v: JiraView): Reply {
  const input = searchInput(ctx);
  const found = runQuery(world, input);
  if (!Array.isArray(found)) return found;
  const startAt = Math.max(0, Number(input.startAt ?? 0) || 0);
  const maxResults = Math.min(1000, Math.max(1, Number(input.maxResults ?? 50) || 50));
  const expand = asList(input.expand)?.flatMap((e) => e.split(',')) ?? [];
  const issues = found.slice(startAt, startAt + maxResults).map((t) => renderIssue(v, t, asList(input.fields), expand));
  return json(200, { expand: 'schema,names', startAt, maxResults, total: found.length, issues });
}
