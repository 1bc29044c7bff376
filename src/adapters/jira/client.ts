// Jira, both flavours behind the TicketTracker port:
//   Cloud       /rest/api/3, Basic email:token, ADF descriptions and comments, /search/jql with nextPageToken,
//               the paginated /issue/{key}/changelog when the embedded one is capped.
//   Data Center /rest/api/2, Bearer personal access token, plain-string bodies, /search with startAt, and only
//               the embedded changelog (DC has no /changelog endpoint).
import type {
  NewTicket,
  TicketPrefetch,
  TicketPrefetchPage,
  TicketRef,
  TicketState,
  TicketStatus,
  TicketTracker,
} from '../../ports.js';
import type { HttpClient, HttpRequest } from '../http/client.js';
import { adfToText, textToAdf } from './adf.js';
import { BATCH_FIELDS, prefetchOf, readStatuses, statusBoard, type StatusBoard, type StatusIssue } from './batch.js';
import { latestDoneTransition, type ChangeHistory } from './changelog.js';
import { jiraTimestampToUtc, optionalJiraTimestamp } from './time.js';

export type JiraFlavor = 'cloud' | 'dc';

/** Upper bound on pages read from any paginated Jira list: a loop guard, not a business limit. */
const MAX_PAGES = 50;

interface IssueFields {
  created?: string;
  status?: { id?: string; name?: string; statusCategory?: { key?: string } };
  resolution?: { name?: string } | null;
  resolutiondate?: string | null;
}
interface Issue {
  id: string;
  key: string;
  fields?: IssueFields;
  changelog?: { startAt?: number; maxResults?: number; total?: number; histories?: ChangeHistory[] };
}
interface Transition {
  id: string;
  name: string;
  to?: { name?: string; statusCategory?: { key?: string } };
}

export class JiraTracker implements TicketTracker {
  private readonly api: string;
  readonly site: string;
  private readonly board: StatusBoard;

  constructor(
    private readonly http: HttpClient,
    readonly flavor: JiraFlavor,
    private readonly now: () => number = Date.now,
  ) {
    this.api = flavor === 'cloud' ? '/rest/api/3' : '/rest/api/2';
    this.site = http.baseUrl;
    this.board = statusBoard(this.site);
  }

  async prefetch(
    keys: string[],
    validUntil: number,
    onPage?: (page: TicketPrefetchPage) => void,
  ): Promise<TicketPrefetch> {
    const search = async (jql: string, limit: number) => {
      let requests = 0;
      const issues = await this.search(jql, BATCH_FIELDS, limit, () => requests++);
      return { issues: issues as StatusIssue[], requests };
    };
    // Each page's statuses are posted as it is answered, before the caller hears of it: its polls may run at once.
    const read = await readStatuses(keys, search, this.now, (pageKeys, page) => {
      this.board.post(page.statuses.values(), validUntil);
      onPage?.({ keys: pageKeys, ...prefetchOf(page) });
    });
    return prefetchOf(read);
  }

  takeKnownStatus(key: string, now: number): TicketStatus | null {
    return this.board.take(key, now);
  }

  /**
   * The caller, as Jira names them. An answer without a Jira user's identity (accountId on Cloud, name or key on
   * Data Center) is not taken for a login: a proxy, a portal or another service can answer 200 with JSON too.
   */
  async whoAmI(): Promise<{ displayName: string; accountId?: string }> {
    const req = this.getReq('/myself');
    const me = await this.http.json<JiraUser | null>(req);
    const user = me !== null && typeof me === 'object' && !Array.isArray(me) ? me : {};
    const id = this.flavor === 'cloud' ? text(user.accountId) : (text(user.name) ?? text(user.key));
    if (!id) throw this.http.error(req, 200, 'NOT_JIRA', notAJiraUser(this.flavor, user), false);
    return { displayName: text(user.displayName) ?? id, ...(this.flavor === 'cloud' ? { accountId: id } : {}) };
  }

  async issueTypes(projectKey: string): Promise<{ id: string; name: string }[]> {
    const out: { id: string; name: string }[] = [];
    let startAt = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const path = `/issue/createmeta/${encodeURIComponent(projectKey)}/issuetypes`;
      // Cloud names the list `issueTypes`; Data Center (8.4+) pages it as `values`.
      const body = await this.http.json<{
        issueTypes?: RawType[];
        values?: RawType[];
        total?: number;
        isLast?: boolean;
      }>(this.getReq(path, { startAt, maxResults: 200 }));
      const types = body.issueTypes ?? body.values ?? [];
      out.push(...types.map((t) => ({ id: String(t.id), name: String(t.name) })));
      startAt += types.length;
      if (types.length === 0 || body.isLast === true || body.total === undefined || startAt >= body.total) break;
    }
    return out;
  }

  async findByLabel(label: string): Promise<TicketRef | null> {
    const jql = `labels = "${label.replace(/["\\]/g, '\\$&')}" ORDER BY created ASC`;
    const [oldest] = await this.search(jql, ['created'], 1);
    return oldest ? toRef(oldest) : null;
  }

  async create(ticket: NewTicket): Promise<TicketRef> {
    const fields = {
      project: { key: ticket.projectKey },
      issuetype: { name: ticket.issueType },
      summary: ticket.summary,
      description: this.richText(ticket.description),
      labels: ticket.labels,
    };
    const created = await this.http.json<{ id: string; key: string }>({
      method: 'POST',
      path: `${this.api}/issue`,
      json: { fields },
    });
    // The create answer has no `created`; read it back (a GET, safe to retry) for the ticket_filed mark.
    const issue = await this.readIssue(created.key, { fields: 'created' });
    return toRef({ ...issue, id: String(created.id), key: created.key });
  }

  async get(key: string): Promise<TicketState> {
    const fields = 'status,resolution,resolutiondate,created';
    const issue = await this.readIssue(key, { fields, expand: 'changelog' });
    const f = issue.fields ?? {};
    // Without a status the answer cannot say whether the ticket is done: an error, never "still open".
    if (typeof f.status?.name !== 'string' || typeof f.status.statusCategory?.key !== 'string') {
      const req = this.getReq(`/issue/${encodeURIComponent(key)}`);
      const message = `unexpected response: issue ${key} has no status`;
      throw this.http.error(req, 200, undefined, message, false, 'wrong_shape');
    }
    const statusCategory = f.status?.statusCategory?.key ?? 'undefined';
    const doneIds = new Set<string>(statusCategory === 'done' && f.status?.id ? [String(f.status.id)] : []);
    const histories = await this.histories(issue);
    return {
      ...toRef(issue),
      statusName: f.status?.name ?? '',
      statusCategory,
      resolved: statusCategory === 'done',
      resolutionName: f.resolution?.name ?? null,
      resolutionDate: optionalJiraTimestamp(f.resolutiondate),
      doneTransitionAt: latestDoneTransition(histories, doneIds),
    };
  }

  /**
   * GET an issue. Its `created` is the ticket_filed mark: an answer without a readable one is refused here,
   * naming Jira.
   */
  private async readIssue(key: string, query: Record<string, string>): Promise<Issue> {
    const req = this.getReq(`/issue/${encodeURIComponent(key)}`, query);
    const issue = await this.http.json<Issue>(req);
    const created = issue.fields?.created;
    if (typeof created !== 'string' || !readable(created)) {
      const found = JSON.stringify(created) ?? 'nothing';
      const message = `unexpected response: issue ${key} has no readable created timestamp (found ${found})`;
      throw this.http.error(req, 200, undefined, message, false, 'wrong_shape');
    }
    return issue;
  }

  async hasComment(key: string, marker: string): Promise<boolean> {
    let startAt = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const path = `/issue/${encodeURIComponent(key)}/comment`;
      const body = await this.http.json<{ comments?: { body?: unknown }[]; total?: number }>(
        this.getReq(path, { startAt, maxResults: 100 }),
      );
      const comments = body.comments ?? [];
      if (comments.some((c) => adfToText(c.body).includes(marker))) return true;
      startAt += comments.length;
      if (comments.length === 0 || body.total === undefined || startAt >= body.total) return false;
    }
    return false;
  }

  async comment(key: string, text: string): Promise<void> {
    const path = `${this.api}/issue/${encodeURIComponent(key)}/comment`;
    await this.http.request({ method: 'POST', path, json: { body: this.richText(text) } });
  }

  /** Transitions available from the issue's current status (for closing or cancelling a ticket ourselves). */
  async transitions(key: string): Promise<{ id: string; name: string; toStatusCategory: string | null }[]> {
    const body = await this.http.json<{ transitions?: Transition[] }>(
      this.getReq(`/issue/${encodeURIComponent(key)}/transitions`),
    );
    return (body.transitions ?? []).map((t) => ({
      id: String(t.id),
      name: t.name,
      toStatusCategory: t.to?.statusCategory?.key ?? null,
    }));
  }

  async transition(key: string, transitionId: string, comment?: string): Promise<void> {
    const json: Record<string, unknown> = { transition: { id: transitionId } };
    if (comment) json.update = { comment: [{ add: { body: this.richText(comment) } }] };
    await this.http.request({ method: 'POST', path: `${this.api}/issue/${encodeURIComponent(key)}/transitions`, json });
  }

  /** Issues matching a JQL query, oldest pages first, stopping once `limit` are read. */
  async search(jql: string, fields: string[], limit: number, onRequest: () => void = () => {}): Promise<Issue[]> {
    return this.flavor === 'cloud'
      ? this.searchCloud(jql, fields, limit, onRequest)
      : this.searchDc(jql, fields, limit, onRequest);
  }

  private async searchCloud(jql: string, fields: string[], limit: number, onRequest: () => void): Promise<Issue[]> {
    const out: Issue[] = [];
    const seen = new Set<string>();
    let nextPageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES && out.length < limit; page++) {
      const query = { jql, fields: fields.join(','), maxResults: Math.min(100, limit), nextPageToken };
      onRequest();
      const body = await this.http.json<{ issues?: Issue[]; nextPageToken?: string }>(
        this.getReq('/search/jql', query),
      );
      out.push(...(body.issues ?? []));
      // Stop on a missing token, not on isLast (reported unreliable), and on a repeated token (JRACLOUD-95477).
      if (!body.nextPageToken || seen.has(body.nextPageToken) || (body.issues ?? []).length === 0) break;
      seen.add(body.nextPageToken);
      nextPageToken = body.nextPageToken;
    }
    return out.slice(0, limit);
  }

  private async searchDc(jql: string, fields: string[], limit: number, onRequest: () => void): Promise<Issue[]> {
    const out: Issue[] = [];
    let startAt = 0;
    for (let page = 0; page < MAX_PAGES && out.length < limit; page++) {
      const query = { jql, fields: fields.join(','), startAt, maxResults: Math.min(100, limit) };
      onRequest();
      const body = await this.http.json<{ issues?: Issue[]; total?: number }>(this.getReq('/search', query));
      const issues = body.issues ?? [];
      out.push(...issues);
      startAt += issues.length;
      if (issues.length === 0 || body.total === undefined || startAt >= body.total) break;
    }
    return out.slice(0, limit);
  }

  /** The whole changelog: the embedded one, or on Cloud the paginated endpoint when the embedded one is capped. */
  private async histories(issue: Issue): Promise<ChangeHistory[]> {
    const embedded = issue.changelog?.histories ?? [];
    const total = issue.changelog?.total ?? embedded.length;
    if (this.flavor !== 'cloud' || total <= embedded.length) return embedded;
    const out: ChangeHistory[] = [];
    let startAt = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const path = `/issue/${encodeURIComponent(issue.key)}/changelog`;
      const body = await this.http.json<{ values?: ChangeHistory[]; total?: number; isLast?: boolean }>(
        this.getReq(path, { startAt, maxResults: 100 }),
      );
      const values = body.values ?? [];
      out.push(...values);
      startAt += values.length;
      if (values.length === 0 || body.isLast === true || (body.total !== undefined && startAt >= body.total)) break;
    }
    return out;
  }

  private richText(text: string): unknown {
    return this.flavor === 'cloud' ? textToAdf(text) : text;
  }

  private getReq(path: string, query?: HttpRequest['query']): HttpRequest {
    return { method: 'GET', path: `${this.api}${path}`, query };
  }
}

interface JiraUser {
  accountId?: unknown;
  name?: unknown;
  key?: unknown;
  displayName?: unknown;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function notAJiraUser(flavor: JiraFlavor, user: JiraUser): string {
  const wanted = flavor === 'cloud' ? 'an accountId' : 'a name or key';
  const keys = Object.keys(user).slice(0, 5);
  const found = keys.length > 0 ? `only ${keys.join(', ')}` : 'no user fields';
  const otherFlavor =
    flavor === 'cloud' && (text(user.name) ?? text(user.key))
      ? ' (it looks like Jira Data Center: CUTOVER_JIRA_FLAVOR=dc)'
      : flavor === 'dc' && text(user.accountId)
        ? ' (it looks like Jira Cloud: CUTOVER_JIRA_FLAVOR=cloud)'
        : '';
  const verdict = `the answer is not a Jira user (expected ${wanted}, found ${found})`;
  return `${verdict}: this server does not look like Jira${otherFlavor}`;
}

interface RawType {
  id: string | number;
  name: string;
}

function readable(timestamp: string): boolean {
  try {
    jiraTimestampToUtc(timestamp);
    return true;
  } catch {
    return false;
  }
}

function toRef(issue: Issue): TicketRef {
  const created = issue.fields?.created;
  return { key: issue.key, id: String(issue.id), createdAt: created ? jiraTimestampToUtc(created) : '' };
}
