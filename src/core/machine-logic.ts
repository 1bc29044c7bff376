// Pure helpers of the migration machine: the decisions its guards and actions make, kept apart from the
// XState wiring so that each is a plain function with its own unit test.
import type { CheckResult } from './preflight.js';
import type { MigrationContext, MigrationEvent, TicketPollOutput, VerificationOutput } from './machine-types.js';
import { MANUAL_SOLUTIONS } from './machine-types.js';
import { overrideProblem, readStopInstant, type OverrideRequest } from './resolution.js';
import type { Mark, Marks, StoredError } from './types.js';

type EventOf<T extends MigrationEvent['type']> = Extract<MigrationEvent, { type: T }>;

const MAX_RETRY_DELAY_MS = 5 * 60_000;

/** FNV-1a: a deterministic jitter source, since the pure core may not read a random generator. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Exponential backoff with jitter in [50%, 100%], capped, so a fleet does not retry in lock-step. */
export function retryDelayMs(baseMs: number, attempt: number, seed: string, capMs = MAX_RETRY_DELAY_MS): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  const jitter = 0.5 + (hash32(`${seed}:${attempt}`) % 1000) / 2000;
  return Math.round(ceiling * jitter);
}

/** Errors arrive from actors as stored data; anything else is wrapped so the snapshot stays plain. */
export function asStoredError(error: unknown, fallbackAt: string): StoredError {
  if (error && typeof error === 'object' && 'code' in error && 'message' in error && 'at' in error) {
    return error as StoredError;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message, at: fallbackAt, retryable: false };
}

export function canRetry(ctx: MigrationContext, error: StoredError): boolean {
  return error.retryable && ctx.attempts + 1 < ctx.plan.polling.maxAttempts;
}

export function isSkipped(ctx: MigrationContext, checkId: string): boolean {
  return ctx.skippedChecks.some((s) => s.check === checkId);
}

export function blockingChecks(ctx: MigrationContext, results: CheckResult[]): CheckResult[] {
  return results.filter((r) => r.status === 'fail' && !isSkipped(ctx, r.id));
}

/** When the ticket was filed: the lower bound of any instant the legacy pipe can have stopped at. */
export function filedAt(ctx: MigrationContext): string | null {
  return ctx.marks.ticket_filed?.at ?? ctx.ticket?.createdAt ?? null;
}

/**
 * The instant Jira says the legacy pipe stopped: `resolutiondate`, else the changelog's move to done, each only
 * when plausible (see resolution.ts); null when neither is.
 */
export function legacyStoppedMark(ctx: MigrationContext, poll: TicketPollOutput): Mark | null {
  const reading = readStopInstant(poll, filedAt(ctx));
  return 'mark' in reading ? reading.mark : null;
}

/** The override an operator event asks for, as the pure rule in resolution.ts sees it. */
export function overrideRequestOf(ctx: MigrationContext, e: EventOf<'SET_RESOLUTION'>): OverrideRequest {
  const last = ctx.lastPoll;
  const polled = last
    ? {
        statusName: last.statusName,
        statusCategory: last.statusCategory,
        source: 'last_poll' as const,
        observedAt: last.at,
      }
    : null;
  return {
    migrationId: ctx.migrationId,
    ticketKey: ctx.ticket?.key ?? null,
    filedAt: filedAt(ctx),
    alreadyStopped: Boolean(ctx.marks.legacy_stopped),
    resolvedAt: e.resolvedAt,
    now: e.at,
    ticket: e.ticketStatus ?? polled,
    force: e.force === true && e.reason.trim() !== '',
  };
}

/** Defence in depth: the machine takes no override the CLI would have refused. */
export function overrideAllowed(ctx: MigrationContext, e: EventOf<'SET_RESOLUTION'>): boolean {
  return overrideProblem(overrideRequestOf(ctx, e)) === null;
}

export function mergeSeen(ctx: MigrationContext, out: VerificationOutput): Record<string, string> {
  const seen = { ...ctx.seenAudiences };
  for (const [id, at] of Object.entries(out.seen)) {
    if (ctx.plan.audiences.includes(id) && !seen[id]) seen[id] = at;
  }
  return seen;
}

/** First data = the earliest of the first audience seen in Audience Manager and the first successful run. */
export function firstDataMark(seen: Record<string, string>, firstRunAt: string | null): Mark | null {
  const candidates: Mark[] = Object.values(seen).map((at) => ({ at, source: 'aam.segment' }));
  if (firstRunAt) candidates.push({ at: firstRunAt, source: 'flowservice.run' });
  candidates.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return candidates[0] ?? null;
}

export function missingConfirmations(ctx: MigrationContext): string[] {
  return ctx.plan.solutions.filter((s) => MANUAL_SOLUTIONS.includes(s) && !ctx.confirmations[s]);
}

export function unseenAudiences(ctx: MigrationContext): string[] {
  if (!ctx.plan.solutions.includes('audience_manager')) return [];
  return ctx.plan.audiences.filter((id) => !ctx.seenAudiences[id]);
}

export function verificationComplete(ctx: MigrationContext): boolean {
  return unseenAudiences(ctx).length === 0 && missingConfirmations(ctx).length === 0;
}

export function addMarks(marks: Marks, added: Marks): Marks {
  return { ...marks, ...added };
}

export function markerFor(migrationId: string): string {
  return `cutover-${migrationId}`;
}

/** `awaiting_resolution.sleeping` — the dotted path of the active leaf. */
export function stateName(snapshot: { value: unknown }): string {
  const walk = (value: unknown): string =>
    typeof value === 'string'
      ? value
      : (Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}.${walk(v)}`)[0] ?? '');
  return walk(snapshot.value);
}
