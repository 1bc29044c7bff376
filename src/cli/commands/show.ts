// cutover show: where one migration stands, why, and what happens next; its history as a timeline.
import { computeDowntime, markLabel, measureText } from '../../core/downtime.js';
import type { MarkName } from '../../core/types.js';
import { UsageError } from '../../errors.js';
import type { Lease, MigrationRecord } from '../../ports.js';
import type { CliContext, GlobalOptions } from '../wiring/context.js';
import { nextAction } from '../terminal/next-action.js';
import { out, printJson } from '../terminal/output.js';
import { openReadStore } from '../wiring/store.js';
import { buildTimeline, timelineLine, type TimelineEntry } from '../terminal/timeline.js';

const MARKS: [MarkName, string][] = [
  ['ticket_filed', 'ticket filed'],
  ['legacy_stopped', 'legacy stopped'],
  ['resolution_detected', 'resolution detected'],
  ['connection_established', 'connection established'],
  ['first_data', 'first data'],
];
/** Shown only once a rollback was asked for. */
const ROLLBACK_MARKS: [MarkName, string][] = [
  ['rollback_requested', 'rollback requested'],
  ['new_flow_disabled', 'new flow disabled'],
  ['reenable_filed', 're-enable ticket filed'],
  ['legacy_restored', 'legacy restored'],
  ['legacy_data_seen', 'legacy data seen'],
];

function lockLine(lease: Lease | null, nowMs: number): string {
  if (!lease) return 'none';
  const expired = Date.parse(lease.expiresAt) < nowMs ? ' (expired)' : '';
  return `${lease.holder}, lock id ${lease.nonce}, since ${lease.acquiredAt}, expires ${lease.expiresAt}${expired}`;
}

function renderSummary(ctx: CliContext, m: MigrationRecord, lease: Lease | null): void {
  out(ctx, `migration ${m.id}  org ${m.orgId}`);
  out(ctx, `state:    ${m.state} (${m.status}) since ${m.updatedAt}; last progress ${m.progressAt}`);
  out(ctx, `ticket:   ${m.ticketKey ?? '-'}`);
  out(ctx, `attempts: ${m.attempts}`);
  out(ctx, `lock:     ${lockLine(lease, ctx.clock.now())}`);
  if (m.lastError) out(ctx, `error:    ${m.lastError.code}: ${m.lastError.message}`);
  out(ctx, `next:     ${nextAction(m, { lease, nowMs: ctx.clock.now() })}`);
}

function renderDowntime(ctx: CliContext, m: MigrationRecord): void {
  const d = computeDowntime(m.marks);
  out(ctx, '\ndowntime');
  for (const [name, label] of MARKS) out(ctx, `  ${label.padEnd(24)} ${markLabel(m.marks[name])}`);
  out(ctx, `  ${'downtime window'.padEnd(24)} ${measureText(d.window)}`);
  out(ctx, `  ${'detection lag'.padEnd(24)} ${measureText(d.detectionLag)}`);
  out(ctx, `  ${'cut-over execution'.padEnd(24)} ${measureText(d.executionTime)}`);
  out(ctx, `  ${'data gap'.padEnd(24)} ${measureText(d.dataGap)}`);
  if (!m.marks.rollback_requested) return;
  for (const [name, label] of ROLLBACK_MARKS) out(ctx, `  ${label.padEnd(24)} ${markLabel(m.marks[name])}`);
  out(ctx, `  ${'rollback window'.padEnd(24)} ${measureText(d.rollbackWindow)}`);
  out(ctx, `  ${'total outage'.padEnd(24)} ${measureText(d.totalOutage)}`);
}

function render(ctx: CliContext, m: MigrationRecord, lease: Lease | null, timeline: TimelineEntry[]): void {
  renderSummary(ctx, m, lease);
  renderDowntime(ctx, m);
  out(ctx, '\ntimeline');
  for (const entry of timeline) out(ctx, `  ${timelineLine(entry)}`);
}

export default async function show([id]: string[], opts: GlobalOptions, ctx: CliContext): Promise<number> {
  const { store, dbPath } = await openReadStore(ctx, opts);
  try {
    const m = store ? await store.get(id!) : null;
    if (!store || !m)
      throw new UsageError(`no migration with id ${id} in ${dbPath}`, 'cutover list shows the migrations');
    const [journal, effects, lease] = [
      await store.journal(m.id),
      await store.effects(m.id),
      await store.currentLease(m.id),
    ];
    const timeline = buildTimeline(journal, effects);
    if (opts.json) {
      const { snapshot: _snapshot, ...record } = m;
      printJson(ctx, {
        ...record,
        lock: lease,
        downtime: computeDowntime(m.marks),
        next: nextAction(m, { lease, nowMs: ctx.clock.now() }),
        timeline,
        journal,
        effects,
      });
    } else {
      render(ctx, m, lease, timeline);
    }
    return 0;
  } finally {
    await store?.close();
  }
}
