// Transitions shared by the machine's states (machine.ts, machine-rollback.ts): what an effect's failure does.
import type { MigrationContext, Step, WaitStep } from './machine-types.js';

export type Ctx = { context: MigrationContext };

/** Error transitions shared by every effectful step: bounded retries, then needs_attention. */
export function failTo(step: Step) {
  return [
    {
      guard: { type: 'canRetry' as const },
      target: '#migration.retrying',
      actions: { type: 'recordError' as const, params: { step } },
    },
    { target: '#migration.needs_attention', actions: { type: 'recordError' as const, params: { step } } },
  ];
}

/**
 * Error transitions of a wait's read (the ticket poll, the verification check): transient failures stay in the
 * wait (`retryTarget` sleeps until the backoff deadline), refused credentials park after a few tries with the
 * fix, anything else (a 404, a 400) takes the bounded retries of every other step.
 */
export function waitFailTo(step: WaitStep, retryTarget: string) {
  return [
    {
      guard: { type: 'waitMayRetry' as const },
      target: retryTarget,
      actions: { type: 'recordWaitError' as const, params: { step } },
    },
    {
      guard: { type: 'authRefused' as const },
      target: '#migration.needs_attention',
      actions: { type: 'parkOnAuth' as const, params: { step } },
    },
    ...failTo(step),
  ];
}
