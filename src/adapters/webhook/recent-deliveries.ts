// Jira retries a webhook delivery (same `x-atlassian-webhook-identifier`) when it thinks it failed, and may
// deliver late; each identifier must be acted on once. Memory is bounded: the oldest identifiers are forgotten
// first (a Set iterates in insertion order), which is safe because a forgotten duplicate only costs one extra
// ticket poll.
export class RecentDeliveries {
  private readonly seen = new Set<string>();

  constructor(private readonly limit = 10_000) {}

  /** True the first time an identifier is seen (and remembers it); false for a duplicate. */
  firstTime(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > this.limit) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  /** Lets a delivery we failed to process be retried by the sender. */
  forget(id: string): void {
    this.seen.delete(id);
  }

  get size(): number {
    return this.seen.size;
  }
}
