// Reads that watch the world change: the ticket, and the new connection's audiences arriving.
import { isoNow } from '../core/time.js';
import type { TicketPollOutput, VerificationOutput } from '../core/machine-types.js';
import type { Plan } from '../core/types.js';
import type { EffectDeps } from './effects.js';

export async function pollTicket(deps: EffectDeps, key: string): Promise<TicketPollOutput> {
  const { tracker } = deps.services;
  // Under `watch` a batch search may have just read this ticket: not done, it needs no request of its own.
  // Its send and answer instants are the poll's, so the next poll is due one interval after that search.
  const known = tracker.takeKnownStatus?.(key, deps.clock.now());
  if (known && !known.resolved) {
    return {
      startedAt: new Date(known.sentAt).toISOString(),
      observedAt: new Date(known.observedAt).toISOString(),
      statusName: known.statusName,
      statusCategory: known.statusCategory,
      resolved: false,
      resolutionDate: null,
      doneTransitionAt: null,
    };
  }
  const startedAt = isoNow(deps.clock);
  const t = await tracker.get(key);
  // A batch saw it done: this read is the confirmation (and the changelog); the detection is the batch's.
  const seenDone = known?.resolved && t.resolved ? { seenDoneAt: new Date(known.observedAt).toISOString() } : {};
  return {
    startedAt,
    observedAt: isoNow(deps.clock),
    ...seenDone,
    statusName: t.statusName,
    statusCategory: t.statusCategory,
    resolved: t.resolved,
    resolutionDate: t.resolutionDate,
    doneTransitionAt: t.doneTransitionAt,
  };
}

/** When each audience first appears in the new data source (Audience Manager's own createTime if given). */
async function seenInAudienceManager(
  deps: EffectDeps,
  plan: Plan,
  observedAt: string,
): Promise<Record<string, string>> {
  if (!plan.solutions.includes('audience_manager')) return {};
  const { directory } = deps.services;
  const source = (await directory.listDataSources()).find((d) => d.name === deps.settings.aamDataSource);
  if (!source) return {};
  const seen: Record<string, string> = {};
  for (const s of await directory.segmentsInDataSource(source.id)) {
    if (s.integrationCode && plan.audiences.includes(s.integrationCode))
      seen[s.integrationCode] = s.createdAt ?? observedAt;
  }
  return seen;
}

/** Dataflow monitoring is not supported for this card in beta: a failing runs read is not an error. */
async function firstSuccessfulRun(deps: EffectDeps, flowId: string): Promise<string | null> {
  try {
    const runs = await deps.services.platform.listRuns(flowId);
    const ok = runs
      .filter((r) => r.status === 'success')
      .map((r) => r.completedAt ?? r.startedAt)
      .filter((x): x is string => Boolean(x));
    return ok.sort()[0] ?? null;
  } catch {
    return null;
  }
}

export async function checkVerification(deps: EffectDeps, flowId: string, plan: Plan): Promise<VerificationOutput> {
  const observedAt = isoNow(deps.clock);
  const [seen, firstSuccessfulRunAt] = await Promise.all([
    seenInAudienceManager(deps, plan, observedAt),
    firstSuccessfulRun(deps, flowId),
  ]);
  return { observedAt, seen, firstSuccessfulRunAt };
}
