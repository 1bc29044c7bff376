// The attended run (cutover start, followed): drives like any command, and when verification waits on a
// solution without an API check it asks the person at the terminal to confirm it (or confirms what --confirm
// named, without a terminal). The answer is an ordinary CONFIRM sent through the store's inbox to this very
// drive, so it is checked, journaled and settled exactly like a `cutover confirm` from another terminal.
import type { MigrationSnapshot } from '../../engine/index.js';
import { missingConfirmations, stateName } from '../../core/machine-logic.js';
import type { MigrationEvent } from '../../core/machine-types.js';
import { SOLUTION_LABELS, SOLUTIONS, type Plan, type Solution } from '../../core/types.js';
import type { DriveMode } from '../../engine/index.js';
import { InterruptedError, UsageError } from '../../errors.js';
import type { CliContext } from '../wiring/context.js';
import { reportOutcome } from './drive.js';
import { deliverToRunner } from './inbox.js';
import { say } from '../terminal/output.js';
import { progressView, type ProgressView } from '../terminal/drive-progress.js';
import type { Prompter } from '../terminal/prompts.js';
import type { Runtime } from '../wiring/runtime.js';

type Snapshot = MigrationSnapshot;

export interface Attendance {
  /** Asks at the terminal; null without one. */
  prompter: Prompter | null;
  /** Solutions confirmed without asking (start --confirm). */
  confirm: Solution[];
  /** Also print the outcome as JSON on stdout (start --json). */
  json?: boolean;
  /** The command whose prompt took the answer, for the journal's reason (default start). */
  command?: 'start' | 'resume';
}

/** --confirm target,marketo: solutions without an API check, in the plan's spelling. */
export function parseConfirmFlag(value: string | undefined): Solution[] {
  if (!value) return [];
  return value.split(',').map((raw) => {
    const s = raw.trim().toLowerCase().replace(/-/g, '_');
    if (!(SOLUTIONS as readonly string[]).includes(s) || s === 'audience_manager') {
      const found = JSON.stringify(raw);
      const hint = 'e.g. --confirm target,marketo';
      throw new UsageError(`--confirm: expected solutions without an API check, found ${found}`, hint);
    }
    return s as Solution;
  });
}

export async function driveAttended(
  ctx: CliContext,
  runtime: Runtime,
  id: string,
  mode: DriveMode,
  attend: Attendance,
): Promise<number> {
  const record = await runtime.load(id);
  const engine = runtime.engineFor(record.plan as Plan);
  const view = progressView(ctx);
  const interrupt = new AbortController();
  const asker = confirmationAsker(ctx, runtime, id, view, attend, () => interrupt.abort());
  const signal = AbortSignal.any([ctx.signal, interrupt.signal]);
  try {
    // The view first: a mark printed while the question is open would land inside it.
    const onSnapshot = (snap: Snapshot) => {
      view.update(snap);
      asker.update(snap);
    };
    const result = await engine.drive(id, { mode, signal, onSnapshot });
    view.stop();
    await asker.stop();
    return reportOutcome(ctx, runtime, result, attend.json);
  } finally {
    view.stop();
    await asker.stop();
  }
}

/** One question at a time, each solution asked once per run; a confirmation given elsewhere closes its question. */
function confirmationAsker(
  ctx: CliContext,
  runtime: Runtime,
  id: string,
  view: ProgressView,
  attend: Attendance,
  interrupt: () => void,
) {
  const asked = new Set<Solution>();
  let open: { solution: Solution; close: AbortController; settled: Promise<void> } | null = null;
  let latest: Snapshot | null = null;
  let stopped = false;
  // Verifying alternates checking and sleeping: a question stays open across checks until it is answered.
  const pending = (snap: Snapshot): Solution[] =>
    stateName(snap).startsWith('verifying') ? (missingConfirmations(snap.context) as Solution[]) : [];

  const next = () => {
    if (stopped || open || !latest) return;
    const solution = pending(latest).find((s) => !asked.has(s) && (attend.prompter || attend.confirm.includes(s)));
    if (!solution) return;
    asked.add(solution);
    const close = new AbortController();
    const settled = settle(solution, close.signal).finally(() => {
      open = null;
      next();
    });
    open = { solution, close, settled };
  };

  const settle = async (solution: Solution, closed: AbortSignal) => {
    try {
      const given = attend.confirm.includes(solution);
      const reason = given ? 'checked by hand (cutover start --confirm)' : await ask(solution, closed);
      if (reason === null || stopped) return;
      const at = new Date(ctx.clock.now()).toISOString();
      const event: MigrationEvent = { type: 'CONFIRM', solution, by: ctx.actor, at, note: reason, reason };
      const delivery = await deliverToRunner(ctx, runtime.store, id, event);
      const taken = delivery.kind === 'settled' && delivery.outcome.status === 'accepted';
      if (taken) say(ctx, `    confirmed ${SOLUTION_LABELS[solution]} (by ${ctx.actor})`);
    } catch (err) {
      if (closed.aborted || stopped) return;
      // Ctrl-C at the question stops the run, cleanly, like anywhere else; any other failure is said, not fatal.
      if (err instanceof InterruptedError) return interrupt();
      say(ctx, `    could not confirm ${SOLUTION_LABELS[solution]}: ${(err as Error).message}`);
    }
  };

  const ask = async (solution: Solution, closed: AbortSignal): Promise<string | null> => {
    const resume = view.pause();
    try {
      const message = `Does Adobe ${SOLUTION_LABELS[solution]} show the audiences? confirm when checked`;
      const yes = await attend.prompter!.confirm({ message, default: false, signal: closed });
      const later = `cutover confirm ${id} --solution ${solution} --reason "..."`;
      if (!yes) say(ctx, `    not confirmed yet; when it is: ${later}`);
      return yes ? `checked by hand, confirmed at the prompt of cutover ${attend.command ?? 'start'}` : null;
    } finally {
      resume();
    }
  };

  return {
    update(snap: Snapshot) {
      latest = snap;
      if (open && !pending(snap).includes(open.solution)) open.close.abort();
      next();
    },
    /** Closes the question; resolves once a confirmation in flight is settled (its delivery is bounded). */
    async stop() {
      stopped = true;
      open?.close.abort();
      await open?.settled;
    },
  };
}
