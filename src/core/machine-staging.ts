// The first steps of the migration machine (machine.ts): preflight, the connections staged before the ticket,
// and the ticket asking Customer Care to stop the legacy pipe. Guard, action and actor names are those of
// machine.ts's setup; the input functions say what each actor is given.
import { not } from 'xstate';
import { type Ctx, failTo } from './machine-transitions.js';

/** The preflight checks: blocking findings, or no specs found, park the migration before anything is created. */
export function preflightState() {
  return {
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
  } as const;
}

/** The base, source and target connections, each created (or adopted) once, in that order. */
export function stagingState() {
  return {
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
  } as const;
}

/** The ticket that asks Customer Care to stop the legacy pipe. */
export function filingState() {
  return {
    invoke: {
      id: 'fileTicket',
      src: 'fileTicket',
      input: ({ context }: Ctx) => ({ migrationId: context.migrationId, marker: context.marker, plan: context.plan }),
      onDone: { target: 'awaiting_resolution', actions: ['recordTicket', 'resetAttempts'] },
      onError: failTo('filing'),
    },
  } as const;
}
