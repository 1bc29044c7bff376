// The fleet scheduler behind `cutover watch`. It keeps every active or waiting migration with the instant it
// is next due (due.ts), drives the due ones (`until-waiting`: each drive ends as soon as the migration sleeps
// again, so one slot serves many migrations), at most `concurrency` at once and at most `ratePerSecond` starts
// a second, and re-reads the store now and then so that new migrations join and finished ones drop out.
// A webhook wakes the migrations waiting on a ticket at once (`wakeTicket`). With `claims` (several workers on
// one store), each pass claims its due candidates in one call and drives only those granted (claimer.ts).
import { setMaxListeners } from 'node:events';
import type { MigrationEvent } from '../../core/machine-types.js';
import { storedDueAt } from '../../core/due.js';
import type { DriveResult } from '../engine.js';
import { LockedError, UsageError } from '../../errors.js';
import type { Clock, LeaseRequest, MigrationStore, TicketTracker } from '../../ports.js';
import { claimCandidates, releaseAll, type SchedulerClaims } from './claimer.js';
import { isFinal, storedDue } from './due.js';
import { byUrgency, effectiveDue, type Entry, isPoll, mergeListing } from './entry.js';
import { TicketBatcher } from './ticket-batch.js';
import { TokenBucket } from './token-bucket.js';
import {
  countOutcome,
  emptySummary,
  type DriveOne,
  type WatchedMigration,
  type WatchEvent,
  type WatchSummary,
} from './types.js';

export type { DriveOne, WatchedMigration, WatchEvent, WatchSummary } from './types.js';
export type { SchedulerClaims } from './claimer.js';

export interface SchedulerOptions {
  store: Pick<MigrationStore, 'fleet'>;
  drive: DriveOne;
  clock: Clock;
  concurrency: number;
  ratePerSecond: number;
  orgId?: string;
  /** How often the store is re-read for new and finished migrations. */
  refreshMs?: number;
  /** How long a migration whose lease another runner holds is left alone. */
  lockedRetryMs?: number;
  /** First pause after a drive failed with an error; doubles with each failure in a row, up to an hour. */
  errorRetryMs?: number;
  onEvent?: (event: WatchEvent) => void;
  /**
   * The ticket tracker a migration's polls use. Given, due polls of one Jira site are read by batch searches
   * (ticket-batch.ts); without it every poll reads its own ticket.
   */
  trackerFor?: (m: WatchedMigration) => TicketTracker | undefined;
  /** On stop, running drives get this long to reach their next wait before they are stopped mid-drive. */
  graceMs?: number;
  /**
   * Several workers on one store (engine/claims.ts's fleetClaims): the due migrations of a pass are claimed in
   * one call and only the granted ones driven, under their claimed lease. Without it each drive takes its lease.
   */
  claims?: SchedulerClaims;
}

const MAX_PAUSE_MS = 60_000;
const MAX_ERROR_RETRY_MS = 3_600_000;

export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly bucket: TokenBucket;
  private readonly drives = new AbortController();
  private readonly summary: WatchSummary = emptySummary();
  private readonly leftToOthers = new Set<string>();
  private nextRefreshAt = 0;
  private stopped = false;
  private fatal: unknown = null;
  /** Set by kick(): something changed since the loop last looked, so its next pause must not sleep. */
  private dirty = false;
  private pauseAbort: AbortController | null = null;
  private watchedCount = -1;
  private readonly batcher: TicketBatcher | null;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: SchedulerOptions) {
    this.bucket = new TokenBucket(options.ratePerSecond, 1, () => options.clock.now());
    // Each running drive links one listener to the stop signal and removes it when done, so up to `concurrency`
    // listeners is the design, not a leak (Node warns past 10).
    setMaxListeners(options.concurrency + 1, this.drives.signal);
    const { trackerFor } = options;
    this.batcher = trackerFor
      ? new TicketBatcher({
          trackerFor,
          now: () => options.clock.now(),
          dueOf: (e) => effectiveDue(e as Entry),
          kick: () => this.kick(),
          emit: (event) => this.emit(event),
        })
      : null;
  }

  /** Runs until `signal` aborts (mode 'forever') or after one pass over what is due now (mode 'once'). */
  async run(signal: AbortSignal, mode: 'once' | 'forever' = 'forever'): Promise<WatchSummary> {
    const onAbort = () => this.stop();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) this.stop();
    try {
      await (mode === 'once' ? this.onePass() : this.loop());
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.stop();
      await Promise.allSettled(this.running.values());
      clearTimeout(this.graceTimer);
    }
    if (this.fatal) throw this.fatal;
    return { ...this.summary, leftToOthers: this.leftToOthers.size };
  }

  /** Wakes every watched migration whose ticket is `key`; returns their ids (empty: not a ticket we wait on). */
  async wakeTicket(key: string): Promise<string[]> {
    let matches = this.withTicket(key);
    // A ticket filed moments ago by another runner may not be known yet: look in the store before giving up.
    if (matches.length === 0 && !this.stopped) {
      await this.refresh();
      matches = this.withTicket(key);
    }
    for (const e of matches) {
      this.batcher?.forget(e);
      e.wake = true;
      this.emit({ kind: 'woken', id: e.id, orgId: e.orgId, ticketKey: key });
    }
    if (matches.length > 0) this.kick();
    return matches.map((e) => e.id);
  }

  private withTicket(key: string): Entry[] {
    const wanted = key.toUpperCase();
    return [...this.entries.values()].filter((e) => e.ticketKey?.toUpperCase() === wanted);
  }

  private stop(): void {
    this.stopped = true;
    const grace = this.options.graceMs ?? 0;
    if (grace <= 0) this.drives.abort();
    else this.graceTimer ??= setTimeout(() => this.drives.abort(), grace);
    this.kick();
  }

  private kick(): void {
    this.dirty = true;
    this.pauseAbort?.abort();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.dirty = false;
      if (this.options.clock.now() >= this.nextRefreshAt) await this.refreshOrCarryOn();
      const next = await this.launchDue(() => true);
      await this.pause(Math.min(next, this.nextRefreshAt));
    }
  }

  /** Drives each migration due at the start of the pass once, then returns. */
  private async onePass(): Promise<void> {
    await this.refresh();
    const now = this.options.clock.now();
    const pending = new Set([...this.entries.values()].filter((e) => effectiveDue(e) <= now).map((e) => e.id));
    while (!this.stopped && (pending.size > 0 || this.running.size > 0)) {
      this.dirty = false;
      // Started, or not granted (another worker drives it, or the claim failed): this pass is done with it.
      const next = await this.launchDue(
        (e) => pending.has(e.id),
        (id) => pending.delete(id),
      );
      for (const id of this.running.keys()) pending.delete(id);
      await this.pause(next);
    }
  }

  /**
   * Starts what is due, within the concurrency and rate limits; returns when to look again. With claims, the
   * candidates not granted are passed to `notGranted`.
   */
  private async launchDue(eligible: (e: Entry) => boolean, notGranted?: (id: string) => void): Promise<number> {
    const picked: Entry[] = [];
    const start = (e: Entry) => (this.options.claims ? picked.push(e) : this.launch(e));
    const next = this.pickDue(eligible, start, () => this.running.size + picked.length);
    if (picked.length === 0) return next;
    const passed = await this.claimAndLaunch(this.options.claims!, picked);
    for (const e of passed) notGranted?.(e.id);
    return next;
  }

  /** Hands each due migration to `start` in urgency order while slots and rate allow; returns when to look again. */
  private pickDue(eligible: (e: Entry) => boolean, start: (e: Entry) => void, busy: () => number): number {
    const now = this.options.clock.now();
    const idle = [...this.entries.values()].filter((e) => !this.running.has(e.id) && eligible(e));
    // Computed once per pass: a batch search starts a little before its polls are due (ticket-batch.ts).
    const dues = new Map(idle.map((e) => [e, effectiveDue(e) - (this.batcher?.leadMs(e) ?? 0)]));
    const dueOf = (e: Entry) => dues.get(e) ?? effectiveDue(e);
    idle.sort(byUrgency(now, dueOf));
    // Batch searches start whatever the drive limits: a search is not a drive, and must not wait behind the
    // polls an earlier batch woke. A held poll waits for its site's search, which kicks the loop when it ends.
    const held = new Set(
      this.batcher && !this.stopped ? idle.filter((e) => dueOf(e) <= now && this.batcher!.hold(e, idle)) : [],
    );
    for (const e of idle) {
      const due = dueOf(e);
      if (due > now) return due;
      if (held.has(e)) continue;
      // Full: a finishing drive kicks the loop.
      if (this.stopped || busy() >= this.options.concurrency) return Infinity;
      if (!this.bucket.tryTake()) return this.bucket.nextTokenAt();
      start(e);
    }
    return Infinity;
  }

  /**
   * One claim for the pass's candidates: the granted ones start; the others another worker drives, and are left
   * alone for a while. A failed claim (the store away) fails each candidate as its drive would have.
   * Returns the candidates not started.
   */
  private async claimAndLaunch(claims: SchedulerClaims, picked: Entry[]): Promise<Entry[]> {
    const { granted, elsewhere, error } = await claimCandidates(claims, picked);
    if (this.stopped) {
      await releaseAll(claims, granted);
      return picked;
    }
    for (const g of granted) this.launch(g.entry, g.lease);
    if (elsewhere.length === 0) return [];
    // A wake is used up as a drive would use it (the holder re-checks on its own wake), or it would claim again
    // at once, pass after pass.
    for (const e of elsewhere) e.wake = false;
    // Their starts were not used: the rate limit counts drives, and another pass may start others now.
    this.bucket.giveBack(elsewhere.length);
    this.kick();
    if (error) {
      for (const e of elsewhere) this.failed(e, error);
      return elsewhere;
    }
    const retryAt = this.options.clock.now() + (this.options.lockedRetryMs ?? 15_000);
    for (const e of elsewhere) {
      e.notBefore = retryAt;
      this.leftToOthers.add(e.id);
    }
    this.emit({ kind: 'claimed-elsewhere', count: elsewhere.length, retryAt });
    return elsewhere;
  }

  private launch(e: Entry, lease?: LeaseRequest): void {
    const woken = e.wake;
    e.wake = false;
    e.urgentSince = undefined;
    e.statusWaiting = false;
    this.summary.drives++;
    this.emit({ kind: 'started', id: e.id, orgId: e.orgId, woken });
    const event: MigrationEvent | undefined = woken ? { type: 'WAKE' } : undefined;
    // One signal per drive, linked to the stop: the engine's abort listener then goes away with the drive
    // instead of piling up on a signal that lives as long as the watch.
    const own = new AbortController();
    const abortOwn = () => own.abort();
    this.drives.signal.addEventListener('abort', abortOwn, { once: true });
    const task = (async () => {
      try {
        this.finished(e, await this.options.drive(e, { event, signal: own.signal, ...(lease ? { lease } : {}) }));
      } catch (error) {
        // A drive that failed before the engine took the claimed lease over (its configuration unreadable, say)
        // gives it back, or the migration would wait out the lease; after the engine released it, a no-op.
        if (lease) await this.options.claims?.release(e.id, lease.nonce).catch(() => {});
        this.failed(e, error);
      } finally {
        this.drives.signal.removeEventListener('abort', abortOwn);
        this.running.delete(e.id);
        this.kick();
      }
    })();
    this.running.set(e.id, task);
  }

  private finished(e: Entry, result: DriveResult): void {
    e.generation++;
    e.notBefore = 0;
    e.failures = 0;
    countOutcome(this.summary, result.status);
    if (isFinal(result.status)) this.entries.delete(e.id);
    if (result.status !== 'interrupted') {
      e.ticketKey = result.context.ticket?.key ?? e.ticketKey;
      // As the store wrote it with the drive's last transition, so that a claim compares like with like.
      e.storedDueAt = storedDueAt(result.state, result.context);
      e.dueAt = storedDue(e.storedDueAt, this.options.clock.now());
      e.polling = isPoll(result.state);
    }
    const nextAt =
      isFinal(result.status) || result.status === 'interrupted' ? null : e.wake ? this.options.clock.now() : e.dueAt;
    this.emit({ kind: 'finished', id: e.id, orgId: e.orgId, result, nextAt });
  }

  private failed(e: Entry, error: unknown): void {
    e.generation++;
    const now = this.options.clock.now();
    if (error instanceof LockedError) {
      this.summary.locked++;
      e.notBefore = now + (this.options.lockedRetryMs ?? 15_000);
      this.emit({ kind: 'locked', id: e.id, orgId: e.orgId, message: error.message, retryAt: e.notBefore });
      return;
    }
    // Bad configuration fails every drive alike: stop the watch and let the command report it (exit 2).
    if (error instanceof UsageError) {
      this.fatal ??= error;
      this.stop();
      return;
    }
    this.summary.failed++;
    e.failures++;
    const base = this.options.errorRetryMs ?? 60_000;
    e.notBefore = now + Math.min(MAX_ERROR_RETRY_MS, base * 2 ** (e.failures - 1));
    this.emit({
      kind: 'failed',
      id: e.id,
      orgId: e.orgId,
      message: messageOf(error),
      retryAt: e.notBefore,
    });
  }

  /** A long-running watch outlives a store hiccup (a busy database): it keeps what it knows and reads again later. */
  private async refreshOrCarryOn(): Promise<void> {
    try {
      await this.refresh();
    } catch (error) {
      this.nextRefreshAt = this.options.clock.now() + (this.options.refreshMs ?? 5_000);
      this.emit({ kind: 'refresh-failed', message: messageOf(error) });
    }
  }

  /**
   * Re-reads the watched migrations from the light listing (stored due times, no snapshots; plans only for the
   * ones not known yet): adds new ones, drops those that left, refreshes idle ones.
   */
  private async refresh(): Promise<void> {
    const generations = new Map([...this.entries].map(([id, e]) => [id, e.generation]));
    const { store, orgId } = this.options;
    const listing = await store.fleet({ orgId }, new Set(generations.keys()));
    const now = this.options.clock.now();
    const idle = (id: string) => !this.running.has(id) && this.entries.get(id)?.generation === generations.get(id);
    mergeListing(this.entries, listing, { knownAtRead: generations, idle, now });
    this.nextRefreshAt = now + (this.options.refreshMs ?? 5_000);
    if (this.entries.size !== this.watchedCount) this.emit({ kind: 'watching', count: this.entries.size });
    this.watchedCount = this.entries.size;
  }

  /** Sleeps until `until` (at most a minute), or until kicked or stopped. */
  private async pause(until: number): Promise<void> {
    if (this.dirty || this.stopped) return;
    const abort = new AbortController();
    this.pauseAbort = abort;
    try {
      await this.options.clock.sleepUntil(Math.min(until, this.options.clock.now() + MAX_PAUSE_MS), abort.signal);
    } catch {
      // Kicked: something changed.
    } finally {
      this.pauseAbort = null;
    }
  }

  private emit(event: WatchEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A progress printer must never break the scheduler.
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
