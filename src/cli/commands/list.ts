// cutover list: every migration's true state in one look; with --stalled, only those a human must look at,
// each with its reasons (src/core/stall.ts decides). The --json keys are stable (docs/runbook.md).
import { stallReasons, type StallReason } from '../../core/stall.js';
import type { MigrationStatus } from '../../core/types.js';
import { UsageError } from '../../errors.js';
import type { Lease, MigrationSummary } from '../../ports.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { age, out, printJson, table } from '../output.js';
import { openReadStore } from '../store.js';

const STATUSES: MigrationStatus[] = ['active', 'waiting', 'needs_attention', 'completed', 'cancelled'];

interface ListOptions extends GlobalOptions {
  status?: string;
  org?: string;
  stalled?: boolean;
  stallHours?: string;
}

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
  return { holder: lease.holder, lockId: lease.nonce, since: lease.acquiredAt, expiresAt: lease.expiresAt, expired: Date.parse(lease.expiresAt) < nowMs };
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
  return `${lock.holder} [${lock.lockId}] since ${lock.since}, expires ${lock.expiresAt}${lock.expired ? ' (expired)' : ''}`;
}

function renderTable(ctx: CliContext, rows: ListRow[], nowMs: number, withReasons: boolean): void {
  const headers = ['ID', 'ORG', 'STATE', 'IN STATE', 'LAST PROGRESS', 'ATTEMPTS', 'LAST ERROR', 'LOCK'];
  const cells = rows.map((r) => [
    r.id, r.org, r.state, r.timeInState, `${age(r.lastProgress, nowMs)} ago`, String(r.attempts),
    r.lastError ? `${r.lastError.code}: ${r.lastError.message}` : '-', lockText(r.lock),
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
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(hours > 0)) throw new UsageError(`--stall-hours: expected a positive number of hours, found ${JSON.stringify(value)}`);
  return hours;
}

export default async function list(_args: string[], opts: ListOptions, ctx: CliContext): Promise<number> {
  if (opts.status && !STATUSES.includes(opts.status as MigrationStatus)) {
    throw new UsageError(`--status ${opts.status} is not a status`, `use one of: ${STATUSES.join(', ')}`);
  }
  const stallHours = parseStallHours(opts.stallHours);
  const { store } = openReadStore(ctx, opts);
  try {
    const nowMs = ctx.clock.now();
    const summaries = store ? await store.summaries({ status: opts.status as MigrationStatus | undefined, orgId: opts.org }) : [];
    const now = new Date(nowMs).toISOString();
    const all = summaries.map((m) => listRow(m, nowMs, now, stallHours));
    const rows = opts.stalled ? all.filter((r) => r.stalled) : all;
    if (opts.json) printJson(ctx, rows);
    else if (rows.length === 0) out(ctx, opts.stalled ? 'no stalled migrations' : 'no migrations');
    else renderTable(ctx, rows, nowMs, Boolean(opts.stalled));
    return 0;
  } finally {
    await store?.close();
  }
}
