// The in-memory notification outbox, with the SQLite outbox's semantics (adapters/sqlite/outbox.ts), proven by
// the same contract cases (test/sqlite/store-contract.ts): one event per id, a delivery per registered
// receiver, claims and retries judged by the store's clock, a migration's events claimed in order.
import type { OutboxEvent } from '../../core/notifications.js';
import type { Delivery, DeliveryClaim, DeliveryFailure } from '../../ports.js';
import { utc } from '../sqlite/canonical.js';

interface Row extends Delivery {
  seq: number;
}

export class MemoryOutbox {
  private readonly ids = new Set<string>();
  private readonly receivers = new Set<string>();
  private readonly rows: Row[] = [];
  private seq = 0;

  constructor(private readonly now: () => number) {}

  private nowIso(offsetMs = 0): string {
    return new Date(this.now() + offsetMs).toISOString();
  }

  /** Call only once everything else of the transition is known to succeed. */
  insert(event: OutboxEvent): void {
    if (this.ids.has(event.id)) return;
    this.ids.add(event.id);
    const stored: OutboxEvent = JSON.parse(JSON.stringify({ ...event, at: utc(event.at) }));
    const seq = ++this.seq;
    const nextAttemptAt = this.nowIso();
    for (const receiverId of this.receivers) {
      this.rows.push({
        seq,
        event: stored,
        receiverId,
        attempts: 0,
        nextAttemptAt,
        ...unclaimed,
        sentAt: null,
        lastError: null,
      });
    }
  }

  register(receiverIds: string[]): void {
    for (const id of receiverIds) this.receivers.add(id);
  }

  claim(c: DeliveryClaim): Delivery[] {
    const now = this.nowIso();
    const until = this.nowIso(c.claimMs);
    const claimed: Delivery[] = [];
    for (const receiver of c.receiverIds) {
      const unsent = this.rows.filter((r) => r.receiverId === receiver && r.sentAt === null);
      const heads = unsent.filter(
        (r) => !unsent.some((o) => o.event.migrationId === r.event.migrationId && o.seq < r.seq),
      );
      const due = heads.filter((r) => r.nextAttemptAt <= now && (r.claimedUntil === null || r.claimedUntil <= now));
      for (const row of due.slice(0, c.limit)) {
        Object.assign(row, { claimedBy: c.worker, claimedUntil: until });
        claimed.push(copy(row));
      }
    }
    return claimed;
  }

  private claimedRow(eventId: string, receiverId: string, worker: string): Row | undefined {
    const now = this.nowIso();
    return this.rows.find(
      (r) =>
        r.event.id === eventId &&
        r.receiverId === receiverId &&
        r.sentAt === null &&
        r.claimedBy === worker &&
        r.claimedUntil !== null &&
        r.claimedUntil > now,
    );
  }

  delivered(eventId: string, receiverId: string, worker: string): boolean {
    const row = this.claimedRow(eventId, receiverId, worker);
    if (!row) return false;
    Object.assign(row, { sentAt: this.nowIso(), attempts: row.attempts + 1, ...unclaimed });
    return true;
  }

  failed(f: DeliveryFailure): boolean {
    const row = this.claimedRow(f.eventId, f.receiverId, f.worker);
    if (!row) return false;
    const next = { attempts: row.attempts + 1, lastError: f.error, nextAttemptAt: this.nowIso(f.retryInMs) };
    Object.assign(row, next, unclaimed);
    return true;
  }

  list(filter: { failed?: boolean; limit?: number }): Delivery[] {
    const chosen = this.rows.filter((r) => !filter.failed || (r.sentAt === null && r.attempts > 0));
    chosen.sort((a, b) => b.seq - a.seq || (a.receiverId < b.receiverId ? -1 : 1));
    return chosen.slice(0, filter.limit ?? chosen.length).map(copy);
  }
}

const unclaimed = { claimedBy: null, claimedUntil: null } as const;

function copy({ seq: _seq, ...delivery }: Row): Delivery {
  return structuredClone(delivery);
}
