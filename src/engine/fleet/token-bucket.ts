// Paces drive starts: `ratePerSecond` tokens a second, at most `capacity` saved up. With capacity 1 (what
// watch uses) starts are spaced 1/R apart, so no one-second window ever holds more than R starts, even
// right after a quiet spell; a larger capacity would allow bursts above R.
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    private readonly now: () => number,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('rate must be > 0');
    if (!(capacity >= 1)) throw new RangeError('capacity must be >= 1');
    this.tokens = capacity;
    this.last = now();
  }

  /** Takes a token when one is available. */
  tryTake(): boolean {
    this.refill();
    // The epsilon absorbs float rounding, so a start scheduled at nextTokenAt() is never refused.
    if (this.tokens < 1 - 1e-9) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    return true;
  }

  /** Returns tokens taken for starts that did not happen (a claim another worker won). */
  giveBack(n: number): void {
    this.refill();
    this.tokens = Math.min(this.capacity, this.tokens + n);
  }

  /** Epoch ms at which the next token is available (now when one is). */
  nextTokenAt(): number {
    this.refill();
    const t = this.now();
    if (this.tokens >= 1 - 1e-9) return t;
    return t + Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }

  private refill(): void {
    const t = this.now();
    // A clock that steps back (NTP) must not mint or burn tokens.
    const elapsed = Math.max(0, t - this.last);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.ratePerSecond) / 1000);
    this.last = t;
  }
}
