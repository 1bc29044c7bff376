// The migration lifecycle (DESIGN §2) as one XState machine. Pure: every effect is a named actor whose
// implementation the engine provides with `machine.provide`; the placeholders here only say what each
// actor takes and gives. Deadlines live in context (`waitUntil`) instead of `after` delays, because
// delayed events are lost on restore while context is not.
import { and, assign, fromPromise, not, setup } from 'xstate';
import * as logic from './machine-logic.js';
import * as up from './machine-updates.js';
import * as waits from './wait-errors.js';
import * as rb from './rollback.js';
import { failTo, waitFailTo, type Ctx } from './machine-transitions.js';
import { rollingBack } from './machine-rollback.js';
import type {
  DisableOutput,
  LegacyDataOutput,
  ActorInputs,
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
import { STEPS } from './machine-types.js';

function placeholder<I, O>(name: string) {
  return fromPromise<O, I>(async () => {
    throw new Error(`actor ${name} was not provided: the engine must call machine.provide()`);
  });
}

const actors = {
  runPreflight: placeholder<ActorInputs['runPreflight'], PreflightOutput>('runPreflight'),
  ensureBaseConnection: placeholder<ActorInputs['ensureBaseConnection'], RemoteIdOutput>('ensureBaseConnection'),
  ensureSourceConnection: placeholder<ActorInputs['ensureSourceConnection'], RemoteIdOutput>('ensureSourceConnection'),
  ensureTargetConnection: placeholder<ActorInputs['ensureTargetConnection'], RemoteIdOutput>('ensureTargetConnection'),
  fileTicket: placeholder<ActorInputs['fileTicket'], TicketInfo>('fileTicket'),
  pollTicket: placeholder<ActorInputs['pollTicket'], TicketPollOutput>('pollTicket'),
  waitUntil: placeholder<ActorInputs['waitUntil'], void>('waitUntil'),
  createFlow: placeholder<ActorInputs['createFlow'], FlowOutput>('createFlow'),
  checkVerification: placeholder<ActorInputs['checkVerification'], VerificationOutput>('checkVerification'),
  postHandoff: placeholder<ActorInputs['postHandoff'], void>('postHandoff'),
  withdrawTicket: placeholder<ActorInputs['withdrawTicket'], void>('withdrawTicket'),
  disableFlow: placeholder<ActorInputs['disableFlow'], DisableOutput>('disableFlow'),
  fileReenableTicket: placeholder<ActorInputs['fileReenableTicket'], TicketInfo>('fileReenableTicket'),
  checkLegacyData: placeholder<ActorInputs['checkLegacyData'], LegacyDataOutput>('checkLegacyData'),
  postRollbackHandoff: placeholder<ActorInputs['postRollbackHandoff'], void>('postRollbackHandoff'),
};

type RollbackEvent = Extract<MigrationEvent, { type: 'ROLLBACK' }>;

/** The transition into the rollback from a state that may take it (`from` names that state for the guard). */
function rollbackFrom(from: string) {
  return {
    guard: { type: 'rollbackAllowed' as const, params: { from } },
    target: '#migration.rolling_back',
    actions: { type: 'recordRollback' as const, params: { from } },
  };
}
/** Done events of invoked actors are not in the machine's event union; their output is read through here. */
function outputOf<T>(event: unknown): T {
  return (event as { output: T }).output;
}

/** Routes a retry back to the step that failed; the flow is only ever created behind the resolution guard. */
function resumeRoutes(actions: 'clearError' | 'noop') {
  return STEPS.map((step) => ({
    guard: { type: 'resumeTargetIs' as const, params: { step } },
    target: `#migration.${step}`,
    actions: { type: actions },
  }));
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
    preflight: {
      invoke: {
        id: 'runPreflight',
        src: 'runPreflight',
        input: ({ context }: Ctx) => ({ migrationId: context.migrationId, marker: context.marker, plan: context.plan }),
        onDone: [
          { guard: 'preflightBlocks', target: 'needs_attention', actions: 'failPreflight' },
          { guard: not('preflightFoundSpecs'), target: 'needs_attention', actions: 'failPreflight' },
          { target: 'staging', actions: ['recordPreflight', 'resetAttempts'] },
        ],
        onError: failTo('preflight'),
      },
    },
    staging: {
      initial: 'choosing',
      states: {
        // Resume re-enters staging here and skips what a previous run already created.
        choosing: {
          always: [
            { guard: not('hasBase'), target: 'base' },
            { guard: not('hasSource'), target: 'source' },
            { guard: not('hasTarget'), target: 'target' },
            { target: '#migration.filing' },
          ],
        },
        base: {
          invoke: {
            id: 'ensureBaseConnection',
            src: 'ensureBaseConnection',
            input: ({ context }: Ctx) => ({
              migrationId: context.migrationId,
              marker: context.marker,
              plan: context.plan,
              ecaSpecId: context.remote.ecaSpecId!,
            }),
            onDone: { target: 'choosing', actions: ['recordBase', 'resetAttempts'] },
            onError: failTo('staging'),
          },
        },
        source: {
          invoke: {
            id: 'ensureSourceConnection',
            src: 'ensureSourceConnection',
            input: ({ context }: Ctx) => ({
              migrationId: context.migrationId,
              marker: context.marker,
              baseConnectionId: context.remote.baseConnectionId!,
            }),
            onDone: { target: 'choosing', actions: ['recordSource', 'resetAttempts'] },
            onError: failTo('staging'),
          },
        },
        target: {
          invoke: {
            id: 'ensureTargetConnection',
            src: 'ensureTargetConnection',
            input: ({ context }: Ctx) => ({
              migrationId: context.migrationId,
              marker: context.marker,
              plan: context.plan,
              ecaSpecId: context.remote.ecaSpecId!,
              baseConnectionId: context.remote.baseConnectionId!,
            }),
            onDone: { target: 'choosing', actions: ['recordTarget', 'resetAttempts'] },
            onError: failTo('staging'),
          },
        },
      },
    },
    filing: {
      invoke: {
        id: 'fileTicket',
        src: 'fileTicket',
        input: ({ context }: Ctx) => ({ migrationId: context.migrationId, marker: context.marker, plan: context.plan }),
        onDone: { target: 'awaiting_resolution', actions: ['recordTicket', 'resetAttempts'] },
        onError: failTo('filing'),
      },
    },
    awaiting_resolution: {
      initial: 'polling',
      on: { SET_RESOLUTION: { guard: 'overrideAllowed', target: 'cutting_over', actions: 'overrideResolution' } },
      states: {
        polling: {
          invoke: {
            id: 'pollTicket',
            src: 'pollTicket',
            input: ({ context }: Ctx) => ({ migrationId: context.migrationId, key: context.ticket!.key }),
            onDone: [
              {
                guard: and(['ticketResolved', 'resolutionTimeKnown']),
                target: '#migration.cutting_over',
                actions: ['recordPoll', 'recordResolution', 'resetAttempts'],
              },
              {
                guard: 'ticketResolved',
                target: '#migration.needs_attention',
                actions: ['recordPoll', 'failResolutionUnknown'],
              },
              { target: 'sleeping', actions: ['recordPoll', 'resetAttempts', 'schedulePoll'] },
            ],
            // Never towards cutting_over: a failed read is not a resolution, whatever it answered.
            onError: waitFailTo('awaiting_resolution', 'sleeping'),
          },
        },
        sleeping: {
          tags: ['waiting'],
          invoke: {
            id: 'waitForPoll',
            src: 'waitUntil',
            input: ({ context }: Ctx) => ({ at: context.waitUntil! }),
            onDone: 'polling',
          },
          on: { WAKE: 'polling' },
        },
      },
    },
    cutting_over: {
      initial: 'guarding',
      states: {
        // The one rule that matters most: never create the flow while the legacy pipe may still be on.
        guarding: {
          always: [{ guard: 'legacyStopped', target: 'creating' }, { target: '#migration.awaiting_resolution' }],
        },
        creating: {
          invoke: {
            id: 'createFlow',
            src: 'createFlow',
            input: ({ context }: Ctx) => ({
              migrationId: context.migrationId,
              marker: context.marker,
              plan: context.plan,
              flowSpecId: context.remote.flowSpecId!,
              ecaSpecId: context.remote.ecaSpecId!,
              sourceConnectionId: context.remote.sourceConnectionId!,
              targetConnectionId: context.remote.targetConnectionId!,
              legacyStoppedAt: context.marks.legacy_stopped!.at,
            }),
            onDone: { target: '#migration.verifying', actions: ['recordFlow', 'resetAttempts'] },
            onError: failTo('cutting_over'),
          },
        },
      },
    },
    verifying: {
      initial: 'checking',
      on: { CONFIRM: { actions: 'recordConfirmation' }, ROLLBACK: rollbackFrom('verifying') },
      states: {
        checking: {
          invoke: {
            id: 'checkVerification',
            src: 'checkVerification',
            input: ({ context }: Ctx) => ({
              migrationId: context.migrationId,
              flowId: context.remote.flowId!,
              plan: context.plan,
            }),
            onDone: { target: 'deciding', actions: ['recordVerification', 'resetAttempts'] },
            onError: waitFailTo('verifying', 'deciding'),
          },
        },
        deciding: {
          always: [
            { guard: 'verificationComplete', target: '#migration.handoff' },
            { guard: 'verificationOverdue', target: '#migration.needs_attention', actions: 'failVerifyTimeout' },
            { target: 'sleeping', actions: 'scheduleVerify' },
          ],
        },
        sleeping: {
          tags: ['waiting'],
          invoke: {
            id: 'waitForVerify',
            src: 'waitUntil',
            input: ({ context }: Ctx) => ({ at: context.waitUntil! }),
            onDone: 'checking',
          },
          on: { CONFIRM: { target: 'deciding', actions: 'recordConfirmation' }, WAKE: 'checking' },
        },
      },
    },
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
