// What watch says on stderr while it runs: one line when a migration's state changes (a poll that found
// nothing new stays quiet, or a fleet of sleeping migrations would flood the terminal), every lock skip and
// failure, every webhook wake; and the summary at the end.
import type { CliContext } from '../wiring/context.js';
import { say, styleFor } from './output.js';
import { troubleText } from './wait-trouble.js';
import type { WatchEvent, WatchSummary } from '../../engine/index.js';

export function hhmmss(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)}Z`;
}

export function progressPrinter(ctx: CliContext): (event: WatchEvent) => void {
  const s = styleFor(ctx, 'stderr');
  const lastSaid = new Map<string, string>();
  const line = (id: string, orgId: string, text: string) =>
    say(ctx, `${s.dim(hhmmss(ctx.clock.now()))}  ${id}  ${s.dim(orgId)}  ${text}`);
  // Repeats of the same news about a migration are said once.
  const once = (id: string, orgId: string, key: string, text: string) => {
    if (lastSaid.get(id) === key) return;
    lastSaid.set(id, key);
    line(id, orgId, text);
  };
  return (event) => {
    switch (event.kind) {
      case 'watching':
        return say(ctx, `watching ${event.count} migration${event.count === 1 ? '' : 's'}`);
      case 'refresh-failed':
        return say(
          ctx,
          s.yellow(`warning: could not re-read the migrations (${event.message}); carrying on with what is known`),
        );
      case 'started':
        return;
      case 'woken':
        return line(event.id, event.orgId, `woken by a webhook for ${event.ticketKey}`);
      case 'locked':
        return once(
          event.id,
          event.orgId,
          'locked',
          s.yellow(`skipped: ${event.message}; trying again at ${hhmmss(event.retryAt)}`),
        );
      case 'failed':
        lastSaid.delete(event.id);
        return line(event.id, event.orgId, s.red(`failed: ${event.message}; trying again at ${hhmmss(event.retryAt)}`));
      case 'finished': {
        // A wait's failed reads are said when their kind changes and when they stop, not once per try.
        const trouble = event.result.context.waitTrouble?.last.kind ?? '';
        const key = `${event.result.status}:${event.result.state}:${trouble}`;
        return once(event.id, event.orgId, key, describeFinish(event, s));
      }
    }
  };
}

function describeFinish(event: Extract<WatchEvent, { kind: 'finished' }>, s: ReturnType<typeof styleFor>): string {
  const { result, nextAt } = event;
  switch (result.status) {
    case 'completed':
      return s.green('completed');
    case 'cancelled':
      return 'cancelled';
    case 'needs_attention':
      return s.red(
        `needs attention: ${result.context.lastError?.code}: ${result.context.lastError?.message}; see: cutover show ` +
          `${result.id}`,
      );
    case 'interrupted':
      return `stopped in ${result.state}; nothing is lost`;
    default: {
      const trouble = troubleText(result.context);
      const next = nextAt !== null ? `, ${trouble ? `${trouble}, retrying` : 'next check'} at ${hhmmss(nextAt)}` : '';
      return `${result.status}: ${result.state}${next}`;
    }
  }
}

export function summaryText(summary: WatchSummary): string {
  const parts = [
    `${summary.drives} drive${summary.drives === 1 ? '' : 's'}`,
    `${summary.completed} completed`,
    `${summary.waiting} left waiting`,
    `${summary.needsAttention} need attention`,
  ];
  if (summary.cancelled) parts.push(`${summary.cancelled} cancelled`);
  if (summary.interrupted) parts.push(`${summary.interrupted} stopped mid-drive`);
  if (summary.locked) parts.push(`${summary.locked} skipped (locked elsewhere)`);
  if (summary.leftToOthers) parts.push(`${summary.leftToOthers} left to other runners`);
  if (summary.failed) parts.push(`${summary.failed} failed`);
  return `watch: ${parts.join(', ')}`;
}
