// Realistic data for the store benchmarks: a validated plan with 40 audiences, the machine's own persisted
// snapshot filled in as a migration waiting on its ticket looks (preflight results, staged connections,
// ticket, marks, last poll), and the journal rows a poll that changes the ticket's status writes.
import { randomUUID } from 'node:crypto';
import { fromDist } from './lib.mjs';

const { validatePlan } = await fromDist('core/plan.js');
const { migrationMachine } = await fromDist('core/machine.js');
const { MACHINE_VERSION, XSTATE_VERSION } = await fromDist('core/machine-types.js');
const { CHECK_IDS } = await fromDist('core/preflight-checks.js');
const { initialContext } = await fromDist('core/machine-updates.js');
const { initialTransition } = await import('xstate');

export { MACHINE_VERSION, XSTATE_VERSION };

export function realisticPlan(orgId = 'BENCH0000000000000000001@AdobeOrg', audiences = 40) {
  const { plan, errors } = validatePlan({
    orgId,
    audiences: Array.from({ length: audiences }, () => randomUUID()),
    identities: [
      { source: 'ECID', target: 'ECID' },
      { source: 'email_lc_sha256', target: 'email_lc_sha256' },
    ],
    solutions: ['audience_manager', 'target'],
    destination: { name: 'Experience Cloud Audiences', description: 'benchmark migration', accountId: 'acct-0001' },
    jira: { projectKey: 'CC', issueType: 'Task' },
  });
  if (!plan) throw new Error(`fixture plan is invalid: ${JSON.stringify(errors)}`);
  return plan;
}

export async function realisticMigration(id, orgId) {
  const plan = realisticPlan(orgId);
  const [snapshot] = initialTransition(migrationMachine, { migrationId: id, plan });
  const persisted = JSON.parse(JSON.stringify(migrationMachine.getPersistedSnapshot(snapshot)));
  const at = new Date().toISOString();
  const newMigration = {
    id,
    orgId: plan.orgId,
    plan,
    machineVersion: MACHINE_VERSION,
    xstateVersion: XSTATE_VERSION,
    state: 'draft',
    status: 'active',
    at,
    journal: [{ kind: 'operator', at, name: 'CREATE', actor: 'bench', data: { audiences: plan.audiences.length } }],
  };
  return { newMigration, persisted, plan };
}

/** The i-th transition of a migration polling its ticket: a fresh deadline, and a status change in the journal. */
export function realisticTransition(m, i, persistedBase) {
  const at = new Date(Date.now() + i).toISOString();
  const filed = new Date(Date.now() - 86_400_000).toISOString();
  const marks = { ticket_filed: { at: filed, source: 'jira.created' } };
  const context = {
    ...initialContext({ migrationId: m.id, plan: m.plan }),
    preflight: CHECK_IDS.map((id) => ({
      id,
      severity: 'error',
      title: `check ${id}`,
      status: 'pass',
      message: `${id}: ok`,
    })),
    remote: {
      ecaSpecId: randomUUID(),
      flowSpecId: randomUUID(),
      baseConnectionId: randomUUID(),
      sourceConnectionId: randomUUID(),
      targetConnectionId: randomUUID(),
    },
    ticket: { key: 'CC-1234', id: '10234', createdAt: filed, attached: false },
    marks,
    lastPoll: { at, statusName: i % 2 ? 'In Progress' : 'To Do', statusCategory: i % 2 ? 'indeterminate' : 'new' },
    lastObservedAt: at,
    waitUntil: Date.now() + 60_000 + i,
  };
  const snapshot = {
    ...(persistedBase ?? {}),
    status: 'active',
    value: { awaiting_resolution: 'sleeping' },
    context,
    children: {},
    historyValue: {},
  };
  return {
    snapshot,
    machineVersion: MACHINE_VERSION,
    xstateVersion: XSTATE_VERSION,
    state: 'awaiting_resolution.sleeping',
    status: 'waiting',
    progressed: false,
    attempts: 0,
    lastError: null,
    ticketKey: 'CC-1234',
    marks,
    journal: [
      {
        kind: 'transition',
        at,
        name: 'xstate.done.actor.poll',
        data: { from: 'awaiting_resolution.polling', to: 'awaiting_resolution.sleeping' },
      },
      { kind: 'observation', at, name: 'ticket_status', data: context.lastPoll },
    ],
    at,
  };
}
