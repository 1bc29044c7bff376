// A manual clock for tests. In `auto` mode every wait jumps time forward to its deadline at once, so a
// whole migration runs to completion in milliseconds with deterministic instants; scheduled callbacks
// (`at`) let a test make the world change when time passes a given instant.
import type { Clock } from '../../../src/ports.js';

interface Waiter {
  at: number;
  resolve: () => void;
}

export class FakeClock implements Clock {
  private waiters: Waiter[] = [];
  private scheduled: { at: number; run: () => void }[] = [];

  constructor(
    private t: number,
    private readonly auto = false,
  ) {}

  now(): number {
    return this.t;
  }

  sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (at <= this.t) return Promise.resolve();
    if (this.auto) {
      return new Promise((resolve) =>
        setImmediate(() => {
          this.set(Math.max(this.t, at));
          resolve();
        }),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter = { at, resolve };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(signal.reason);
      });
    });
  }

  /** Runs `run` once the clock reaches `at`. */
  at(at: number, run: () => void): void {
    this.scheduled.push({ at, run });
  }

  advance(ms: number): void {
    this.set(this.t + ms);
  }

  set(t: number): void {
    this.t = t;
    for (const s of this.scheduled.filter((x) => x.at <= t)) s.run();
    this.scheduled = this.scheduled.filter((x) => x.at > t);
    const due = this.waiters.filter((w) => w.at <= t);
    this.waiters = this.waiters.filter((w) => w.at > t);
    for (const w of due) w.resolve();
  }

  /** Earliest pending wait, for tests that step from one deadline to the next. */
  nextWait(): number | null {
    return this.waiters.reduce<number | null>((min, w) => (min === null || w.at < min ? w.at : min), null);
  }
}
