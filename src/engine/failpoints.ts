// Failpoints for the reliability suite: `CUTOVER_FAILPOINT=flow:after-call` makes the process kill itself
// with SIGKILL at that effect boundary, so crash recovery is proven with real processes at every point.
// Phases: before-call (intent written, request not sent), after-call (remote object exists, outcome not
// written), after-outcome (outcome written, transition not yet persisted). Unset in normal use.
export type FailPhase = 'before-call' | 'after-call' | 'after-outcome';

export function failpoint(env: Record<string, string | undefined>, step: string, phase: FailPhase): void {
  const spec = env.CUTOVER_FAILPOINT;
  if (!spec) return;
  if (spec.split(',').some((p) => p.trim() === `${step}:${phase}`)) process.kill(process.pid, 'SIGKILL');
}
