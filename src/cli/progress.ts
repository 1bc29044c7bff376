// Shows a migration as it is driven: each step and each timeline mark as it happens, and while the ticket is
// open a live line (ticket status, time waited, next poll) redrawn every second on a terminal, or one plain
// line per poll elsewhere (no spinners off a terminal).
import type { SnapshotFrom } from 'xstate';
import type { MigrationMachine } from '../core/machine.js';
import type { MigrationContext } from '../core/machine-types.js';
import { stateName } from '../engine/persist.js';
import type { CliContext } from './context.js';
import { say, styleFor } from './output.js';

type Snapshot = SnapshotFrom<MigrationMachine>;

function seconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** "waiting for CC-12 (Open) · waited 1m 4s · next poll in 52s". */
export function waitLine(c: MigrationContext, nowMs: number): string {
  const since = c.marks.ticket_filed?.at ?? c.ticket?.createdAt;
  const waited = since ? seconds(nowMs - Date.parse(since)) : '?';
  const next = c.waitUntil ? `next poll in ${seconds(c.waitUntil - nowMs)}` : 'polling now';
  return `waiting for ${c.ticket?.key ?? 'the ticket'} (${c.lastPoll?.statusName ?? 'not polled yet'}) · waited ${waited} · ${next}`;
}

export function progressView(ctx: CliContext) {
  const s = styleFor(ctx, 'stderr');
  const tty = Boolean(ctx.io.stderr.isTTY);
  const printed = new Set<string>();
  let lastTop = '';
  let lastPollAt: string | null = null;
  let latest: Snapshot | null = null;
  let ticker: NodeJS.Timeout | null = null;
  const clearLine = () => tty && ctx.io.stderr.write('\r\u001b[2K');
  const redraw = () => latest && ctx.io.stderr.write(`\r\u001b[2K${s.dim(waitLine(latest.context, ctx.clock.now()))}`);
  const stopTicker = () => {
    if (ticker) clearInterval(ticker);
    if (ticker) clearLine();
    ticker = null;
  };
  const waitingForTicket = (snap: Snapshot) => snap.hasTag('waiting') && stateName(snap).startsWith('awaiting_resolution');

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
    if (!waitingForTicket(snap)) return stopTicker();
    if (tty) {
      ticker ??= setInterval(redraw, 1000);
      redraw();
    } else if (snap.context.lastPoll?.at !== lastPollAt) {
      lastPollAt = snap.context.lastPoll?.at ?? null;
      say(ctx, `    ${waitLine(snap.context, ctx.clock.now())}`);
    }
  };
  return { update, stop: stopTicker };
}
