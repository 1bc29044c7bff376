// Plan files (JSON text) to validated plans, and plans to the lines of a review screen.
import { SOLUTION_LABELS, type Plan } from './types.js';
import type { Issue } from './plan-fields.js';
import { formatDuration } from './downtime.js';
import { all } from './words.js';

/** A key of an object met while scanning: its full path, where it starts, and where the same key was before. */
export interface KeySeen {
  path: string;
  offset: number;
  /** Offset of the same key earlier in the same object, or null. */
  earlier: number | null;
}

const childPath = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);

/** Offset of the first JSON syntax error in `text`, or -1 when it is valid JSON; `onKey` sees every key. */
export function jsonErrorOffset(text: string, onKey?: (key: KeySeen) => void): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const str = (): void => {
    for (i++; ; i++) {
      const ch = text.charAt(i);
      if (ch === '' || ch < ' ') fail();
      if (ch === '"') {
        i++;
        return;
      }
      if (ch === '\\') {
        i++;
        if (text.charAt(i) === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 4;
        else if (!'"\\/bfnrt'.includes(text.charAt(i)) || text.charAt(i) === '') fail();
      }
    }
  };
  const token = (re: RegExp): void => {
    re.lastIndex = i;
    if (!re.test(text)) fail();
    i = re.lastIndex;
  };
  const list = (close: string, item: (index: number) => void): void => {
    i++;
    ws();
    if (text.charAt(i) === close) {
      i++;
      return;
    }
    for (let index = 0; ; index++) {
      item(index);
      ws();
      if (text.charAt(i) === close) {
        i++;
        return;
      }
      if (text.charAt(i) !== ',') fail();
      i++;
    }
  };
  const object = (path: string): void => {
    const seen = new Map<string, number>();
    list('}', () => {
      ws();
      if (text.charAt(i) !== '"') fail();
      const offset = i;
      str();
      const key = JSON.parse(text.slice(offset, i)) as string;
      onKey?.({ path: childPath(path, key), offset, earlier: seen.get(key) ?? null });
      if (!seen.has(key)) seen.set(key, offset);
      ws();
      if (text.charAt(i) !== ':') fail();
      i++;
      value(childPath(path, key));
    });
  };
  const value = (path: string): void => {
    ws();
    const ch = text.charAt(i);
    if (ch === '{') object(path);
    else if (ch === '[') list(']', (index) => value(`${path}[${index}]`));
    else if (ch === '"') str();
    else token(/true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y);
  };
  try {
    value('');
    ws();
    if (i < text.length) fail();
    return -1;
  } catch (at) {
    if (typeof at === 'number') return at;
    throw at;
  }
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function syntaxHint(ch: string, previous: string): string {
  if (ch === "'") return ': JSON strings use double quotes';
  if (ch === '/' || ch === '#') return ': JSON has no comments';
  if ((ch === '}' || ch === ']') && previous === ',') return ': a trailing comma?';
  return '';
}

/** The issue for a JSON syntax error; quotes at most one character of the text (it may hold secrets). */
export function jsonSyntaxIssue(body: string, source: string): Issue {
  const offset = jsonErrorOffset(body);
  const { line, column } = lineColumn(body, Math.max(offset, 0));
  const found = offset < 0 || offset >= body.length ? 'the end of the file' : JSON.stringify(body.charAt(offset));
  const previous = body.slice(0, Math.max(offset, 0)).trimEnd().slice(-1);
  const message =
    `${source} is not valid JSON: unexpected ${found} at line ${line}, column ` +
    `${column}${syntaxHint(body.charAt(offset), previous)}`;
  return { path: `(plan) line ${line}, column ${column}`, message, expected: 'JSON', found };
}

function listIds(ids: readonly string[], max = 10): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} ... and ${ids.length - max} more`;
}

/** Alerts are kept as written but never subscribed: the destination does not support them. */
function alertsLine(alerts: readonly string[]): string {
  return alerts.length > 0 ? `not applied (${alerts.join(', ')}): the destination does not support alerts` : 'none';
}

/** The review screen: what will be created, how it is watched, and the limitations the admin must know. */
export function describePlan(plan: Plan): string[] {
  const { destination: dest, jira, polling } = plan;
  const manual = plan.solutions.filter((s) => s !== 'audience_manager').map((s) => SOLUTION_LABELS[s]);
  const hashing = (m: Plan['identities'][number]): string => (m.applyHashing ? ' (hashed on activation)' : '');
  const byHand = manual.length > 0 ? ` (confirmed by hand after the cut-over: ${manual.join(', ')})` : '';
  const filing = jira.existingKey
    ? `attach the existing ticket ${jira.existingKey}`
    : `file a ${jira.issueType} in ${jira.projectKey} asking Adobe to turn legacy segment sharing off`;
  const zone = plan.sla ? ` (${plan.sla.timeZone} dates)` : '';
  const stalled = `stalled after ${plan.ticketSlaBusinessDays} business days${zone}`;
  return [
    `Organisation ${plan.orgId}, sandbox ${plan.sandbox}`,
    `Audiences (${plan.audiences.length}): ${listIds(plan.audiences)}`,
    `Identity mapping: ${plan.identities.map((m) => `${m.source} -> ${m.target}${hashing(m)}`).join('; ')}`,
    `Solutions: ${plan.solutions.map((s) => SOLUTION_LABELS[s]).join(', ')}${byHand}`,
    'Will be created, before the ticket (nothing is exported yet):',
    '  - an Experience Cloud Audiences connection ' +
      `"${dest.name}"${dest.accountId ? `, account ${dest.accountId}` : ''}; bearer token ` +
      `${dest.tokenEnv ? `read from $${dest.tokenEnv} (never stored)` : 'none'}`,
    '  - its Profile Store source connection and its target connection',
    `Jira: ${filing}; polled every ${formatDuration(polling.ticketIntervalMs)}, ${stalled}`,
    'Cut-over: the moment the ticket resolves, one call creates the dataflow with ' +
      `${all(plan.audiences.length, 'audience')}; never earlier`,
    `Verification: Audience Manager and the flow's runs polled every ${formatDuration(polling.verifyIntervalMs)}, ` +
      `for up to ${formatDuration(polling.verifyTimeoutMs)}`,
    `Alerts: ${alertsLine(plan.alerts)}`,
    ...plan.acceptedChecks.map((a) => `Accepted warning ${a.check}: ${a.reason} (${a.by}, ${a.at})`),
    'Known limitations (beta):',
    '  - Between the ticket resolution and the new connection no audience reaches the solutions: the downtime window ' +
      'is measured',
    '  - No dataflow monitoring in beta: cutover checks Audience Manager and the flow runs itself',
    '  - No backfill in beta: populations rebuild as profiles re-qualify, so they start small',
    '  - Audience Manager permissions must be set again for the new data source (AEP permissions do not carry over)',
  ];
}
