/**
 * JQL search. Cloud: `GET|POST /rest/api/3/search/jql` (token paging, `nextPageToken` absent on the last
 * page, `fields` default `id` only, unbounded JQL refused). The old `/rest/api/{2,3}/search` answers 410 Gone
 * on Cloud with the CHANGE-2046 message and is the search endpoint on Data Center (startAt/total, all fields).
 * The JQL understood is a small subset: clauses joined by AND on labels, project, key/issuekey, id, status,
 * statusCategory, resolution, summary/text (`~` contains), with `=`, `!=`, `in (...)`, `not in (...)`, and an
 * optional ORDER BY created/key/updated.
 */
import type { Ticket } from './model.js';
import { JIRA_PROJECT } from './constants.js';
import { statusById } from './tickets.js';

export const SEARCH_GONE_MESSAGE =
  'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. ' +
  'A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046';

type Predicate = (t: Ticket) => boolean;

export class JqlError extends Error {}

function unquote(value: string): string {
  const v = value.trim();
  return /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v;
}

function listValues(raw: string): string[] {
  const inner = raw.trim().replace(/^\(/, '').replace(/\)$/, '');
  return inner
    .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map(unquote)
    .filter((v) => v !== '');
}

function fieldValues(field: string, t: Ticket): string[] {
  const status = statusById(t.statusId);
  switch (field) {
    case 'labels':
      return t.labels;
    case 'project':
      return [JIRA_PROJECT.key, JIRA_PROJECT.id, JIRA_PROJECT.name];
    case 'key':
    case 'issuekey':
      return [t.key];
    case 'id':
      return [t.id];
    case 'status':
      return [status.name, status.id];
    case 'statuscategory':
      return [status.category.name, status.category.key, String(status.category.id)];
    case 'resolution':
      return [t.resolution ?? 'Unresolved'];
    default:
      throw new JqlError(`Field '${field}' does not exist or you do not have permission to view it.`);
  }
}

function clause(text: string): Predicate {
  const match = /^\s*([A-Za-z_]+)\s*(!=|=|~|not\s+in|in)\s*(.+?)\s*$/i.exec(text);
  if (!match) throw new JqlError(`Error in the JQL Query: Expecting operator but got '${text.trim()}'.`);
  const [, rawField = '', rawOp = '', rawValue = ''] = match;
  const field = rawField.toLowerCase();
  const op = rawOp.toLowerCase().replace(/\s+/g, ' ');
  if (op === '~') {
    if (field !== 'summary' && field !== 'text')
      throw new JqlError(`The operator '~' is not supported by the '${rawField}' field.`);
    const needle = unquote(rawValue).toLowerCase();
    return (t) =>
      `${t.summary} ${field === 'text' ? JSON.stringify(t.description) : ''}`.toLowerCase().includes(needle);
  }
  const wanted = (op.endsWith('in') ? listValues(rawValue) : [unquote(rawValue)]).map((v) => v.toLowerCase());
  const hit = (t: Ticket) => fieldValues(field, t).some((v) => wanted.includes(v.toLowerCase()));
  return op === '=' || op === 'in' ? hit : (t) => !hit(t);
}

export interface ParsedJql {
  filter: Predicate;
  sort: (a: Ticket, b: Ticket) => number;
}

export function parseJql(jql: string | undefined): ParsedJql {
  const text = (jql ?? '').trim();
  const [where = '', orderBy] = text.split(/\s*\border\s+by\b\s*/i);
  if (where.trim() === '') {
    throw new JqlError('Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
  }
  const predicates = where.split(/\s+and\s+(?=(?:[^"]*"[^"]*")*[^"]*$)/i).map(clause);
  return { filter: (t) => predicates.every((p) => p(t)), sort: sorter(orderBy) };
}

function sorter(orderBy: string | undefined): (a: Ticket, b: Ticket) => number {
  const [field = 'key', direction = 'desc'] = (orderBy ?? 'key desc').trim().split(/\s+/);
  const sign = direction.toLowerCase() === 'asc' ? 1 : -1;
  const key = (t: Ticket): number =>
    field.toLowerCase() === 'created' ? t.created : field.toLowerCase() === 'updated' ? t.updated : Number(t.id);
  return (a, b) => sign * (key(a) - key(b));
}

/**
 * Keys a `key`/`issuekey` clause names that match no ticket (deleted, moved, never existed). Jira validates
 * them strictly and refuses the whole query, one message per key, rather than leaving them out.
 */
export function unknownKeys(jql: string | undefined, exists: (key: string) => boolean): string[] {
  const out: string[] = [];
  const clauses = (jql ?? '').matchAll(/\b(?:key|issuekey)\s*(?:=|\bin\b)\s*(\([^)]*\)|"[^"]*"|'[^']*'|[^\s)]+)/gi);
  for (const [, raw = ''] of clauses) {
    const values = raw.startsWith('(') ? listValues(raw) : [unquote(raw)];
    for (const key of values) if (/^[A-Z][A-Z0-9_]*-\d+$/i.test(key) && !exists(key)) out.push(key.toUpperCase());
  }
  return out;
}

export function unknownKeyMessage(key: string): string {
  return `An issue with key '${key}' does not exist for field 'key'.`;
}

export function encodePageToken(offset: number): string {
  return Buffer.from(`jql-page:${offset}`).toString('base64url');
}

export function decodePageToken(token: string): number | undefined {
  const match = /^jql-page:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}
