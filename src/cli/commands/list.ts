// cutover list: every migration's true state in one look; with --stalled, only those a human must look at,
// each with its reasons (src/core/stall.ts decides). The --json keys are stable (docs/runbook.md).
import { stallReasons, type StallReason } from '../../core/stall.js';
import { MIGRATION_STATUSES, type MigrationStatus } from '../../core/types.js';
import { UsageError } from '../../errors.js';
import type { Lease, MigrationFilter, MigrationStore, MigrationSummary } from '../../ports.js';
import type { CliContext, GlobalOptions } from '../wiring/context.js';
import { age, out, printJson, say, table } from '../terminal/output.js';
import { openReadStore } from '../wiring/store.js';

interface ListOptions extends GlobalOptions {
  status?: string;
  org?: string;
  stalled?: boolean;
  stallHours?: string;
  limit?: string;
}

/** The default --limit: a screenful of the most recently updated; `--stalled` finds the rest that matter. */
const DEFAULT_LIST_LIMIT = 50;

export interface LockView {
  holder: string;
  lockId: string;
  since: string;
  expiresAt: string;
  expired: boolean;
}

export interface ListRow {
  id: string;
  org: string;
  state: string;
  status: MigrationStatus;
  since: string;
  timeInState: string;
  lastProgress: string;
  attempts: number;
  ticket: string | null;
  lastError: { code: string; message: string; at: string } | null;
  lock: LockView | null;
  stalled: boolean;
  stallReasons: StallReason[];
}

function lockView(lease: Lease | null, nowMs: number): LockView | null {
  if (!lease) return null;
  return {
    holder: lease.holder,
    lockId: lease.nonce,
    since: lease.acquiredAt,
    expiresAt: lease.expiresAt,
    expired: Date.parse(lease.expiresAt) < nowMs,
  };
}

function listRow(m: MigrationSummary, nowMs: number, now: string, stallHours?: number): ListRow {
  const reasons = stallReasons(m, m.lease, now, { stallHours });
  const e = m.lastError;
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
    lastError: e ? { code: e.code, message: e.message, at: e.at } : null,
    lock: lockView(m.lease, nowMs),
    stalled: reasons.length > 0,
    stallReasons: reasons,
  };
}

function lockText(lock: LockView | null): string {
  if (!lock) return '-';
  return (
    `${lock.holder} [${lock.lockId}] since ${lock.since}, expires ` +
    `${lock.expiresAt}${lock.expired ? ' (expired)' : ''}`
  );
}

function renderTable(ctx: CliContext, rows: ListRow[], nowMs: number, withReasons: boolean): void {
  const headers = ['ID', 'ORG', 'STATE', 'IN STATE', 'LAST PROGRESS', 'ATTEMPTS', 'LAST ERROR', 'LOCK'];
  const cells = rows.map((r) => [
    r.id,
    r.org,
    r.state,
    r.timeInState,
    `${age(r.lastProgress, nowMs)} ago`,
    String(r.attempts),
    r.lastError ? `${r.lastError.code}: ${r.lastError.message}` : '-',
    lockText(r.lock),
  ]);
  out(ctx, table(headers, cells));
  if (!withReasons) return;
  for (const r of rows) {
    out(ctx, `\n${r.id} is stalled:`);
    for (const reason of r.stallReasons) out(ctx, `  ${reason.code}: ${reason.message}`);
  }
}

function parseStallHours(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const hours = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(hours > 0))
    throw new UsageError(`--stall-hours: expected a positive number of hours, found ${JSON.stringify(value)}`);
  return hours;
}

/** 0 means no limit. */
function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return DEFAULT_LIST_LIMIT;
  if (!/^\d+$/.test(value.trim()))
    throw new UsageError(
      `--limit: expected a whole number of migrations, found ${JSON.stringify(value)}`,
      '--limit 0 lists them all',
    );
  return Number(value) === 0 ? undefined : Number(value);
}

interface ListQuery {
  filter: MigrationFilter;
  stalled: boolean;
  stallHours?: number;
  limit?: number;
}

/** Every option checked before anything is opened: bad input exits 2 with the database untouched. */
function parseQuery(opts: ListOptions): ListQuery {
  if (opts.status && !MIGRATION_STATUSES.includes(opts.status as MigrationStatus)) {
    throw new UsageError(`--status ${opts.status} is not a status`, `use one of: ${MIGRATION_STATUSES.join(', ')}`);
  }
  return {
    filter: { status: opts.status as MigrationStatus | undefined, orgId: opts.org },
    stalled: Boolean(opts.stalled),
    stallHours: parseStallHours(opts.stallHours),
    limit: parseLimit(opts.limit),
  };
}

/**
 * The rows to show and how many there are in all. Stalled migrations are judged over every migration that
 * matches the filter (an old stall is the one most worth seeing), then limited.
 */
async function selectRows(
  store: MigrationStore,
  q: ListQuery,
  nowMs: number,
): Promise<{ rows: ListRow[]; total: number }> {
  const now = new Date(nowMs).toISOString();
  const toRow = (m: MigrationSummary) => listRow(m, nowMs, now, q.stallHours);
  if (!q.stalled) {
    const page = await store.summaries(q.filter, q.limit);
    return { rows: page.summaries.map(toRow), total: page.total };
  }
  const stalled = (await store.summaries(q.filter)).summaries.map(toRow).filter((r) => r.stalled);
  return { rows: stalled.slice(0, q.limit), total: stalled.length };
}

export default async function list(_args: string[], opts: ListOptions, ctx: CliContext): Promise<number> {
  const q = parseQuery(opts);
  const { store } = await openReadStore(ctx, opts);
  try {
    const nowMs = ctx.clock.now();
    const { rows, total } = store ? await selectRows(store, q, nowMs) : { rows: [], total: 0 };
    if (opts.json) printJson(ctx, rows);
    else if (rows.length === 0) out(ctx, q.stalled ? 'no stalled migrations' : 'no migrations');
    else renderTable(ctx, rows, nowMs, q.stalled);
    if (rows.length < total)
      say(
        ctx,
        `showing ${rows.length} of ${total}${q.stalled ? ' stalled' : ''} migrations, most recently updated first; ` +
          '--limit 0 shows all',
      );
    return 0;
  } finally {
    await store?.close();
  }
}
