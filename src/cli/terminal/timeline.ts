// A migration's history as one readable timeline: the journal (transitions, observations, errors, operator
// actions with who and why) interleaved with the effects table (each side effect's intent and outcome).
import { WAIT_AUTH_TRIES } from '../../core/wait-errors.js';
import type { EffectRow, JournalRow } from '../../ports.js';

export interface TimelineEntry {
  at: string;
  kind: 'operator' | 'transition' | 'observation' | 'event' | 'effect' | 'intent' | 'outcome';
  name: string;
  actor?: string;
  reason?: string;
  detail: string;
}

function compact(data: unknown): string {
  if (data === undefined || data === null) return '';
  if (typeof data !== 'object') return String(data);
  return Object.entries(data as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

/** `xstate.done.actor.fileTicket` → `fileTicket done`: the event names XState gives its actors' results. */
function eventLabel(name: string): string {
  const m = /^xstate\.(done|error)\.actor\.(.+)$/.exec(name);
  return m ? `${m[2]} ${m[1] === 'done' ? 'done' : 'failed'}` : name;
}

function journalDetail(row: JournalRow): string {
  const data = (row.data ?? {}) as Record<string, unknown>;
  if (row.kind === 'transition') return `${String(data.from)} → ${String(data.to)} (on ${eventLabel(row.name)})`;
  if (row.name.startsWith('mark:')) {
    const override = data.override as { by?: string } | undefined;
    const note = typeof data.note === 'string' ? `; ${data.note}` : '';
    const by = override ? `, override by ${override.by}` : '';
    return `${row.name.slice(5).replace(/_/g, ' ')} ${String(data.at)} (${String(data.source)}${by}${note})`;
  }
  if (row.name === 'ticket_status') return `ticket ${String(data.statusName)} (${String(data.statusCategory)})`;
  if (row.name === 'wait_error') {
    const policy = data.kind === 'auth' ? `retried up to ${WAIT_AUTH_TRIES} times` : 'retried while the wait lasts';
    return `${String(data.kind)} while ${String(data.step)}, ${policy}: ${String(data.code)}: ${String(data.message)}`;
  }
  if (row.name === 'wait_error_cleared') {
    const kinds = Object.keys((data.kinds ?? {}) as object).join(', ');
    return `failed reads over: ${String(data.tries)} since ${String(data.since)} (${kinds}) [${String(data.step)}]`;
  }
  if (row.name === 'error')
    return `${String(data.code)}: ${String(data.message)}${data.step ? ` [step ${String(data.step)}]` : ''}`;
  return compact(row.data);
}

function effectDetail(e: EffectRow): string {
  const tries = `${e.attempts} attempt${e.attempts === 1 ? '' : 's'}`;
  const outcome = e.outcomeAt
    ? `outcome ${e.outcomeAt} ${e.status ?? '?'}${e.remoteId ? ` → ${e.remoteId}` : ''}`
    : 'no outcome yet (in flight or interrupted: reconciled on resume)';
  return `${e.step}: intent ${e.at}, ${outcome} (${tries}, key ${e.key})`;
}

export function buildTimeline(journal: JournalRow[], effects: EffectRow[]): TimelineEntry[] {
  const fromJournal = journal.map((row): TimelineEntry => {
    const entry: TimelineEntry = { at: row.at, kind: row.kind, name: row.name, detail: journalDetail(row) };
    if (row.actor) entry.actor = row.actor;
    if (row.reason) entry.reason = row.reason;
    return entry;
  });
  const fromEffects = effects.map(
    (e): TimelineEntry => ({ at: e.at, kind: 'effect', name: e.step, detail: effectDetail(e) }),
  );
  // Stable sort: at equal instants the journal row (the state change) reads before the effect it started.
  return [...fromJournal, ...fromEffects].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

export function timelineLine(e: TimelineEntry): string {
  const who = e.actor ? ` by ${e.actor}` : '';
  const why = e.reason ? ` — why: ${e.reason}` : '';
  const label = e.kind === 'operator' ? e.name : '';
  return `${e.at}  ${e.kind.padEnd(11)} ${label ? `${label} ` : ''}${e.detail}${who}${why}`.trimEnd();
}
