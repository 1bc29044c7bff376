// cutover list: every migration's true state in one look.
import type { MigrationStatus } from '../../core/types.js';
import { UsageError } from '../../errors.js';
import type { MigrationRecord } from '../../ports.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { age, out, printJson, table } from '../output.js';
import { openRuntimeStore } from '../runtime.js';

const STATUSES: MigrationStatus[] = ['active', 'waiting', 'needs_attention', 'completed', 'cancelled'];

interface ListOptions extends GlobalOptions {
  status?: string;
  org?: string;
  stalled?: boolean;
  stallHours?: string;
}

export function listRow(m: MigrationRecord, nowMs: number) {
  return {
    id: m.id,
    org: m.orgId,
    state: m.state,
    status: m.status,
    since: m.updatedAt,
    timeInState: age(m.updatedAt, nowMs),
    lastProgress: m.progressAt,
    attempts: m.attempts,
    ticket: m.ticketKey,
    lastError: m.lastError?.message ?? null,
  };
}

export default async function list(_args: string[], opts: ListOptions, ctx: CliContext): Promise<number> {
  if (opts.status && !STATUSES.includes(opts.status as MigrationStatus)) {
    throw new UsageError(`--status ${opts.status} is not a status`, `use one of: ${STATUSES.join(', ')}`);
  }
  const { store } = openRuntimeStore(ctx, opts);
  try {
    const records = await store.list({ status: opts.status as MigrationStatus | undefined, orgId: opts.org });
    const rows = records.map((m) => listRow(m, ctx.clock.now()));
    if (opts.json) printJson(ctx, rows);
    else if (rows.length === 0) out(ctx, 'no migrations');
    else out(ctx, table(['ID', 'ORG', 'STATE', 'IN STATE', 'TICKET', 'LAST ERROR'], rows.map((r) => [r.id, r.org, r.state, r.timeInState, r.ticket ?? '-', r.lastError ?? ''])));
    return 0;
  } finally {
    await store.close();
  }
}
