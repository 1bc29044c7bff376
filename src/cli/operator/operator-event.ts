// Sends one operator event (skip, set-resolution, confirm, cancel) to a migration and proves it was taken.
// The machine silently ignores an event its current state does not accept; an operator must never be told
// "done" when nothing happened. So the engine checks the event against the stored state before anything is
// driven (checkOperatorEvent: a refused event restarts nothing), and the journal is checked afterwards for its
// operator row.
// When another runner drives the migration, the event goes to that runner through the store's inbox and the
// command reports what the runner made of it.
import type { MigrationEvent } from '../../core/machine-types.js';
import { checkOperatorEvent } from '../../engine/index.js';
import { CutoverError, EXIT, LockedError } from '../../errors.js';
import type { MigrationRecord } from '../../ports.js';
import type { CliContext } from '../wiring/context.js';
import { driveAndReport } from './drive.js';
import { deliverToRunner, type Delivery } from './inbox.js';
import { say } from '../terminal/output.js';
import type { Runtime } from '../wiring/runtime.js';

export { checkOperatorEvent, storedContext } from '../../engine/index.js';

export function refused(command: string, id: string, why: string, instead: string): CutoverError {
  return new CutoverError(`cutover ${command} was not applied to ${id}: ${why}`, 'EVENT_REFUSED', instead);
}

export interface OperatorSend {
  command: string;
  event: MigrationEvent & { by: string; at: string };
  /** Why the current state does not take the event, and what to do instead; used when the machine refuses it. */
  explain: (record: MigrationRecord) => { why: string; instead: string };
}

/** Pre-checks, drives with the event, then confirms the journal shows it; throws EVENT_REFUSED (exit 1) otherwise. */
export async function sendOperatorEvent(
  ctx: CliContext,
  runtime: Runtime,
  id: string,
  send: OperatorSend,
): Promise<number> {
  const record = await runtime.load(id);
  if (!checkOperatorEvent(record, send.event)) {
    const { why, instead } = send.explain(record);
    throw refused(send.command, id, why, instead);
  }
  const { code, delivered } = await driveOrDeliver(ctx, runtime, id, send);
  if (delivered) return code;
  const journal = await runtime.store.journal(id);
  // The journal row's own `at` is when it was persisted; the event's `at` travels in its data.
  const taken = journal.some(
    (row) =>
      row.kind === 'operator' &&
      row.name === send.event.type &&
      row.actor === send.event.by &&
      (row.data as { at?: string } | undefined)?.at === send.event.at,
  );
  if (!taken) {
    const { why, instead } = send.explain(await runtime.load(id));
    throw refused(send.command, id, `the migration did not take the event (${why})`, instead);
  }
  return code;
}

/** The state and error a refusal message names, so the operator sees where the migration actually is. */
export function whereItIs(record: MigrationRecord): string {
  const error = record.lastError ? ` with ${record.lastError.code}` : '';
  return `it is in ${record.state} (${record.status}${error})`;
}

/**
 * Drives with the event when nobody else does; when another live runner holds the lease, hands the event to it
 * through the inbox instead and reports its outcome (0 taken; a refusal as EVENT_REFUSED; 5 when not taken).
 */
export async function driveOrDeliver(
  ctx: CliContext,
  runtime: Runtime,
  id: string,
  send: OperatorSend,
): Promise<{ code: number; delivered: boolean }> {
  // Bounded: the lease can be released between our refusal and the post, once or twice, not forever.
  for (let attempt = 1; ; attempt++) {
    try {
      const code = await driveAndReport(ctx, runtime, id, { mode: 'until-waiting', event: send.event });
      return { code, delivered: false };
    } catch (err) {
      if (!(err instanceof LockedError) || err.code !== 'LOCKED' || attempt > 3) throw err;
    }
    const delivery = await deliverToRunner(ctx, runtime.store, id, send.event);
    if (delivery.kind === 'runner-gone') continue;
    return { code: await reportDelivery(ctx, runtime, id, send, delivery), delivered: true };
  }
}

async function reportDelivery(
  ctx: CliContext,
  runtime: Runtime,
  id: string,
  send: OperatorSend,
  d: Exclude<Delivery, { kind: 'runner-gone' }>,
): Promise<number> {
  const command = `cutover ${send.command}`;
  if (d.kind === 'settled' && d.outcome.status === 'accepted') {
    const { state, migrationStatus, by } = d.outcome;
    say(ctx, `${command} was taken by the runner driving ${id} (${by}): it is now in ${state} (${migrationStatus})`);
    return EXIT.ok;
  }
  if (d.kind === 'settled') {
    const { why, instead } = send.explain(await runtime.load(id));
    throw refused(send.command, id, `the runner driving it (${d.outcome.by}) did not take it: ${why}`, instead);
  }
  if (d.kind === 'claimed-unsettled') {
    const message = `the runner driving ${id} (${d.by}) took ${command} but has not recorded what came of it`;
    throw new CutoverError(message, 'EVENT_UNSETTLED', `cutover show ${id} shows whether it was applied`);
  }
  const { lease, waitedMs } = d;
  const holder = `${lease.holder} (lock id ${lease.nonce})`;
  throw new LockedError(
    `migration ${id} is being driven by ${holder}, which did not take ${command} within ${waitedMs / 1000} s; ` +
      'it was withdrawn and will not be applied',
    'EVENT_NOT_TAKEN',
    `run it again once that runner answers (cutover show ${id}); ` +
      `if that runner is gone: cutover unlock ${id} --lock-id ${lease.nonce} --reason "..."`,
  );
}
