// The dry run as the engine sees it: the real machine, provided with the real effect actors, run from a fresh draft
// in a scratch store the caller gives (the in-memory store) over services the caller gives (for `cutover plan`:
// clients over a fetch that records every write instead of sending it). Nothing here knows the machine's step
// order: the machine takes its own path, and the caller learns each step from `onStep` as the machine enters it.
// What the outside world would answer later (preflight, the ticket resolving, audiences arriving, every wait
// ending) is answered by stand-ins, so a rehearsal runs to the end of its path without waiting or re-reading.
import { createActor, fromPromise } from 'xstate';
import { stateName } from '../core/machine-logic.js';
import { migrationMachine } from '../core/machine.js';
import { MANUAL_SOLUTIONS } from '../core/machine-types.js';
import type { MigrationContext, MigrationEvent, PreflightOutput, TicketPollOutput } from '../core/machine-types.js';
import type { Gathered, PreflightFacts } from '../core/preflight.js';
import { isoNow } from '../core/time.js';
import type { Plan } from '../core/types.js';
import type { Clock, MigrationStore } from '../ports.js';
import { effectActors } from './effects.js';
import { Engine } from './engine.js';
import { handoffLines } from './handoff.js';
import type { EngineSettings, Services } from './types.js';

/** Where a rehearsal rests: the machine is done, waits, needs attention or waits out a retry. */
export interface RehearsalRest {
  state: string;
  done: boolean;
  context: MigrationContext;
}

/**
 * A named path through the machine: the event to send whenever the rehearsal rests (the first rest is the fresh
 * draft), or null to end there. A path never names states to visit: the machine decides those.
 */
export type RehearsalPath = (rest: RehearsalRest, at: string) => MigrationEvent | null;

const REHEARSED = { by: 'rehearsal', reason: 'rehearsed by cutover plan' };

/** `start`: what `cutover start` would do, with every manual solution confirmed when verification asks. */
function startPath(rest: RehearsalRest, at: string): MigrationEvent | null {
  if (rest.state === 'draft') return { type: 'START' };
  const { plan, confirmations } = rest.context;
  const unconfirmed = plan.solutions.find((s) => MANUAL_SOLUTIONS.includes(s) && !confirmations[s]);
  if (rest.state.startsWith('verifying') && unconfirmed)
    return { type: 'CONFIRM', solution: unconfirmed, ...REHEARSED, at };
  return null;
}

/** The paths a rehearsal can take, by name (`cutover plan` takes `start`). */
export const REHEARSAL_PATHS: Record<string, RehearsalPath> = { start: startPath };

export interface RehearsalDeps {
  /** A scratch store (the in-memory one): the rehearsal's record, intents and outcomes go here. */
  store: MigrationStore;
  /** Services that record writes instead of sending them. Reads may go to the real services. */
  services: Services;
  clock: Clock;
  settings: EngineSettings;
  env: Record<string, string | undefined>;
}

export interface RehearsalOptions {
  migrationId: string;
  /** The preflight facts the caller gathered (and shows): the rehearsal's preflight answers from them. */
  facts: PreflightFacts & { flowSpec?: unknown };
  /** A name in REHEARSAL_PATHS, or a path of the caller's own; `start` by default. */
  path?: string | RehearsalPath;
  /** Called as the machine enters each top-level state, before the state's effect makes any request. */
  onStep?: (step: string) => void;
}

export interface Rehearsal {
  /** The top-level states the machine went through, in its order. */
  steps: string[];
  /** Where it ended (`completed` for a path run to its end). */
  state: string;
  /** Why it ended before its path did: the error the machine recorded (it would retry or park there). */
  error?: string;
}

/** More rests than any path needs: a path that keeps sending events that change nothing ends here. */
const MAX_RESTS = 50;

export async function rehearse(deps: RehearsalDeps, plan: Plan, options: RehearsalOptions): Promise<Rehearsal> {
  const path = typeof options.path === 'function' ? options.path : REHEARSAL_PATHS[options.path ?? 'start'];
  if (!path) throw new Error(`no rehearsal path named ${String(options.path)}`);
  const id = options.migrationId;
  await new Engine({ ...deps, logger: SILENT, holder: 'rehearsal' }).create(plan, REHEARSED.by, id);
  const effects = effectActors({ ...deps, flushed: async () => {} }, handoffLines);
  const machine = migrationMachine.provide({ actors: { ...effects, ...standIns(deps, options) } as never });
  const actor = createActor(machine, { input: { migrationId: id, plan } });
  const steps: string[] = [];
  const rested = watchRests(actor, (step) => {
    steps.push(step);
    options.onStep?.(step);
  });
  actor.start();
  try {
    for (let rests = 0; rests < MAX_RESTS; rests++) {
      const rest = await rested.next();
      const event = rest.done || rest.context.lastError ? null : path(rest, isoNow(deps.clock));
      if (!event) return endOf(steps, rest);
      actor.send(event);
    }
    return { steps, state: stateName(actor.getSnapshot()), error: `the rehearsal did not end in ${MAX_RESTS} steps` };
  } finally {
    actor.stop();
  }
}

function endOf(steps: string[], rest: RehearsalRest): Rehearsal {
  const error = rest.context.lastError?.message;
  return { steps, state: rest.state, ...(error ? { error } : {}) };
}

type RehearsalActor = ReturnType<typeof createActor<typeof migrationMachine>>;

/** Reports each new top-level state, and hands out the snapshots at which the machine rests, one per `next()`. */
function watchRests(actor: RehearsalActor, onStep: (step: string) => void): { next: () => Promise<RehearsalRest> } {
  const rests: RehearsalRest[] = [];
  let wake: (() => void) | null = null;
  let failure: unknown = null;
  let top = '';
  actor.subscribe({
    next: (snapshot) => {
      const state = stateName(snapshot);
      const level = state.split('.')[0]!;
      if (level !== top) {
        top = level;
        onStep(level);
      }
      // 'finished': completed is not a final state since machine version 2 (a forced rollback may leave it).
      const done = snapshot.status === 'done' || snapshot.hasTag('finished');
      const resting =
        done || snapshot.hasTag('waiting') || snapshot.hasTag('attention') || level === 'retrying' || state === 'draft';
      if (resting) rests.push({ state, done, context: snapshot.context });
      wake?.();
    },
    error: (err) => {
      failure = err;
      wake?.();
    },
  });
  return {
    next: async () => {
      while (rests.length === 0) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      return rests.shift()!;
    },
  };
}

const PLACEHOLDER_SPEC = '<experience-cloud-audiences-spec-id>';
const PLACEHOLDER_FLOW_SPEC = '<experience-cloud-audiences-flow-spec-id>';

/** The id of a gathered object; null for a failed read (`{error}`) or nothing found. */
const idOf = (v: unknown): string | null =>
  v && typeof v === 'object' && 'id' in v ? String((v as { id: unknown }).id) : null;
const found = <T>(v: Gathered<T>): T | null => (typeof v === 'object' && v !== null && 'error' in v ? null : v);

/**
 * What the world answers in a rehearsal. Preflight passes with what the gathered facts found (the checks are shown
 * apart, and the rehearsal shows what would happen once they pass), placeholders standing in for spec ids it did
 * not find; the ticket resolves at once; every audience is seen; no wait ever ends (a retry's backoff is a rest).
 */
function standIns(deps: RehearsalDeps, options: RehearsalOptions) {
  const now = () => isoNow(deps.clock);
  const { facts } = options;
  return {
    runPreflight: fromPromise<PreflightOutput>(async () => ({
      observedAt: now(),
      results: [],
      ecaSpecId: idOf(facts.ecaSpec) ?? PLACEHOLDER_SPEC,
      flowSpecId: idOf(facts.flowSpec) ?? PLACEHOLDER_FLOW_SPEC,
      adoptedConnectionId:
        (found(facts.existingConnections) ?? []).find((c) => c.description?.includes(facts.marker))?.id ?? null,
    })),
    pollTicket: fromPromise<TicketPollOutput>(async () => {
      const at = now();
      return {
        observedAt: at,
        statusName: 'Done (rehearsed)',
        statusCategory: 'done',
        resolved: true,
        resolutionDate: at,
        doneTransitionAt: at,
      };
    }),
    checkVerification: fromPromise(async ({ input }: { input: { plan: Plan } }) => {
      const at = now();
      return {
        observedAt: at,
        seen: Object.fromEntries(input.plan.audiences.map((a) => [a, at])),
        firstSuccessfulRunAt: null,
      };
    }),
    waitUntil: fromPromise<void>(
      ({ signal }) =>
        new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    ),
  };
}

const SILENT = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
