// The real implementations of the machine's named actors. Every effect writes an intent row before its
// remote call and an outcome row after it, and first reconciles: it looks its object up by this
// migration's marker and creates only what is missing, because a restored actor re-runs from the start.
import { createHash } from 'node:crypto';
import { fromPromise } from 'xstate';
import { isoNow } from '../core/time.js';
import type { ActorInputs, MigrationContext, TicketInfo } from '../core/machine-types.js';
import { handoffComment, ticketTemplate, withdrawComment } from '../core/ticket.js';
import { CutoverError, toStoredError } from '../errors.js';
import type { Plan } from '../core/types.js';
import type { Clock, EffectIntent, MigrationStore } from '../ports.js';
import { failpoint } from './failpoints.js';
import { checkVerification, pollTicket } from './observe.js';
import { runPreflight } from './preflight.js';
import type { EngineSettings, Services } from './types.js';

export interface EffectDeps {
  store: MigrationStore;
  services: Services;
  clock: Clock;
  settings: EngineSettings;
  env: Record<string, string | undefined>;
  /** Resolves once every queued transition is on disk: an intent is never written ahead of its state. */
  flushed: () => Promise<void>;
  /**
   * Writes an effect's intent no earlier than the state it runs in, ideally in the same transaction; resolves
   * with the number of attempts the effect has now had. Without it the intent waits for `flushed`.
   */
  persistIntent?: (intent: EffectIntent) => Promise<number>;
  /** Effects still running: a stopping drive waits for them before it gives up its lease. */
  inFlight?: Set<Promise<unknown>>;
}

interface Done<T> {
  value: T;
  remoteId: string | null;
  adopted: boolean;
}

function fingerprint(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex').slice(0, 32);
}

/**
 * Intent → call → outcome, with failures stored as plain data (the machine never sees an Error).
 * `call` learns whether an earlier attempt wrote an intent: only then can a remote object already exist.
 */
type EffectCall<T> = (earlierAttempt: boolean) => Promise<Done<T>>;

export function runEffect<T>(
  deps: EffectDeps,
  migrationId: string,
  step: string,
  request: unknown,
  call: EffectCall<T>,
): Promise<T> {
  // Tracked so that an interrupted drive keeps its lease until the remote call has an outcome: releasing it
  // earlier would let a second runner reconcile before the first runner's create has landed.
  const running = effectBody(deps, migrationId, step, request, call);
  deps.inFlight?.add(running);
  const untrack = () => deps.inFlight?.delete(running);
  running.then(untrack, untrack);
  return running;
}

/** The fallback when no persister rides intents along with transitions: flush, write, count. */
async function intentAfterFlush(deps: EffectDeps, intent: EffectIntent): Promise<number> {
  await deps.flushed();
  await deps.store.recordIntent(intent);
  return (await deps.store.effects(intent.migrationId)).find((e) => e.key === intent.key)?.attempts ?? 1;
}

async function effectBody<T>(
  deps: EffectDeps,
  migrationId: string,
  step: string,
  request: unknown,
  call: EffectCall<T>,
): Promise<T> {
  const key = `${migrationId}:${step}`;
  // Called before the first await on purpose: xstate starts an invoked effect before it reports the state the
  // effect runs in, so the intent can join that state's transaction (one fsync on the critical path, not two).
  const intent = { migrationId, key, step, fingerprint: fingerprint(request), at: isoNow(deps.clock) };
  const attempts = await (deps.persistIntent ? deps.persistIntent(intent) : intentAfterFlush(deps, intent));
  failpoint(deps.env, step, 'before-call');
  let done: Done<T>;
  try {
    done = await call(attempts > 1);
    failpoint(deps.env, step, 'after-call');
  } catch (err) {
    const error = toStoredError(err, isoNow(deps.clock), step);
    await deps.store.recordOutcome({ key, status: 'failed', remoteId: null, at: error.at, error });
    throw error;
  }
  await deps.store.recordOutcome({
    key,
    status: done.adopted ? 'adopted' : 'created',
    remoteId: done.remoteId,
    at: isoNow(deps.clock),
  });
  failpoint(deps.env, step, 'after-outcome');
  return done.value;
}

/** Reads have no intent rows, but their failures must still reach the machine as stored data. */
async function asData<T>(deps: EffectDeps, step: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw toStoredError(err, isoNow(deps.clock), step);
  }
}

async function ensure<T extends { id: string }>(
  find: () => Promise<T | null>,
  create: () => Promise<T>,
): Promise<Done<{ id: string }>> {
  const found = await find();
  if (found) return { value: { id: found.id }, remoteId: found.id, adopted: true };
  const made = await create();
  return { value: { id: made.id }, remoteId: made.id, adopted: false };
}

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

async function comment(
  deps: EffectDeps,
  migrationId: string,
  step: string,
  key: string,
  marker: string,
  text: string,
): Promise<void> {
  await runEffect(deps, migrationId, step, { key, marker }, async () => {
    const exists = await deps.services.tracker.hasComment(key, marker);
    if (!exists) await deps.services.tracker.comment(key, text);
    return { value: undefined, remoteId: key, adopted: exists };
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
    const message = `destination.tokenEnv names $${name}, which is not set in this environment: no connection was created`;
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
