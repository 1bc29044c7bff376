/**
 * The Customer Care project's workflow: To Do → In Progress → Done, and Done → To Do (reopen). Category keys,
 * ids and colours are the ones seen on real sites (reference/jira-api.md §3): new/2/blue-gray,
 * indeterminate/4/yellow, done/3/green. Moving to Done sets resolution and resolutiondate and records one
 * changelog history holding both the status and the resolution items, as Jira does.
 */
import { ORG_ID_PATTERN } from './constants.js';
import type { ChangeItem, Ticket } from './model.js';

export interface StatusDef {
  id: string;
  name: string;
  category: { id: number; key: 'new' | 'indeterminate' | 'done'; colorName: string; name: string };
}

const TODO: StatusDef = {
  id: '10000',
  name: 'To Do',
  category: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
};
const PROGRESS: StatusDef = {
  id: '3',
  name: 'In Progress',
  category: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
};
const DONE: StatusDef = {
  id: '10001',
  name: 'Done',
  category: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
};

export const STATUSES = { todo: TODO, progress: PROGRESS, done: DONE } as const;

export interface TransitionDef {
  id: string;
  name: string;
  to: StatusDef;
  from: string[];
}

export const TRANSITIONS: TransitionDef[] = [
  { id: '11', name: 'Start Progress', to: PROGRESS, from: [TODO.id] },
  { id: '31', name: 'Done', to: DONE, from: [TODO.id, PROGRESS.id] },
  { id: '41', name: 'Reopen', to: TODO, from: [DONE.id] },
];

export const RESOLUTIONS: Record<string, string> = { Done: '10000', Fixed: '10001', "Won't Do": '10002' };

export const ISSUE_TYPES = [
  { id: '10001', name: 'Task', description: 'A small, distinct piece of work.', subtask: false },
  { id: '10002', name: 'Service Request', description: 'A request for Customer Care.', subtask: false },
] as const;

export function statusById(id: string): StatusDef {
  return Object.values(STATUSES).find((s) => s.id === id) ?? TODO;
}

export function availableTransitions(ticket: Ticket): TransitionDef[] {
  return TRANSITIONS.filter((t) => t.from.includes(ticket.statusId));
}

let historySeq = 20000;

function statusItem(from: StatusDef, to: StatusDef): ChangeItem {
  return {
    field: 'status',
    fieldtype: 'jira',
    fieldId: 'status',
    from: from.id,
    fromString: from.name,
    to: to.id,
    toString: to.name,
  };
}

function resolutionItem(from: string | null, to: string | null): ChangeItem {
  return {
    field: 'resolution',
    fieldtype: 'jira',
    fieldId: 'resolution',
    from: from === null ? null : (RESOLUTIONS[from] ?? '10000'),
    fromString: from,
    to: to === null ? null : (RESOLUTIONS[to] ?? '10000'),
    toString: to,
  };
}

/** Moves a ticket to a status at instant `at`; returns true when it became resolved (entered Done). */
export function moveTicket(
  ticket: Ticket,
  to: StatusDef,
  at: number,
  resolution = 'Done',
  author: 'caller' | 'agent' = 'agent',
): boolean {
  const from = statusById(ticket.statusId);
  if (from.id === to.id) return false;
  const items = [statusItem(from, to)];
  const entersDone = to.category.key === 'done';
  const leavesDone = from.category.key === 'done';
  if (entersDone) {
    items.push(resolutionItem(ticket.resolution, resolution));
    ticket.resolution = resolution;
    ticket.resolutiondate = at;
  } else if (leavesDone) {
    items.push(resolutionItem(ticket.resolution, null));
    ticket.resolution = null;
    ticket.resolutiondate = null;
  }
  ticket.statusId = to.id;
  ticket.updated = at;
  ticket.statusCategoryChanged = at;
  ticket.histories.push({ id: String(historySeq++), created: at, author, items });
  return entersDone;
}

/** Plain text of an ADF document or a string, to find the org id Customer Care reads from the ticket. */
export function plainText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(plainText).join(' ');
  if (typeof value === 'object' && value !== null) {
    const node = value as { text?: unknown; content?: unknown };
    return [typeof node.text === 'string' ? node.text : '', plainText(node.content ?? '')].join(' ');
  }
  return '';
}

export function orgIdsIn(summary: string, description: unknown, labels: string[]): string[] {
  const haystack = [summary, plainText(description), ...labels].join(' ');
  return [...new Set(haystack.match(ORG_ID_PATTERN) ?? [])];
}

/** Jira's timestamp format: `2026-01-02T10:11:12.345+0000`, in the given `±HHmm` offset. */
export function formatJiraTime(epochMs: number, offset = '+0000'): string {
  const sign = offset.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3, 5)));
  const shifted = new Date(epochMs + minutes * 60_000).toISOString();
  return `${shifted.slice(0, 23)}${offset}`;
}

export function isValidOffset(offset: unknown): offset is string {
  return typeof offset === 'string' && /^[+-](0\d|1[0-4])[0-5]\d$/.test(offset);
}
