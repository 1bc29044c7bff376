// Shows a migration as it is driven: each step and each timeline mark as it happens, and while it waits on the
// world a live line saying what it waits for (the ticket's status; the audiences not seen yet and the solutions
// awaiting confirmation, with the command that confirms them), redrawn every second on a terminal, or one plain
// line whenever what it waits for changes elsewhere (no spinners off a terminal).
import type { MigrationSnapshot } from '../../engine/index.js';
import { missingConfirmations, unseenAudiences, stateName } from '../../core/machine-logic.js';
import type { MigrationContext, WaitStep } from '../../core/machine-types.js';
import { SOLUTION_LABELS, type Solution } from '../../core/types.js';
import type { CliContext } from '../wiring/context.js';
import { say, styleFor } from './output.js';
import { troubleText } from './wait-trouble.js';

type Snapshot = MigrationSnapshot;

function seconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** "next check in 52s", or while the reads fail "Jira answered HTML (3 tries since 14:02:05Z), retrying in 40s". */
function nextCheck(c: MigrationContext, nowMs: number, step: WaitStep): string {
  const trouble = troubleText(c, step);
  if (!c.waitUntil) return trouble ? `${trouble}, retrying now` : 'checking now';
  return `${trouble ? `${trouble}, retrying` : 'next check'} in ${seconds(c.waitUntil - nowMs)}`;
}

/** "waiting for CC-12 (status 'Open') · waited 1m 4s · next check in 52s". */
export function waitLine(c: MigrationContext, nowMs: number): string {
  const since = c.marks.ticket_filed?.at ?? c.ticket?.createdAt;
  const waited = since ? seconds(nowMs - Date.parse(since)) : '?';
  const status = c.lastPoll ? `status '${c.lastPoll.statusName}'` : 'not polled yet';
  return (
    `waiting for ${c.ticket?.key ?? 'the ticket'} (${status}) · waited ${waited} · ` +
    `${nextCheck(c, nowMs, 'awaiting_resolution')}`
  );
}

function listed(items: string[], max = 3): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** What verification still waits for: the command line that confirms each solution waiting on a person. */
export function confirmCommand(c: MigrationContext, solution: string): string {
  return `cutover confirm ${c.migrationId} --solution ${solution} --reason "..."`;
}

/** "verifying: not seen yet in Audience Manager: a, b · awaiting confirmation: Target (cutover confirm …) · next …". */
export function verifyLine(c: MigrationContext, nowMs: number): string {
  const parts = [];
  const unseen = unseenAudiences(c);
  if (unseen.length > 0) parts.push(`not seen yet in Audience Manager: ${listed(unseen)}`);
  const missing = missingConfirmations(c);
  if (missing.length > 0) {
    const names = missing.map((s) => SOLUTION_LABELS[s as Solution] ?? s).join(', ');
    parts.push(`awaiting confirmation: ${names} (${missing.map((s) => confirmCommand(c, s)).join('; ')})`);
  }
  return [`verifying: ${parts.join(' · ') || 'checking'}`, nextCheck(c, nowMs, 'verifying')].join(' · ');
}

type Waiting = 'ticket' | 'verification' | null;

function waitingOn(snap: Snapshot): Waiting {
  if (!snap.hasTag('waiting')) return null;
  const state = stateName(snap);
  if (state.startsWith('awaiting_resolution')) return 'ticket';
  return state.startsWith('verifying') ? 'verification' : null;
}

function lineFor(snap: Snapshot, nowMs: number): string {
  return waitingOn(snap) === 'ticket' ? waitLine(snap.context, nowMs) : verifyLine(snap.context, nowMs);
}

/** What a plain (non-terminal) log prints a new line for: a new poll, or a change in what verification awaits. */
function newsOf(snap: Snapshot): string {
  const c = snap.context;
  // A failed read is news too: off a terminal, one line per read, failed or not.
  const tries = c.waitTrouble?.tries ?? 0;
  if (waitingOn(snap) === 'ticket') return `poll:${c.lastPoll?.at ?? ''}|${tries}`;
  return `verify:${tries}|${unseenAudiences(c).join(',')}|${missingConfirmations(c).join(',')}`;
}

export interface ProgressView {
  update(snap: Snapshot): void;
  stop(): void;
  /** Clears the live line and stops redrawing it until the returned function is called (a prompt is shown). */
  pause(): () => void;
}

export function progressView(ctx: CliContext): ProgressView {
  const s = styleFor(ctx, 'stderr');
  const tty = Boolean(ctx.io.stderr.isTTY);
  const printed = new Set<string>();
  let lastTop = '';
  let lastNews: string | null = null;
  let latest: Snapshot | null = null;
  let ticker: NodeJS.Timeout | null = null;
  let paused = false;
  // Never while paused: the line under the cursor is then a question being asked.
  const clearLine = () => tty && !paused && ctx.io.stderr.write('\r\u001b[2K');
  const redraw = () => {
    if (!latest || paused || !waitingOn(latest)) return;
    ctx.io.stderr.write(`\r\u001b[2K${s.dim(lineFor(latest, ctx.clock.now()))}`);
  };
  const stopTicker = () => {
    if (ticker) clearInterval(ticker);
    if (ticker) clearLine();
    ticker = null;
  };

  const update = (snap: Snapshot) => {
    latest = snap;
    const top = stateName(snap).split('.')[0] ?? '';
    const marks = Object.entries(snap.context.marks).filter(([name, mark]) => mark && !printed.has(name));
    if (top !== lastTop || marks.length > 0) stopTicker();
    if (top !== lastTop) say(ctx, `${s.dim(new Date(ctx.clock.now()).toISOString())}  → ${top.replace(/_/g, ' ')}`);
    lastTop = top;
    for (const [name, mark] of marks) {
      say(ctx, `    ${s.bold(name.replace(/_/g, ' '))}: ${mark!.at} (${mark!.source})`);
      printed.add(name);
    }
    if (!waitingOn(snap)) return stopTicker();
    if (tty) {
      ticker ??= setInterval(redraw, 1000);
      redraw();
    } else if (newsOf(snap) !== lastNews) {
      lastNews = newsOf(snap);
      say(ctx, `    ${lineFor(snap, ctx.clock.now())}`);
    }
  };
  const pause = () => {
    clearLine();
    paused = true;
    return () => {
      paused = false;
      if (ticker) redraw();
    };
  };
  return { update, stop: stopTicker, pause };
}
