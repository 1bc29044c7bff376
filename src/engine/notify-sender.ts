// The sender of `watch --notify`: delivers the store's outbox (events written with the transitions that cause
// them) to each receiver, with retries and backoff, and marks each delivery sent. Exactly once as the receiver
// sees it, by its id: a crash between a post and its mark leaves the row claimed until the claim expires (by
// the store's clock), and the next sender posts the same event with the same delivery id again. One loop per
// receiver, so a receiver that keeps failing or hangs delays no other receiver, and never the fleet's drives.
import type { OutboxEvent } from '../core/notifications.js';
import type { Clock, Delivery, MigrationStore } from '../ports.js';
import { failpoint } from './failpoints.js';

export type PostResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** Where events go: an id the store knows it by (never the URL: it carries a token), and the post itself. */
export interface NotificationReceiver {
  id: string;
  post(event: OutboxEvent): Promise<PostResult>;
}

export type SenderEvent =
  | { kind: 'sent'; receiverId: string; event: OutboxEvent; attempts: number }
  | { kind: 'failed'; receiverId: string; event: OutboxEvent; error: string; retryInMs: number }
  | { kind: 'store-failed'; receiverId: string; message: string };

export interface SenderOptions {
  store: Pick<MigrationStore, 'registerReceivers' | 'claimDeliveries' | 'markDelivered' | 'markDeliveryFailed'>;
  receivers: NotificationReceiver[];
  /** user@host:pid: the claim's owner. */
  worker: string;
  clock: Clock;
  env?: Record<string, string | undefined>;
  /** First pause after a failed post; doubles with each failure of that delivery, up to `retryCapMs`. */
  retryBaseMs?: number;
  retryCapMs?: number;
  /** How long a claimed delivery is this worker's (longer than a post can take). */
  claimMs?: number;
  /** How often an idle receiver's loop looks for new events. */
  pollMs?: number;
  batch?: number;
  onEvent?: (event: SenderEvent) => void;
}

export const SENDER_DEFAULTS = { retryBaseMs: 5_000, retryCapMs: 15 * 60_000, claimMs: 60_000, pollMs: 1_000 };

export function retryDelay(attempts: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.min(attempts, 30));
}

export class OutboxSender {
  private wakers = new Set<() => void>();

  constructor(private readonly options: SenderOptions) {}

  /** Looks for new events now (after a drive recorded transitions). */
  kick(): void {
    for (const wake of this.wakers) wake();
  }

  /** Delivers until `signal` aborts; a post in flight is finished and marked first. */
  async run(signal: AbortSignal): Promise<void> {
    await this.options.store.registerReceivers(this.options.receivers.map((r) => r.id));
    await Promise.all(this.options.receivers.map((r) => this.loop(r, signal)));
  }

  /** Delivers what is due now, once round (the last pass of a stopping watch). */
  async drain(): Promise<void> {
    await Promise.all(this.options.receivers.map((r) => this.pass(r)));
  }

  private async loop(receiver: NotificationReceiver, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let busy = false;
      try {
        busy = await this.pass(receiver, signal);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.emit({ kind: 'store-failed', receiverId: receiver.id, message });
      }
      if (!busy) await this.idle(signal);
    }
  }

  /** One claim and its posts; true when it found work (look again at once). */
  private async pass(receiver: NotificationReceiver, signal?: AbortSignal): Promise<boolean> {
    const o = this.options;
    const claimMs = o.claimMs ?? SENDER_DEFAULTS.claimMs;
    const claimed = await o.store.claimDeliveries({
      receiverIds: [receiver.id],
      worker: o.worker,
      claimMs,
      limit: o.batch ?? 20,
    });
    for (const delivery of claimed) {
      if (signal?.aborted) break;
      await this.deliver(receiver, delivery);
    }
    return claimed.length > 0;
  }

  private async deliver(receiver: NotificationReceiver, d: Delivery): Promise<void> {
    const o = this.options;
    const result = await receiver
      .post(d.event)
      .catch((error: unknown): PostResult => ({ ok: false, status: null, error: errorText(error) }));
    if (result.ok) {
      // The crash window the delivery id exists for: posted, not yet marked.
      failpoint(o.env ?? {}, 'notify', 'after-call');
      await o.store.markDelivered(d.event.id, receiver.id, o.worker);
      this.emit({ kind: 'sent', receiverId: receiver.id, event: d.event, attempts: d.attempts + 1 });
      return;
    }
    const retryInMs = retryDelay(
      d.attempts,
      o.retryBaseMs ?? SENDER_DEFAULTS.retryBaseMs,
      o.retryCapMs ?? SENDER_DEFAULTS.retryCapMs,
    );
    const failure = { eventId: d.event.id, receiverId: receiver.id, worker: o.worker, error: result.error, retryInMs };
    await o.store.markDeliveryFailed(failure);
    this.emit({ kind: 'failed', receiverId: receiver.id, event: d.event, error: result.error, retryInMs });
  }

  private async idle(signal: AbortSignal): Promise<void> {
    const abort = new AbortController();
    const wake = () => abort.abort();
    this.wakers.add(wake);
    signal.addEventListener('abort', wake, { once: true });
    try {
      const until = this.options.clock.now() + (this.options.pollMs ?? SENDER_DEFAULTS.pollMs);
      await this.options.clock.sleepUntil(until, abort.signal);
    } catch {
      // Kicked or stopped.
    } finally {
      this.wakers.delete(wake);
      signal.removeEventListener('abort', wake);
    }
  }

  private emit(event: SenderEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A log line must never stop deliveries.
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
