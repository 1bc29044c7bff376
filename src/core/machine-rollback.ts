// The rollback's states (issue 15), the `rolling_back` node of the migration machine (machine.ts). Its guards and
// actions are named in machine.ts's setup; the decisions behind them are rollback.ts's plain functions.
import { and } from 'xstate';
import { type Ctx, failTo, waitFailTo } from './machine-transitions.js';

/**
 * The way back to legacy sharing: disable the new flow (if any), file the re-enable ticket, wait for Customer
 * Care to resolve it, see the legacy data source receive the audiences again, hand off. `choosing` resumes a
 * restored or retried rollback at the first step whose mark is missing.
 */
export function rollingBack() {
  const wait = (onDone: string) => ({
    tags: ['waiting' as const],
    invoke: { src: 'waitUntil' as const, input: ({ context }: Ctx) => ({ at: context.waitUntil! }), onDone },
    on: { WAKE: onDone },
  });
  return {
    initial: 'choosing' as const,
    states: {
      choosing: {
        always: [
          { guard: 'legacyRestored' as const, target: 'legacy' },
          { guard: 'reenableFiled' as const, target: 'reenable' },
          { guard: 'flowDisabled' as const, target: 'filing' },
          { target: 'disabling' },
        ],
      },
      disabling: {
        invoke: {
          id: 'disableFlow',
          src: 'disableFlow' as const,
          input: ({ context }: Ctx) => ({
            migrationId: context.migrationId,
            marker: context.marker,
            flowId: context.rollback?.flowId ?? context.remote.flowId ?? null,
            ecaSpecId: context.remote.ecaSpecId ?? null,
          }),
          onDone: { target: 'filing', actions: ['recordFlowDisabled' as const, 'resetAttempts' as const] },
          onError: failTo('rolling_back'),
        },
      },
      filing: {
        invoke: {
          id: 'fileReenableTicket',
          src: 'fileReenableTicket' as const,
          input: ({ context }: Ctx) => ({
            migrationId: context.migrationId,
            marker: context.marker,
            plan: context.plan,
            deprovisioningKey: context.ticket?.key ?? null,
            by: context.rollback?.by ?? '',
            reason: context.rollback?.reason ?? '',
          }),
          onDone: { target: 'reenable', actions: ['recordReenableTicket' as const, 'resetAttempts' as const] },
          onError: failTo('rolling_back'),
        },
      },
      // The re-enable ticket, waited on as the deprovisioning ticket is: `rolling_back.reenable.sleeping`.
      reenable: {
        initial: 'polling' as const,
        states: {
          polling: {
            invoke: {
              id: 'pollReenable',
              src: 'pollTicket' as const,
              input: ({ context }: Ctx) => ({ migrationId: context.migrationId, key: context.rollback!.ticket!.key }),
              onDone: [
                {
                  guard: and(['ticketResolved', 'reenableTimeKnown']),
                  target: '#migration.rolling_back.legacy',
                  actions: ['recordReenablePoll' as const, 'recordLegacyRestored' as const],
                },
                {
                  guard: 'ticketResolved' as const,
                  target: '#migration.needs_attention',
                  actions: ['recordReenablePoll' as const, 'failReenableUnknown' as const],
                },
                {
                  target: 'sleeping',
                  actions: ['recordReenablePoll' as const, 'resetAttempts' as const, 'scheduleReenablePoll' as const],
                },
              ],
              onError: waitFailTo('rolling_back', 'sleeping'),
            },
          },
          sleeping: wait('polling'),
        },
      },
      // Legacy sharing back on: the legacy data source must update every audience again.
      legacy: {
        initial: 'checking' as const,
        states: {
          checking: {
            invoke: {
              id: 'checkLegacyData',
              src: 'checkLegacyData' as const,
              input: ({ context }: Ctx) => ({
                migrationId: context.migrationId,
                plan: context.plan,
                since: context.marks.legacy_restored!.at,
              }),
              onDone: { target: 'deciding', actions: ['recordLegacyData' as const, 'resetAttempts' as const] },
              onError: waitFailTo('rolling_back', 'deciding'),
            },
          },
          deciding: {
            always: [
              { guard: 'legacySeenEverywhere' as const, target: '#migration.rolling_back.handing_off' },
              {
                guard: 'legacyOverdue' as const,
                target: '#migration.needs_attention',
                actions: 'failLegacyTimeout' as const,
              },
              { target: 'sleeping', actions: 'scheduleLegacyCheck' as const },
            ],
          },
          sleeping: wait('checking'),
        },
      },
      handing_off: {
        invoke: {
          id: 'postRollbackHandoff',
          src: 'postRollbackHandoff' as const,
          input: ({ context }: Ctx) => ({ migrationId: context.migrationId, marker: context.marker, context }),
          onDone: { target: '#migration.rolled_back', actions: 'resetAttempts' as const },
          onError: failTo('rolling_back'),
        },
      },
    },
  };
}
