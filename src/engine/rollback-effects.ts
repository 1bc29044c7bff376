// The rollback's effects (issue 15): disable the new flow, file the re-enable ticket, watch the legacy data source,
// hand off (and clean up when asked). Each is intent → reconcile by marker → call → outcome, like every effect.
import { fromPromise } from 'xstate';
import type {
  ActorInputs,
  DisableOutput,
  LegacyDataOutput,
  MigrationContext,
  TicketInfo,
} from '../core/machine-types.js';
import {
  reenableLabel,
  reenableTemplate,
  rollbackCommentMarker,
  rollbackHandoffComment,
} from '../core/rollback-ticket.js';
import { isoNow } from '../core/time.js';
import { CutoverError, ServiceError } from '../errors.js';
import { asData, comment, type EffectDeps, runEffect } from './effect-run.js';

/** The flow of this migration, by the id it recorded or else by its marker (a create whose answer was lost). */
async function ourFlowId(deps: EffectDeps, input: ActorInputs['disableFlow']): Promise<string | null> {
  if (input.flowId) return input.flowId;
  if (!input.ecaSpecId) return null;
  return (await deps.services.platform.findFlowByMarker(input.ecaSpecId, input.marker))?.id ?? null;
}

async function disableFlow(deps: EffectDeps, input: ActorInputs['disableFlow']): Promise<DisableOutput> {
  const request = { flowId: input.flowId, marker: input.marker };
  return runEffect<DisableOutput>(deps, input.migrationId, 'rollback_disable', request, async () => {
    const flowId = await ourFlowId(deps, input);
    const none = { value: { observedAt: isoNow(deps.clock), flowId: null, disabledAt: null }, remoteId: null };
    if (!flowId) return { ...none, adopted: true };
    try {
      const flow = await deps.services.platform.disableFlow(flowId);
      const observedAt = isoNow(deps.clock);
      return {
        value: { observedAt, flowId, disabledAt: flow.updatedAt ?? observedAt },
        remoteId: flowId,
        adopted: false,
      };
    } catch (err) {
      // Deleted by someone meanwhile: a flow that does not exist sends nothing either.
      if (err instanceof ServiceError && err.status === 404) return { ...none, adopted: true };
      throw err;
    }
  });
}

async function fileReenableTicket(deps: EffectDeps, input: ActorInputs['fileReenableTicket']): Promise<TicketInfo> {
  const { tracker } = deps.services;
  const label = reenableLabel(input.marker);
  const text = reenableTemplate({ ...input, plan: input.plan });
  const jira = input.plan.jira;
  const request = {
    projectKey: jira.projectKey,
    issueType: jira.issueType,
    ...text,
    labels: [label, ...(jira.labels ?? [])],
  };
  return runEffect(deps, input.migrationId, 'reenable_ticket', request, async () => {
    const found = await tracker.findByLabel(label);
    const ref = found ?? (await tracker.create(request));
    return { value: { ...ref, attached: false }, remoteId: ref.key, adopted: found !== null };
  });
}

/** When each audience's segment in the legacy data source updated at or after legacy sharing came back. */
async function checkLegacyData(deps: EffectDeps, input: ActorInputs['checkLegacyData']): Promise<LegacyDataOutput> {
  const { directory } = deps.services;
  const name = deps.settings.aamLegacyDataSource;
  const source = (await directory.listDataSources()).find((d) => d.name === name);
  if (!source) {
    const message = `Audience Manager has no data source named "${name}": the legacy pipe cannot be seen`;
    throw new CutoverError(message, 'LEGACY_SOURCE_MISSING', 'check aam.legacyDataSource in the configuration');
  }
  const since = Date.parse(input.since);
  const seen: Record<string, string> = {};
  for (const s of await directory.segmentsInDataSource(source.id)) {
    const code = s.integrationCode;
    if (code && input.plan.audiences.includes(code) && s.updatedAt && Date.parse(s.updatedAt) >= since)
      seen[code] = s.updatedAt;
  }
  return { observedAt: isoNow(deps.clock), seen };
}

/** What --delete-connection removes, flow first (a connection in use by a flow cannot be deleted). */
function cleanupList(ctx: MigrationContext): string[] {
  if (!ctx.rollback?.deleteConnection) return [];
  const r = ctx.remote;
  const flowId = ctx.rollback.flowId ?? r.flowId;
  return [
    flowId && `flow ${flowId}`,
    r.targetConnectionId && `target connection ${r.targetConnectionId}`,
    r.sourceConnectionId && `source connection ${r.sourceConnectionId}`,
    r.baseConnectionId && `base connection ${r.baseConnectionId}`,
  ].filter((x): x is string => Boolean(x));
}

async function cleanUp(deps: EffectDeps, ctx: MigrationContext): Promise<void> {
  const { platform } = deps.services;
  const r = ctx.remote;
  const flowId = ctx.rollback?.flowId ?? r.flowId;
  await runEffect(deps, ctx.migrationId, 'rollback_cleanup', { marker: ctx.marker }, async () => {
    if (flowId) await platform.deleteFlow(flowId);
    if (r.targetConnectionId) await platform.deleteConnection('target', r.targetConnectionId);
    if (r.sourceConnectionId) await platform.deleteConnection('source', r.sourceConnectionId);
    if (r.baseConnectionId) await platform.deleteConnection('base', r.baseConnectionId);
    return { value: undefined, remoteId: null, adopted: false };
  });
}

async function postRollbackHandoff(deps: EffectDeps, input: ActorInputs['postRollbackHandoff']): Promise<void> {
  const ctx = input.context;
  const deleted = cleanupList(ctx);
  if (deleted.length > 0) await cleanUp(deps, ctx);
  const key = ctx.rollback?.ticket?.key;
  if (!key) return;
  const text = rollbackHandoffComment(ctx, deleted);
  await comment(deps, input.migrationId, 'rollback_handoff', key, rollbackCommentMarker(input.marker), text);
}

export function rollbackActors(deps: EffectDeps) {
  return {
    disableFlow: fromPromise(({ input }: { input: ActorInputs['disableFlow'] }) => disableFlow(deps, input)),
    fileReenableTicket: fromPromise(({ input }: { input: ActorInputs['fileReenableTicket'] }) =>
      fileReenableTicket(deps, input),
    ),
    checkLegacyData: fromPromise(({ input }: { input: ActorInputs['checkLegacyData'] }) =>
      asData(deps, 'rolling_back', () => checkLegacyData(deps, input)),
    ),
    postRollbackHandoff: fromPromise(({ input }: { input: ActorInputs['postRollbackHandoff'] }) =>
      postRollbackHandoff(deps, input),
    ),
  };
}
