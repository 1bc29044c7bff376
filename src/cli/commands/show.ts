// cutover show: where one migration stands, why, and what happens next.
import { computeDowntime, markLabel, measureText } from '../../core/downtime.js';
import type { MarkName } from '../../core/types.js';
import type { JournalRow, MigrationRecord } from '../../ports.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { out, printJson } from '../output.js';
import { openRuntimeStore } from '../runtime.js';
import { UsageError } from '../../errors.js';
import { nextAction } from '../next-action.js';

const MARKS: [MarkName, string][] = [
  ['ticket_filed', 'ticket filed'],
  ['legacy_stopped', 'legacy stopped'],
  ['resolution_detected', 'resolution detected'],
  ['connection_established', 'connection established'],
  ['first_data', 'first data'],
];

function journalLine(row: JournalRow): string {
  const who = row.actor ? ` by ${row.actor}` : '';
  const why = row.reason ? ` — ${row.reason}` : '';
  const data = row.data === undefined ? '' : ` ${JSON.stringify(row.data)}`;
  return `${row.at}  ${row.kind.padEnd(11)} ${row.name}${who}${why}${data}`;
}

function render(ctx: CliContext, m: MigrationRecord, journal: JournalRow[]): void {
  const d = computeDowntime(m.marks);
  out(ctx, `migration ${m.id}  org ${m.orgId}`);
  out(ctx, `state:    ${m.state} (${m.status})`);
  out(ctx, `ticket:   ${m.ticketKey ?? '-'}`);
  if (m.lastError) out(ctx, `error:    ${m.lastError.code}: ${m.lastError.message}`);
  out(ctx, `next:     ${nextAction(m)}`);
  out(ctx, '\ntimeline');
  for (const [name, label] of MARKS) out(ctx, `  ${label.padEnd(24)} ${markLabel(m.marks[name])}`);
  out(ctx, `  ${'downtime window'.padEnd(24)} ${measureText(d.window)}`);
  out(ctx, `  ${'detection lag'.padEnd(24)} ${measureText(d.detectionLag)}`);
  out(ctx, `  ${'cut-over execution'.padEnd(24)} ${measureText(d.executionTime)}`);
  out(ctx, `  ${'data gap'.padEnd(24)} ${measureText(d.dataGap)}`);
  out(ctx, '\njournal');
  for (const row of journal) out(ctx, `  ${journalLine(row)}`);
}

export default async function show([id]: string[], opts: GlobalOptions, ctx: CliContext): Promise<number> {
  const { store, dbPath } = openRuntimeStore(ctx, opts);
  try {
    const m = await store.get(id!);
    if (!m) throw new UsageError(`no migration with id ${id} in ${dbPath}`, 'cutover list shows the migrations');
    const journal = await store.journal(m.id);
    if (opts.json) printJson(ctx, { ...m, snapshot: undefined, downtime: computeDowntime(m.marks), next: nextAction(m), journal, effects: await store.effects(m.id) });
    else render(ctx, m, journal);
    return 0;
  } finally {
    await store.close();
  }
}
