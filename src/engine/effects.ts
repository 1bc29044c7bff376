// The real implementations of the machine's named actors. Every effect writes an intent row before its
// remote call and an outcome row after it, and first reconciles: it looks its object up by this
// migration's marker and creates only what is missing, because a restored actor re-runs from the start.
import { fromPromise } from 'xstate';
import { isoNow } from '../core/time.js';
import type { ActorInputs, MigrationContext, TicketInfo } from '../core/machine-types.js';
import { handoffComment, ticketTemplate, withdrawComment } from '../core/ticket.js';
import { CutoverError, toStoredError } from '../errors.js';
import type { Plan } from '../core/types.js';
import { asData, comment, type EffectDeps, ensure, runEffect } from './effect-run.js';
import { checkVerification, pollTicket } from './observe.js';
import { runPreflight } from './preflight.js';
import { rollbackActors } from './rollback-effects.js';

export type { EffectDeps } from './effect-run.js';
export { runEffect } from './effect-run.js';

function describe(plan: Plan, marker: string): string {
  return `${plan.destination.description} [${marker}]`.trim();
}

async function fileTicket(deps: EffectDeps, input: ActorInputs['fileTicket']): Promise<TicketInfo> {
  const { tracker } = deps.services;
  const jira = input.plan.jira;
  if (jira.existingKey) {
    const t = await asData(deps, 'filing', () => tracker.get(jira.existingKey!));
    return { key: t.key, id: t.id, createdAt: t.createdAt, attached: true };
  }
  const text = ticketTemplate(input.plan, input.marker);
  const request = {
    projectKey: jira.projectKey,
    issueType: jira.issueType,
    ...text,
    labels: [input.marker, ...(jira.labels ?? [])],
  };
  return runEffect(deps, input.migrationId, 'ticket', request, async () => {
    const found = await tracker.findByLabel(input.marker);
    const ref = found ?? (await tracker.create(request));
    return { value: { ...ref, attached: false }, remoteId: ref.key, adopted: found !== null };
  });
}

/**
 * The bearer token the plan's destination.tokenEnv names. Preflight refuses an unset variable; this refuses it
 * again at the call (a resumed migration may run in a shell without it), so no connection is created with no auth.
 */
function destinationToken(env: EffectDeps['env'], plan: Plan): string | undefined {
  const name = plan.destination.tokenEnv;
  if (name === undefined) return undefined;
  const token = env[name];
  if (token === undefined || token === '') {
    const message =
      `destination.tokenEnv names $${name}, which is not set in this environment: ` + 'no connection was created';
    throw new CutoverError(
      message,
      'TOKEN_ENV_UNSET',
      `export ${name}=<bearer token> in this shell, then cutover retry ID`,
    );
  }
  return token;
}

export function effectActors(deps: EffectDeps, handoffLines: (ctx: MigrationContext) => string[]) {
  const { platform } = deps.services;
  return {
    runPreflight: fromPromise(({ input }: { input: ActorInputs['runPreflight'] }) =>
      asData(deps, 'preflight', () => runPreflight(deps, input.plan, input.marker)),
    ),
    ensureBaseConnection: fromPromise(({ input }: { input: ActorInputs['ensureBaseConnection'] }) => {
      const request = {
        name: input.plan.destination.name,
        description: describe(input.plan, input.marker),
        specId: input.ecaSpecId,
      };
      const create = async () =>
        platform.createBaseConnection({ ...request, token: destinationToken(deps.env, input.plan) });
      return runEffect(deps, input.migrationId, 'base_connection', request, () =>
        ensure(() => platform.findByMarker('base', input.ecaSpecId, input.marker), create),
      );
    }),
    ensureSourceConnection: fromPromise(({ input }: { input: ActorInputs['ensureSourceConnection'] }) =>
      ensureProfileSource(deps, input.migrationId, input.marker),
    ),
    ensureTargetConnection: fromPromise(({ input }: { input: ActorInputs['ensureTargetConnection'] }) => {
      const params: Record<string, string> = input.plan.destination.accountId
        ? { accountId: input.plan.destination.accountId }
        : {};
      const request = {
        name: input.plan.destination.name,
        description: describe(input.plan, input.marker),
        specId: input.ecaSpecId,
        baseConnectionId: input.baseConnectionId,
        params,
      };
      return runEffect(deps, input.migrationId, 'target_connection', request, () =>
        ensure(
          () => platform.findByMarker('target', input.ecaSpecId, input.marker),
          () => platform.createTargetConnection(request),
        ),
      );
    }),
    fileTicket: fromPromise(({ input }: { input: ActorInputs['fileTicket'] }) => fileTicket(deps, input)),
    pollTicket: fromPromise(({ input }: { input: ActorInputs['pollTicket'] }) =>
      asData(deps, 'awaiting_resolution', () => pollTicket(deps, input.key)),
    ),
    waitUntil: fromPromise(({ input, signal }: { input: ActorInputs['waitUntil']; signal: AbortSignal }) =>
      deps.clock.sleepUntil(input.at, signal),
    ),
    createFlow: fromPromise(({ input }: { input: ActorInputs['createFlow'] }) => createFlow(deps, input)),
    checkVerification: fromPromise(({ input }: { input: ActorInputs['checkVerification'] }) =>
      asData(deps, 'verifying', () => checkVerification(deps, input.flowId, input.plan)),
    ),
    postHandoff: fromPromise(({ input }: { input: ActorInputs['postHandoff'] }) =>
      input.ticketKey
        ? comment(
            deps,
            input.migrationId,
            'handoff',
            input.ticketKey,
            `${input.marker}:handoff`,
            handoffComment(input.context.marks, input.marker, handoffLines(input.context)),
          )
        : Promise.resolve(),
    ),
    withdrawTicket: fromPromise(({ input }: { input: ActorInputs['withdrawTicket'] }) =>
      comment(
        deps,
        input.migrationId,
        'withdraw',
        input.ticketKey,
        `${input.marker}:withdrawn`,
        withdrawComment(input.marker, input.reason),
      ),
    ),
    ...rollbackActors(deps),
  };
}

/**
 * The Profile Store source hangs off a base connection of its own (Profile Store spec, no auth): the
 * destination's base connection belongs to the destination spec and cannot carry a source connection.
 */
async function ensureProfileSource(deps: EffectDeps, migrationId: string, marker: string): Promise<{ id: string }> {
  const { platform } = deps.services;
  const specId = deps.settings.profileSourceSpecId;
  const base = { name: `Profile Store for ${marker}`, description: `[${marker}]`, specId };
  const profileBase = await runEffect(deps, migrationId, 'profile_connection', base, () =>
    ensure(
      () => platform.findByMarker('base', specId, marker),
      () => platform.createBaseConnection(base),
    ),
  );
  const request = {
    name: `Profile Store source for ${marker}`,
    description: `[${marker}]`,
    baseConnectionId: profileBase.id,
  };
  return runEffect(deps, migrationId, 'source_connection', request, () =>
    ensure(
      () => platform.findByMarker('source', specId, marker),
      () => platform.createSourceConnection(request),
    ),
  );
}

/** The critical path: one lookup and one create, everything else was staged. */
async function createFlow(deps: EffectDeps, input: ActorInputs['createFlow']) {
  if (!input.legacyStoppedAt)
    throw toStoredError(
      new Error('refusing to create the flow: the legacy pipe is not known to be off'),
      isoNow(deps.clock),
      'cutting_over',
    );
  const { platform } = deps.services;
  const request = {
    name: input.plan.destination.name,
    description: describe(input.plan, input.marker),
    flowSpecId: input.flowSpecId,
    sourceConnectionId: input.sourceConnectionId,
    targetConnectionId: input.targetConnectionId,
    segmentIds: input.plan.audiences,
    identities: input.plan.identities,
  };
  // The lookup is skipped on a first attempt: with no earlier intent no flow of ours can exist, and the
  // critical path between the legacy pipe stopping and the flow existing stays one request long.
  return runEffect(deps, input.migrationId, 'flow', request, async (earlierAttempt) => {
    const found = earlierAttempt ? await platform.findFlowByMarker(input.ecaSpecId, input.marker) : null;
    const flow = found ?? (await platform.createFlow(request));
    return { value: { id: flow.id, createdAt: flow.createdAt }, remoteId: flow.id, adopted: found !== null };
  });
}
