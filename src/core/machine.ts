// The migration lifecycle (DESIGN §2) as one XState machine. Pure: every effect is a named actor whose
// implementation the engine provides with `machine.provide`; the placeholders (machine-actors.ts) only say what
// each actor takes and gives. Deadlines live in context (`waitUntil`) instead of `after` delays, because
// delayed events are lost on restore while context is not. This file names the guards and actions; the states
// of each phase are built in machine-staging.ts, machine-cutover.ts and machine-rollback.ts.
import { and, assign, setup } from 'xstate';
import * as logic from './machine-logic.js';
import * as up from './machine-updates.js';
import * as waits from './wait-errors.js';
import * as rb from './rollback.js';
import { actors } from './machine-actors.js';
import { type Ctx, failTo, resumeRoutes, rollbackFrom } from './machine-transitions.js';
import { filingState, preflightState, stagingState } from './machine-staging.js';
import { awaitingResolutionState, cuttingOverState, verifyingState } from './machine-cutover.js';
import { rollingBack } from './machine-rollback.js';
import type {
  DisableOutput,
  LegacyDataOutput,
  FlowOutput,
  MigrationContext,
  MigrationEvent,
  MigrationInput,
  PreflightOutput,
  RemoteIdOutput,
  Step,
  TicketInfo,
  TicketPollOutput,
  VerificationOutput,
  WaitStep,
} from './machine-types.js';

type RollbackEvent = Extract<MigrationEvent, { type: 'ROLLBACK' }>;

/** Done events of invoked actors are not in the machine's event union; their output is read through here. */
function outputOf<T>(event: unknown): T {
  return (event as { output: T }).output;
}

export const migrationMachine = setup({
  types: {
    context: {} as MigrationContext,
    events: {} as MigrationEvent,
    input: {} as MigrationInput,
    // 'finished': nothing more happens by itself (completed stays open to a forced rollback, so it is not final).
    tags: {} as 'waiting' | 'attention' | 'finished',
  },
  actors,
  guards: {
    canRetry: ({ context, event }) =>
      logic.canRetry(context, logic.asStoredError((event as { error?: unknown }).error, '')),
    waitMayRetry: ({ context, event }) => waits.waitMayRetry(context, (event as { error?: unknown }).error),
    authRefused: ({ context, event }) => waits.isAuthFailure(context, (event as { error?: unknown }).error),
    resumeTargetIs: ({ context }, params: { step: Step }) => context.resumeTarget === params.step,
    legacyStopped: ({ context }) => Boolean(context.marks.legacy_stopped),
    legacyNotMarked: ({ context }) => !context.marks.legacy_stopped,
    // Cancel only while the legacy pipe may still be on: no stop mark, and the last poll did not see the
    // ticket done (a done ticket whose time is unknown has still turned the pipe off).
    legacyMayBeOn: ({ context }) => !context.marks.legacy_stopped && context.lastPoll?.statusCategory !== 'done',
    preflightBlocks: ({ context, event }) =>
      logic.blockingChecks(context, outputOf<PreflightOutput>(event).results).length > 0,
    preflightFoundSpecs: ({ event }) => {
      const out = outputOf<PreflightOutput>(event);
      return Boolean(out.ecaSpecId && out.flowSpecId);
    },
    ticketResolved: ({ event }) => outputOf<TicketPollOutput>(event).resolved,
    resolutionTimeKnown: ({ context, event }) =>
      logic.legacyStoppedMark(context, outputOf<TicketPollOutput>(event)) !== null,
    // An override claiming the pipe stopped needs a done ticket or --force, and a plausible instant.
    overrideAllowed: ({ context, event }) =>
      logic.overrideAllowed(context, event as Extract<MigrationEvent, { type: 'SET_RESOLUTION' }>),
    hasBase: ({ context }) => Boolean(context.remote.baseConnectionId),
    hasSource: ({ context }) => Boolean(context.remote.sourceConnectionId),
    hasTarget: ({ context }) => Boolean(context.remote.targetConnectionId),
    ticketFiledByUs: ({ context }) => context.ticket !== null && !context.ticket.attached,
    verificationComplete: ({ context }) => logic.verificationComplete(context),
    verificationOverdue: ({ context }) =>
      context.verifyDeadline !== null && Date.parse(context.lastObservedAt ?? '') >= context.verifyDeadline,
    skipIsForPreflight: ({ context }) => context.lastError?.code === 'PREFLIGHT_FAILED',
    skipIsForVerification: ({ context }) => context.lastError?.code === 'VERIFY_TIMEOUT',
    resolutionPending: ({ context }) =>
      context.resumeTarget === 'awaiting_resolution' || context.lastError?.code === 'RESOLUTION_TIME_UNKNOWN',
    // The rollback's (rollback.ts). `from` is the state the event arrives in: a guard cannot read it.
    rollbackAllowed: ({ context, event }, params: { from: string }) =>
      rb.rollbackProblem(rb.rollbackFacts(context, params.from, event as RollbackEvent)) === null,
    flowDisabled: ({ context }) => Boolean(context.marks.new_flow_disabled),
    reenableFiled: ({ context }) => Boolean(context.rollback?.ticket),
    legacyRestored: ({ context }) => Boolean(context.marks.legacy_restored),
    reenableTimeKnown: ({ context, event }) =>
      rb.legacyRestoredMark(context, outputOf<TicketPollOutput>(event)) !== null,
    legacySeenEverywhere: ({ context }) => rb.unseenLegacy(context).length === 0,
    legacyOverdue: ({ context }) => rb.legacyOverdue(context),
  },
  actions: {
    noop: () => {},
    recordError: assign(({ context, event }, params: { step: Step }) =>
      up.errorRecorded(context, (event as { error?: unknown }).error, params.step),
    ),
    recordWaitError: assign(({ context, event }, params: { step: WaitStep }) =>
      waits.waitErrorRecorded(context, (event as { error?: unknown }).error, params.step),
    ),
    parkOnAuth: assign(({ context, event }, params: { step: WaitStep }) =>
      waits.authParked(context, (event as { error?: unknown }).error, params.step),
    ),
    scheduleRetry: assign(({ context }) => up.retryScheduled(context)),
    clearError: assign({ lastError: null, attempts: 0, waitUntil: null }),
    resetAttempts: assign({ attempts: 0, lastError: null, resumeTarget: null }),
    recordPreflight: assign(({ event }) => up.preflightRecorded(outputOf<PreflightOutput>(event))),
    failPreflight: assign(({ context, event }) => up.preflightFailed(context, outputOf<PreflightOutput>(event))),
    recordBase: assign(({ context, event }) => ({
      remote: { ...context.remote, baseConnectionId: outputOf<RemoteIdOutput>(event).id },
    })),
    recordSource: assign(({ context, event }) => ({
      remote: { ...context.remote, sourceConnectionId: outputOf<RemoteIdOutput>(event).id },
    })),
    recordTarget: assign(({ context, event }) => ({
      remote: { ...context.remote, targetConnectionId: outputOf<RemoteIdOutput>(event).id },
    })),
    recordTicket: assign(({ context, event }) => up.ticketRecorded(context, outputOf<TicketInfo>(event))),
    recordPoll: assign(({ event }) => up.pollRecorded(outputOf<TicketPollOutput>(event))),
    recordResolution: assign(({ context, event }) => up.resolutionRecorded(context, outputOf<TicketPollOutput>(event))),
    failResolutionUnknown: assign(({ context, event }) =>
      up.resolutionUnknown(context, outputOf<TicketPollOutput>(event)),
    ),
    overrideResolution: assign(({ context, event }) =>
      up.resolutionOverridden(context, event as Extract<MigrationEvent, { type: 'SET_RESOLUTION' }>),
    ),
    schedulePoll: assign(({ context }) => up.pollScheduled(context)),
    scheduleVerify: assign(({ context }) => up.verifyScheduled(context)),
    recordFlow: assign(({ context, event }) => up.flowRecorded(context, outputOf<FlowOutput>(event))),
    recordVerification: assign(({ context, event }) =>
      up.verificationRecorded(context, outputOf<VerificationOutput>(event)),
    ),
    failVerifyTimeout: assign(({ context }) => up.verifyTimedOut(context)),
    recordConfirmation: assign(({ context, event }) =>
      up.confirmationRecorded(context, event as Extract<MigrationEvent, { type: 'CONFIRM' }>),
    ),
    recordSkip: assign(({ context, event }) =>
      up.skipRecorded(context, event as Extract<MigrationEvent, { type: 'SKIP' }>),
    ),
    recordCancel: assign({ resumeTarget: 'cancelling' as const, waitUntil: null, waitTrouble: null }),
    recordRollback: assign(({ context, event }, params: { from: string }) =>
      rb.rollbackRecorded(context, event as RollbackEvent, params.from),
    ),
    recordFlowDisabled: assign(({ context, event }) =>
      rb.flowDisabledRecorded(context, outputOf<DisableOutput>(event)),
    ),
    recordReenableTicket: assign(({ context, event }) =>
      rb.reenableFiledRecorded(context, outputOf<TicketInfo>(event)),
    ),
    recordReenablePoll: assign(({ context, event }) =>
      rb.reenablePollRecorded(context, outputOf<TicketPollOutput>(event)),
    ),
    recordLegacyRestored: assign(({ context, event }) =>
      rb.legacyRestoredRecorded(context, outputOf<TicketPollOutput>(event)),
    ),
    failReenableUnknown: assign(({ context, event }) =>
      rb.reenableTimeUnknown(context, outputOf<TicketPollOutput>(event)),
    ),
    scheduleReenablePoll: assign(({ context }) => rb.reenablePollScheduled(context)),
    recordLegacyData: assign(({ context, event }) => rb.legacyDataRecorded(context, outputOf<LegacyDataOutput>(event))),
    scheduleLegacyCheck: assign(({ context }) => rb.legacyCheckScheduled(context)),
    failLegacyTimeout: assign(({ context }) => rb.legacyTimedOut(context)),
  },
}).createMachine({
  id: 'migration',
  initial: 'draft',
  context: ({ input }) => up.initialContext(input),
  on: {
    CANCEL: { guard: 'legacyMayBeOn', target: '.cancelling', actions: 'recordCancel' },
    SET_RESOLUTION: { guard: and(['legacyStopped', 'overrideAllowed']), actions: 'overrideResolution' },
  },
  states: {
    draft: { on: { START: 'preflight' } },
    preflight: preflightState(),
    staging: stagingState(),
    filing: filingState(),
    awaiting_resolution: awaitingResolutionState(),
    cutting_over: cuttingOverState(),
    verifying: verifyingState(),
    handoff: {
      invoke: {
        id: 'postHandoff',
        src: 'postHandoff',
        input: ({ context }: Ctx) => ({
          migrationId: context.migrationId,
          marker: context.marker,
          ticketKey: context.ticket?.key ?? null,
          context,
        }),
        onDone: { target: 'completed', actions: 'resetAttempts' },
        onError: failTo('handoff'),
      },
    },
    retrying: {
      entry: 'scheduleRetry',
      on: { ROLLBACK: rollbackFrom('retrying') },
      invoke: {
        id: 'waitForRetry',
        src: 'waitUntil',
        input: ({ context }: Ctx) => ({ at: context.waitUntil! }),
        onDone: resumeRoutes('noop'),
      },
    },
    needs_attention: {
      tags: ['attention'],
      on: {
        RETRY: resumeRoutes('clearError'),
        SKIP: [
          { guard: 'skipIsForPreflight', target: 'preflight', actions: 'recordSkip' },
          { guard: 'skipIsForVerification', target: 'handoff', actions: 'recordSkip' },
        ],
        SET_RESOLUTION: {
          guard: and(['resolutionPending', 'legacyNotMarked', 'overrideAllowed']),
          target: 'cutting_over',
          actions: ['overrideResolution', 'clearError'],
        },
        CONFIRM: { actions: 'recordConfirmation' },
        ROLLBACK: rollbackFrom('needs_attention'),
      },
    },
    cancelling: {
      initial: 'choosing',
      on: { CANCEL: {} },
      states: {
        // A ticket we filed must be withdrawn, or Customer Care would still turn the legacy pipe off.
        choosing: { always: [{ guard: 'ticketFiledByUs', target: 'withdrawing' }, { target: '#migration.cancelled' }] },
        withdrawing: {
          invoke: {
            id: 'withdrawTicket',
            src: 'withdrawTicket',
            input: ({ context }: Ctx) => ({
              migrationId: context.migrationId,
              marker: context.marker,
              ticketKey: context.ticket!.key,
              reason: 'cancelled',
            }),
            onDone: '#migration.cancelled',
            onError: failTo('cancelling'),
          },
        },
      },
    },
    rolling_back: rollingBack(),
    // Not final: a completed migration may still be rolled back with --force (machine version 2).
    completed: { tags: ['finished'], on: { ROLLBACK: rollbackFrom('completed') } },
    cancelled: { type: 'final' },
    rolled_back: { type: 'final' },
  },
});

export type MigrationMachine = typeof migrationMachine;
