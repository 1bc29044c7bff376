// The interactive interview of `cutover start`: credentials, org, solutions, audiences, identities, ticket,
// licence, destination; the answers go through validatePlan like a plan file would.
import { validatePlan } from '../../core/plan.js';
import type { ServiceConfig } from '../../core/config.js';
import type { AcceptedCheck, Plan } from '../../core/types.js';
import { newMigrationId } from '../../engine/engine.js';
import { AuthError, UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import type { Asker } from './ask.js';
import { connect, type Connection } from './connect.js';
import type { StartOptions } from './options.js';
import { printProbes, probeCredentials } from './probes.js';
import { askAudiences, askDataManagement, askDestinationName, askIdentities, askJira, askOrg, askSolutions } from './questions.js';

export interface Interview {
  plan: Plan;
  id: string;
  conn: Connection;
}

/** Step 1: every service answers with these credentials, or the admin knows exactly what to fix. */
async function checkCredentials(ctx: CliContext, ask: Asker, conn: Connection): Promise<void> {
  ask.note('Checking credentials (one harmless read per service)…');
  const probes = await probeCredentials(conn);
  printProbes(ctx, probes);
  if (probes.every((p) => p.ok)) return;
  const go = ask.prompter ? await ask.prompter.confirm({ message: 'Some checks failed. Continue anyway?', default: false }) : false;
  if (go) return;
  const rejected = probes.some((p) => p.rejected);
  const message = 'the credentials check failed (fixes above)';
  throw rejected ? new AuthError(message, 'AUTH', 'cutover doctor re-runs these checks') : new UsageError(message, 'cutover doctor re-runs these checks');
}

function licenceAcceptance(ctx: CliContext): AcceptedCheck {
  return { check: 'licence.aam', reason: 'the admin confirmed the Audience Manager licence in cutover start', by: ctx.actor, at: new Date(ctx.clock.now()).toISOString() };
}

export async function interview(ctx: CliContext, opts: StartOptions, ask: Asker, config: ServiceConfig): Promise<Interview> {
  const configured = connect(ctx, config, { orgId: config.platform.orgId, sandbox: config.platform.sandbox });
  await checkCredentials(ctx, ask, configured);
  const org = await askOrg(ask, opts, config);
  const conn = org.orgId === config.platform.orgId && org.sandbox === config.platform.sandbox ? configured : connect(ctx, config, org);
  const solutions = await askSolutions(ask, opts);
  const audiences = await askAudiences(ask, opts, conn);
  const identities = await askIdentities(ask, opts, conn);
  const id = newMigrationId();
  const draft = { ...org, audiences, jira: { projectKey: '', issueType: '' } };
  const jira = await askJira(ask, opts, conn, draft, `cutover-${id}`);
  const dataManagement = await askDataManagement(ask, opts);
  const name = await askDestinationName(ask, opts);
  const raw = {
    ...org,
    audiences,
    identities,
    solutions,
    destination: { name, description: 'Created by cutover', ...(opts.accountId ? { accountId: opts.accountId } : {}), ...(opts.tokenEnv ? { tokenEnv: opts.tokenEnv } : {}) },
    jira,
    usesDataManagement: dataManagement.uses,
    acceptedChecks: dataManagement.licensed ? [licenceAcceptance(ctx)] : [],
  };
  const { plan, errors } = validatePlan(raw);
  if (!plan) throw new UsageError(`the answers do not make a valid plan:\n  ${errors.map((e) => e.message).join('\n  ')}`);
  return { plan, id, conn };
}
