// cutover notifications: what `watch --notify` sent and what is stuck, from the store's outbox. Receivers are
// named by their id (a hash of the URL: `watch` prints which id is which URL's origin); the URLs themselves are
// never stored. Exit 0; with --failed, 3 when something is stuck (so a cron job can alert on it).
import { EXIT, UsageError } from '../../errors.js';
import type { Delivery } from '../../ports.js';
import type { CliContext, GlobalOptions } from '../wiring/context.js';
import { out, printJson, say, table } from '../terminal/output.js';
import { openReadStore } from '../wiring/store.js';

interface NotificationsOptions extends GlobalOptions {
  failed?: boolean;
  limit?: string;
}

export interface NotificationRow {
  id: string;
  type: string;
  migrationId: string;
  at: string;
  receiver: string;
  status: 'sent' | 'pending' | 'failing';
  attempts: number;
  sentAt: string | null;
  nextAttemptAt: string | null;
  lastError: string | null;
}

function rowOf(d: Delivery): NotificationRow {
  const status = d.sentAt ? 'sent' : d.attempts > 0 ? 'failing' : 'pending';
  return {
    id: d.event.id,
    type: d.event.type,
    migrationId: d.event.migrationId,
    at: d.event.at,
    receiver: d.receiverId,
    status,
    attempts: d.attempts,
    sentAt: d.sentAt,
    nextAttemptAt: d.sentAt ? null : d.nextAttemptAt,
    lastError: d.lastError,
  };
}

function limitOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return 50;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--limit must be a whole number, got "${raw}"`, '0 shows all');
  return n === 0 ? undefined : n;
}

export default async function notifications(
  _a: string[],
  opts: NotificationsOptions,
  ctx: CliContext,
): Promise<number> {
  const limit = limitOf(opts.limit);
  const { store, dbPath } = await openReadStore(ctx, opts);
  let rows: NotificationRow[] = [];
  try {
    rows = store ? (await store.deliveries({ failed: opts.failed, limit })).map(rowOf) : [];
  } finally {
    await store?.close();
  }
  const stuck = opts.failed && rows.length > 0;
  if (opts.json) printJson(ctx, rows);
  else if (rows.length === 0) say(ctx, `${opts.failed ? 'nothing stuck' : 'no notifications yet'} in ${dbPath}`);
  else {
    const cells = rows.map((r) => [
      r.at,
      r.type,
      r.migrationId,
      r.receiver,
      r.status,
      String(r.attempts),
      r.status === 'sent'
        ? (r.sentAt ?? '')
        : `${r.lastError ?? ''}${r.nextAttemptAt ? ` (next ${r.nextAttemptAt})` : ''}`,
    ]);
    out(ctx, table(['AT', 'EVENT', 'MIGRATION', 'RECEIVER', 'STATUS', 'TRIES', 'SENT / LAST ERROR'], cells));
  }
  return stuck ? EXIT.needsAttention : EXIT.ok;
}
