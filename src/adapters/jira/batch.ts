// Batched status reads for the fleet (`watch`): the status of many tickets of one Jira site in a few searches,
// `key in (...)` with at most 100 keys a request and only the fields that tell "done yet?". The answers that are
// not done are left on the site's board for the ticket polls that follow (`takeKnown`), so such a poll costs no
// request; a done ticket, or one the search did not return (deleted, moved, not visible), is read in full by
// its own GET, as a single poll would.
import type { TicketPrefetch, TicketStatus } from '../../ports.js';
import { ServiceError } from '../../errors.js';
import { optionalJiraTimestamp } from './time.js';

export const BATCH_FIELDS = ['status', 'resolution', 'resolutiondate', 'updated'];
export const KEYS_PER_SEARCH = 100;

export interface StatusIssue {
  key: string;
  fields?: {
    status?: { name?: string; statusCategory?: { key?: string } };
    resolutiondate?: string | null;
  };
}

/** One search for a page of keys; returns its issues and how many requests it took. */
export type SearchKeys = (jql: string, limit: number) => Promise<{ issues: StatusIssue[]; requests: number }>;

export interface BatchResult {
  statuses: Map<string, TicketStatus>;
  /** Keys the site did not return: each is read by its own GET. */
  missing: string[];
  requests: number;
}

/** JQL for a set of keys; keys are validated upstream (PROJECT-123), quoted all the same. */
export function keysJql(keys: string[]): string {
  return `key in (${keys.map((k) => `"${k.replace(/["\\]/g, '\\$&')}"`).join(', ')})`;
}

/** Keys a 400 says do not exist (Jira refuses the whole query for one deleted key unless told otherwise). */
export function unknownKeysIn(error: unknown): string[] {
  if (!(error instanceof ServiceError) || error.status !== 400) return [];
  const found = [
    ...error.vendorMessage.matchAll(/An issue with key '([^']+)' does not exist/g),
    ...error.vendorMessage.matchAll(/The issue key '([^']+)' for field '(?:key|issuekey)' is invalid/gi),
  ];
  return found.map((m) => m[1]!.toUpperCase());
}

/**
 * Reads the keys page by page; `onPage` hears each page as it is answered (its keys and what it found), so that
 * a done ticket on the first page is acted on without waiting for the last.
 */
export async function readStatuses(
  keys: string[],
  search: SearchKeys,
  clock: () => number,
  onPage: (keys: string[], page: BatchResult) => void = () => {},
): Promise<BatchResult> {
  const out: BatchResult = { statuses: new Map(), missing: [], requests: 0 };
  const wanted = [...new Set(keys.map((k) => k.toUpperCase()))];
  for (let i = 0; i < wanted.length; i += KEYS_PER_SEARCH) {
    const pageKeys = wanted.slice(i, i + KEYS_PER_SEARCH);
    const page: BatchResult = { statuses: new Map(), missing: [], requests: 0 };
    await readPage(pageKeys, search, clock, page);
    for (const [key, status] of page.statuses) out.statuses.set(key, status);
    out.missing.push(...page.missing);
    out.requests += page.requests;
    onPage(pageKeys, page);
  }
  return out;
}

async function readPage(page: string[], search: SearchKeys, clock: () => number, out: BatchResult): Promise<void> {
  let keys = page;
  // Each refused attempt names keys to drop, so this ends: at most one retry per unknown key, usually one in all.
  for (let attempt = 0; keys.length > 0 && attempt <= page.length; attempt++) {
    const sentAt = clock();
    try {
      const answer = await search(keysJql(keys), keys.length);
      out.requests += answer.requests;
      record(keys, answer.issues, sentAt, clock(), out);
      return;
    } catch (error) {
      const unknown = unknownKeysIn(error);
      if (unknown.length === 0) throw error;
      out.requests++;
      out.missing.push(...keys.filter((k) => unknown.includes(k)));
      keys = keys.filter((k) => !unknown.includes(k));
    }
  }
}

function record(keys: string[], issues: StatusIssue[], sentAt: number, observedAt: number, out: BatchResult): void {
  const byKey = new Map(issues.map((issue) => [String(issue.key).toUpperCase(), issue]));
  for (const key of keys) {
    const status = toStatus(byKey.get(key), sentAt, observedAt);
    if (status) out.statuses.set(key, status);
    else out.missing.push(key);
  }
}

/** An answer without a readable status says nothing: the ticket is read by its own GET instead. */
function toStatus(issue: StatusIssue | undefined, sentAt: number, observedAt: number): TicketStatus | null {
  const status = issue?.fields?.status;
  if (!issue || typeof status?.name !== 'string' || typeof status.statusCategory?.key !== 'string') return null;
  let resolutionDate: string | null;
  try {
    resolutionDate = optionalJiraTimestamp(issue.fields?.resolutiondate);
  } catch {
    resolutionDate = null;
  }
  return {
    key: issue.key,
    statusName: status.name,
    statusCategory: status.statusCategory.key,
    resolved: status.statusCategory.key === 'done',
    resolutionDate,
    sentAt,
    observedAt,
  };
}

/** A batch read as the port reports it: the done tickets earliest resolved first. */
export function prefetchOf(read: BatchResult): TicketPrefetch {
  const done = [...read.statuses.values()]
    .filter((s) => s.resolved)
    .map((s) => ({ key: s.key, resolvedAt: s.resolutionDate === null ? null : Date.parse(s.resolutionDate) }))
    .sort((a, b) => (a.resolvedAt ?? Infinity) - (b.resolvedAt ?? Infinity));
  return { found: read.statuses.size, done, missing: read.missing, requests: read.requests };
}

interface Posted {
  status: TicketStatus;
  validUntil: number;
}

/**
 * What the last batch read of a site said about its tickets, until the polls that follow take it: a ticket not
 * done needs no read of its own; a done one is read in full, and its detection is the batch's answer. One board
 * per site in this process, shared by every org's tracker of that site.
 */
export class StatusBoard {
  private readonly posted = new Map<string, Posted>();

  post(statuses: Iterable<TicketStatus>, validUntil: number): void {
    for (const status of statuses) this.posted.set(status.key.toUpperCase(), { status, validUntil });
  }

  /** The posted status of `key`, once: a second poll (a webhook's re-check) reads Jira again. */
  take(key: string, now: number): TicketStatus | null {
    const wanted = key.toUpperCase();
    const posted = this.posted.get(wanted);
    this.posted.delete(wanted);
    return posted && now <= posted.validUntil ? posted.status : null;
  }
}

const boards = new Map<string, StatusBoard>();

export function statusBoard(site: string): StatusBoard {
  const key = site.replace(/\/+$/, '').toLowerCase();
  let board = boards.get(key);
  if (!board) {
    board = new StatusBoard();
    boards.set(key, board);
  }
  return board;
}
