// Intent → call → outcome, the frame every effect runs in: an intent row before the remote call, an outcome
// row after it, failures as plain data. Kept apart from the effects themselves so that each group of effects
// (effects.ts, rollback-effects.ts) can use it without importing the other.
import { createHash } from 'node:crypto';
import { isoNow } from '../core/time.js';
import { toStoredError } from '../errors.js';
import type { Clock, EffectIntent, MigrationStore } from '../ports.js';
import { failpoint } from './failpoints.js';
import type { EngineSettings, Services } from './types.js';

export interface EffectDeps {
  store: MigrationStore;
  services: Services;
  clock: Clock;
  settings: EngineSettings;
  env: Record<string, string | undefined>;
  /** Resolves once every queued transition is on disk: an intent is never written ahead of its state. */
  flushed: () => Promise<void>;
  /**
   * Writes an effect's intent no earlier than the state it runs in, ideally in the same transaction; resolves
   * with the number of attempts the effect has now had. Without it the intent waits for `flushed`.
   */
  persistIntent?: (intent: EffectIntent) => Promise<number>;
  /** Effects still running: a stopping drive waits for them before it gives up its lease. */
  inFlight?: Set<Promise<unknown>>;
}

export interface Done<T> {
  value: T;
  remoteId: string | null;
  adopted: boolean;
}

function fingerprint(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex').slice(0, 32);
}

/**
 * Intent → call → outcome, with failures stored as plain data (the machine never sees an Error).
 * `call` learns whether an earlier attempt wrote an intent: only then can a remote object already exist.
 */
type EffectCall<T> = (earlierAttempt: boolean) => Promise<Done<T>>;

export function runEffect<T>(
  deps: EffectDeps,
  migrationId: string,
  step: string,
  request: unknown,
  call: EffectCall<T>,
): Promise<T> {
  // Tracked so that an interrupted drive keeps its lease until the remote call has an outcome: releasing it
  // earlier would let a second runner reconcile before the first runner's create has landed.
  const running = effectBody(deps, migrationId, step, request, call);
  deps.inFlight?.add(running);
  const untrack = () => deps.inFlight?.delete(running);
  running.then(untrack, untrack);
  return running;
}

/** The fallback when no persister rides intents along with transitions: flush, write, count. */
async function intentAfterFlush(deps: EffectDeps, intent: EffectIntent): Promise<number> {
  await deps.flushed();
  await deps.store.recordIntent(intent);
  return (await deps.store.effects(intent.migrationId)).find((e) => e.key === intent.key)?.attempts ?? 1;
}

async function effectBody<T>(
  deps: EffectDeps,
  migrationId: string,
  step: string,
  request: unknown,
  call: EffectCall<T>,
): Promise<T> {
  const key = `${migrationId}:${step}`;
  // Called before the first await on purpose: xstate starts an invoked effect before it reports the state the
  // effect runs in, so the intent can join that state's transaction (one fsync on the critical path, not two).
  const intent = { migrationId, key, step, fingerprint: fingerprint(request), at: isoNow(deps.clock) };
  const attempts = await (deps.persistIntent ? deps.persistIntent(intent) : intentAfterFlush(deps, intent));
  failpoint(deps.env, step, 'before-call');
  let done: Done<T>;
  try {
    done = await call(attempts > 1);
    failpoint(deps.env, step, 'after-call');
  } catch (err) {
    const error = toStoredError(err, isoNow(deps.clock), step);
    await deps.store.recordOutcome({ key, status: 'failed', remoteId: null, at: error.at, error });
    throw error;
  }
  await deps.store.recordOutcome({
    key,
    status: done.adopted ? 'adopted' : 'created',
    remoteId: done.remoteId,
    at: isoNow(deps.clock),
  });
  failpoint(deps.env, step, 'after-outcome');
  return done.value;
}

/** Reads have no intent rows, but their failures must still reach the machine as stored data. */
export async function asData<T>(deps: EffectDeps, step: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw toStoredError(err, isoNow(deps.clock), step);
  }
}

export async function ensure<T extends { id: string }>(
  find: () => Promise<T | null>,
  create: () => Promise<T>,
): Promise<Done<{ id: string }>> {
  const found = await find();
  if (found) return { value: { id: found.id }, remoteId: found.id, adopted: true };
  const made = await create();
  return { value: { id: made.id }, remoteId: made.id, adopted: false };
}

/** A comment on a ticket, once: reconciled by the marker text the comment carries. */
export async function comment(
  deps: EffectDeps,
  migrationId: string,
  step: string,
  key: string,
  marker: string,
  text: string,
): Promise<void> {
  await runEffect(deps, migrationId, step, { key, marker }, async () => {
    const exists = await deps.services.tracker.hasComment(key, marker);
    if (!exists) await deps.services.tracker.comment(key, text);
    return { value: undefined, remoteId: key, adopted: exists };
  });
}
