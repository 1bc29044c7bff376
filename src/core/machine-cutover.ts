// The cut-over of the migration machine (machine.ts): waiting for Customer Care to stop the legacy pipe, creating
// the new flow only behind the guard that it has, then verifying the audiences arrive. Guard, action and actor
// names are those of machine.ts's setup.
import { and } from 'xstate';
import { type Ctx, failTo, rollbackFrom, waitFailTo } from './machine-transitions.js';

/** Polls the ticket until it is resolved with a known time (or an operator sets one), sleeping between polls. */
export function awaitingResolutionState() {
  return {
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
  } as const;
}

/** Creates the flow, but only once the legacy pipe is marked stopped. */
export function cuttingOverState() {
  return {
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
  } as const;
}

/** Checks the solutions until all have the audiences, an operator confirms them, or the deadline passes. */
export function verifyingState() {
  return {
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
  } as const;
}
