// CUTOVER_RELIABILITY=full runs every kill point and every seed; `sample` (the default, what CI runs) runs
// one phase per step, chosen by a seed so that successive CI runs cover different phases.
export type Phase = 'before-call' | 'after-call' | 'after-outcome';
export const PHASES: Phase[] = ['before-call', 'after-call', 'after-outcome'];
/** The normal lifecycle's effect steps, in the order the migration reaches them. */
export const STEPS = [
  'base_connection',
  'profile_connection',
  'source_connection',
  'target_connection',
  'ticket',
  'flow',
  'handoff',
] as const;

export const FULL = process.env.CUTOVER_RELIABILITY === 'full';
/** CUTOVER_RELIABILITY_SEED picks the sample; the default changes daily so CI drifts across phases. */
export const SAMPLE_SEED = Number(process.env.CUTOVER_RELIABILITY_SEED ?? Math.floor(Date.now() / 86_400_000));

export interface KillPoint {
  step: string;
  phase: Phase;
}

export function killPoints(steps: readonly string[], seed = SAMPLE_SEED): KillPoint[] {
  const all = steps.flatMap((step) => PHASES.map((phase) => ({ step, phase })));
  if (FULL) return all;
  return steps.map((step, i) => ({ step, phase: PHASES[(seed + i) % PHASES.length]! }));
}

/** Seeds for the fault storms: three in a sample, eight in a full run. */
export function stormSeeds(): number[] {
  return FULL ? [1, 2, 3, 4, 5, 6, 7, 8] : [SAMPLE_SEED % 1000, 11, 23];
}
