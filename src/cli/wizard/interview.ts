// The interactive interview of `cutover start`: credentials, org, solutions, audiences, identities, ticket,
// licence, destination. Each answer is checked at its question by the plan's own rules and kept in the draft as
// it comes in (draft.ts); the whole still goes through validatePlan like a plan file would.
import { validatePlan } from '../../core/plan.js';
import type { ServiceConfig } from '../../core/config.js';
import type { AcceptedCheck, Plan } from '../../core/types.js';
import { newMigrationId } from '../../engine/index.js';
import { AuthError, UsageError } from '../../errors.js';
import type { CliContext } from '../wiring/context.js';
import type { Obj } from '../../core/plan-fields.js';
import type { Asker } from './ask.js';
import { connect, type Connection } from './connect.js';
import { earlierDraft } from './draft.js';
import type { StartOptions } from './options.js';
import { printProbes, probeCredentials } from './probes.js';
import {
  askAudiences,
  askDataManagement,
  askDestinationName,
  askIdentities,
  askJira,
  askOrg,
  askSolutions,
} from './questions.js';

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
  const go = ask.prompter
    ? await ask.prompter.confirm({ message: 'Some checks failed. Continue anyway?', default: false })
    : false;
  if (go) return;
  const rejected = probes.some((p) => p.rejected);
  const message = 'the credentials check failed (fixes above)';
  throw rejected
    ? new AuthError(message, 'AUTH', 'cutover doctor re-runs these checks')
    : new UsageError(message, 'cutover doctor re-runs these checks');
}

function licenceAcceptance(ctx: CliContext): AcceptedCheck {
  return {
    check: 'licence.aam',
    reason: 'the admin confirmed the Audience Manager licence in cutover start',
    by: ctx.actor,
    at: new Date(ctx.clock.now()).toISOString(),
  };
}

/** Once the org is known the draft gets its file; an earlier run's draft for the org is offered first. */
async function placeDraft(ask: Asker, folder: string, orgId: string): Promise<void> {
  if (!ask.draft || ask.draft.path) return;
  const earlier = earlierDraft(folder, orgId);
  const message = `Answers of an earlier run for this org are kept in ${earlier?.file}. Continue from them?`;
  if (earlier && ask.prompter && (await ask.prompter.confirm({ message, default: true }))) ask.draft.adopt(earlier.doc);
  ask.draft.placeIn(folder, orgId);
}

function destinationOf(ask: Asker, opts: StartOptions, name: string): Plan['destination'] {
  const kept = (ask.draft?.get('destination') ?? {}) as Obj;
  const accountId = opts.accountId ?? (kept.accountId as string | undefined);
  const tokenEnv = opts.tokenEnv ?? (kept.tokenEnv as string | undefined);
  const extras = { ...(accountId ? { accountId } : {}), ...(tokenEnv ? { tokenEnv } : {}) };
  return { name, description: 'Created by cutover', ...extras };
}

/** `drafts`: the folder of draft files (draft.ts), where the answers go once the org is known. */
export async function interview(
  ctx: CliContext,
  opts: StartOptions,
  ask: Asker,
  config: ServiceConfig,
  drafts: string,
): Promise<Interview> {
  const configured = connect(ctx, config, { orgId: config.platform.orgId, sandbox: config.platform.sandbox });
  await checkCredentials(ctx, ask, configured);
  const org = await askOrg(ask, opts, config, (orgId) => placeDraft(ask, drafts, orgId));
  const conn =
    org.orgId === config.platform.orgId && org.sandbox === config.platform.sandbox
      ? configured
      : connect(ctx, config, org);
  const solutions = await askSolutions(ask, opts);
  const audiences = await askAudiences(ask, opts, conn);
  const identities = await askIdentities(ask, opts, conn);
  const id = newMigrationId();
  const draft = { ...org, audiences, jira: { projectKey: '', issueType: '' } };
  const jira = await askJira(ask, opts, conn, draft, `cutover-${id}`);
  const dataManagement = await askDataManagement(ask, opts);
  const acceptedChecks = ask.keep('acceptedChecks', dataManagement.licensed ? [licenceAcceptance(ctx)] : []);
  const destination = ask.keep('destination', destinationOf(ask, opts, await askDestinationName(ask, opts)));
  const usesDataManagement = dataManagement.uses;
  const raw = { ...org, audiences, identities, solutions, destination, jira, usesDataManagement, acceptedChecks };
  const { plan, errors } = validatePlan(raw);
  if (!plan)
    throw new UsageError(`the answers do not make a valid plan:\n  ${errors.map((e) => e.message).join('\n  ')}`);
  return { plan, id, conn };
}
