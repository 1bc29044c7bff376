// The plan's defaults: what a field left out of a plan becomes (a configuration file may override them).
import type { IdentityMapping, Plan, Solution } from './types.js';

export interface PlanDefaults {
  sandbox: string;
  solutions: Solution[];
  identities: IdentityMapping[];
  alerts: string[];
  usesDataManagement: boolean;
  ticketSlaBusinessDays: number;
  /** Jira issue type when the plan names none. */
  issueType: string;
  polling: Plan['polling'];
}
export type PlanDefaultsInput = Partial<Omit<PlanDefaults, 'polling'>> & { polling?: Partial<Plan['polling']> };

export const PLAN_DEFAULTS: Readonly<PlanDefaults> = {
  sandbox: 'prod',
  solutions: ['audience_manager'],
  identities: [{ source: 'ECID', target: 'ECID' }],
  alerts: [],
  usesDataManagement: false,
  ticketSlaBusinessDays: 6,
  issueType: 'Task',
  polling: {
    ticketIntervalMs: 60_000,
    verifyIntervalMs: 30_000,
    verifyTimeoutMs: 72 * 3_600_000,
    maxAttempts: 5,
    retryBaseMs: 2_000,
  },
};

export function mergeDefaults(input: PlanDefaultsInput = {}): PlanDefaults {
  return { ...PLAN_DEFAULTS, ...input, polling: { ...PLAN_DEFAULTS.polling, ...input.polling } };
}
