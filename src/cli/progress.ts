// Shows a migration as it is driven: each step and each timeline mark as it happens, and while the ticket is
// open a live line (ticket status, time waited, next poll) redrawn every second on a terminal, or one plain
// line per poll elsewhere (no spinners off a terminal).
import type { SnapshotFrom } from 'xstate';
import type { MigrationMachine } from '../core/machine.js';
import type { MigrationContext, WaitStep } from '../core/machine-types.js';
import { stateName } from '../engine/persist.js';
import type { CliContext } from './context.js';
import { say, styleFor } from './output.js';
import { troubleText } from './wait-trouble.js';

type Snapshot = SnapshotFrom<MigrationMachine>;

export function seconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** "next poll in 52s", or while the reads fail "Jira answered HTML (3 tries since 14:02:05Z), retrying in 40s". */
function nextRead(c: MigrationContext, nowMs: number, step: WaitStep, read: 'poll' | 'check'): string {
  const trouble = troubleText(c, step);
  if (!c.waitUntil) return trouble ? `${trouble}, retrying now` : `${read === 'poll' ? 'polling' : 'checking'} now`;
  return `${trouble ? `${trouble}, retrying` : `next ${read}`} in ${seconds(c.waitUntil - nowMs)}`;
}

/** "waiting for CC-12 (Open) · waited 1m 4s · next poll in 52s". */
export function waitLine(c: MigrationContext, nowMs: number): string {
  const since = c.marks.ticket_filed?.at ?? c.ticket?.createdAt;
  const waited = since ? seconds(nowMs - Date.parse(since)) : '?';
  const next = nextRead(c, nowMs, 'awaiting_resolution', 'poll');
  return `waiting for ${c.ticket?.key ?? 'the ticket'} (${c.lastPoll?.statusName ?? 'not polled yet'}) · waited ${waited} · ${next}`;
}

/** While checks fail: "verifying · Audience Manager answered HTTP 503 (2 tries since …), retrying in 2s". */
function verifyTroubleLine(c: MigrationContext, nowMs: number): string {
  return `verifying · ${nextRead(c, nowMs, 'verifying', 'check')}`;
}

export function progressView(ctx: CliContext) {
  const s = styleFor(ctx, 'stderr');
  const tty = Boolean(ctx.io.stderr.isTTY);
  const printed = new Set<string>();
  let lastTop = '';
  let lastPollAt = '';
  let latest: Snapshot | null = null;
  let ticker: NodeJS.Timeout | null = null;
  const clearLine = () => tty && ctx.io.stderr.write('\r\u001b[2K');
  const lineOf = (snap: Snapshot) =>
    (waitingForTicket(snap) ? waitLine : verifyTroubleLine)(snap.context, ctx.clock.now());
  const redraw = () => latest && ctx.io.stderr.write(`\r\u001b[2K${s.dim(lineOf(latest))}`);
  const stopTicker = () => {
    if (ticker) clearInterval(ticker);
    if (ticker) clearLine();
    ticker = null;
  };
  const waitingForTicket = (snap: Snapshot) => snap.hasTag('waiting') && stateName(snap).startsWith('awaiting_resolution');
  const verifyFailing = (snap: Snapshot) =>
    snap.hasTag('waiting') && stateName(snap).startsWith('verifying') && troubleText(snap.context, 'verifying') !== '';
  // Off a terminal: one line per read, failed or not.
  const readKey = (c: MigrationContext) => `${c.lastPoll?.at ?? ''}|${c.waitTrouble?.tries ?? 0}`;

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
    if (!waitingForTicket(snap) && !verifyFailing(snap)) return stopTicker();
    if (tty) {
      ticker ??= setInterval(redraw, 1000);
      redraw();
    } else if (readKey(snap.context) !== lastPollAt) {
      lastPollAt = readKey(snap.context);
      say(ctx, `    ${lineOf(snap)}`);
    }
  };
  return { update, stop: stopTicker };
}
