// Reading the moment a ticket was done from its changelog, to cross-check `resolutiondate`.
import { jiraTimestampToUtc } from './time.js';

export interface ChangeItem {
  field?: string;
  fieldId?: string;
  from?: string | null;
  fromString?: string | null;
  to?: string | null;
  toString?: string | null;
}

export interface ChangeHistory {
  id?: string;
  created?: string;
  items?: ChangeItem[];
}

/**
 * The `created` (UTC ISO) of the latest history that moved the issue into a done status or set a resolution.
 * A changelog item names the target status only by id and name, not by category, so "done statuses" are the ones
 * the caller knows to be in category `done` (the current status when it is done). A history that sets a
 * resolution counts on its own: resolving is what the ticket's workflow does on the way to done.
 */
export function latestDoneTransition(histories: ChangeHistory[], doneStatusIds: Set<string>): string | null {
  let latest: { at: string; epoch: number } | null = null;
  for (const history of histories) {
    if (!history.created || !(history.items ?? []).some((item) => movesToDone(item, doneStatusIds))) continue;
    const at = jiraTimestampToUtc(history.created);
    const epoch = Date.parse(at);
    if (!latest || epoch > latest.epoch) latest = { at, epoch };
  }
  return latest?.at ?? null;
}

function movesToDone(item: ChangeItem, doneStatusIds: Set<string>): boolean {
  const field = (item.fieldId ?? item.field ?? '').toLowerCase();
  if (field === 'status') return typeof item.to === 'string' && doneStatusIds.has(item.to);
  if (field === 'resolution') return Boolean(item.to ?? item.toString);
  return false;
}
