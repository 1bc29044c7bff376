// Transitions shared by the machine's states (machine.ts and its machine-*.ts state modules): what an effect's
// failure does, the way into the rollback, and the routes a retry takes back.
import type { MigrationContext, Step, WaitStep } from './machine-types.js';
import { STEPS } from './machine-types.js';

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

/** The transition into the rollback from a state that may take it (`from` names that state for the guard). */
export function rollbackFrom(from: string) {
  return {
    guard: { type: 'rollbackAllowed' as const, params: { from } },
    target: '#migration.rolling_back',
    actions: { type: 'recordRollback' as const, params: { from } },
  };
}

/** Routes a retry back to the step that failed; the flow is only ever created behind the resolution guard. */
export function resumeRoutes(actions: 'clearError' | 'noop') {
  return STEPS.map((step) => ({
    guard: { type: 'resumeTargetIs' as const, params: { step } },
    target: `#migration.${step}`,
    actions: { type: actions },
  }));
}
