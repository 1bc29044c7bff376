// The dry run behind `cutover plan`: the real service clients and the real effect code, over a fetch that lets
// reads through and records every write without sending it. Writes are answered with a synthetic 201
// `{id: "dry-run-N"}`, and later reads of such an id with a synthetic object, so the effect code runs to the end
// and shows the exact requests it would make. Nothing is persisted: the effects journal into a scratch store.
import { createActor, toPromise, type AnyActorLogic } from 'xstate';
import { MemoryStore } from '../../adapters/memory/store.js';
import type { FetchFn } from '../../adapters/http/client.js';
import type { Redactor } from '../../adapters/http/redact.js';
import type { PreflightOutput } from '../../core/machine-types.js';
import type { Plan } from '../../core/types.js';
import { effectActors, handoffLines } from '../../engine/index.js';
import type { CliContext } from './context.js';
import type { Connection } from '../wizard/connect.js';

export interface RecordedCall {
  step: string;
  method: string;
  url: string;
  body?: unknown;
}

const DRY = 'dry-run-';

/** Requests that change nothing although they are POSTs: an IMS token, a Jira search. */
function isRead(method: string, url: URL): boolean {
  if (method === 'GET' || method === 'HEAD') return true;
  return method === 'POST' && (/\/ims\/token\//.test(url.pathname) || /\/search(\/jql)?$/.test(url.pathname));
}

function parseBody(body: unknown, redactor: Redactor): unknown {
  if (typeof body !== 'string' || body === '') return undefined;
  const text = redactor.body(body);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** What a read of a dry-run object gets: enough for Jira's create read-back and Flow Service's getFlow. */
function syntheticObject(id: string, nowMs: number): unknown {
  const created = new Date(nowMs).toISOString().replace('Z', '+0000');
  return {
    id,
    key: id,
    fields: { created },
    items: [{ id, name: id, createdAt: nowMs, state: 'enabled', etag: '"0"' }],
  };
}

export class RecordingFetch {
  readonly calls: RecordedCall[] = [];
  step = 'preflight';
  private next = 1;

  constructor(
    private readonly real: FetchFn,
    private readonly now: () => number,
    private redactor: Redactor | null = null,
  ) {}

  useRedactor(redactor: Redactor): void {
    this.redactor = redactor;
  }

  readonly fetch: FetchFn = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? 'GET').toUpperCase();
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (isRead(method, url)) {
      return url.pathname.includes(DRY)
        ? json(200, syntheticObject(decodeURIComponent(url.pathname.split('/').pop() ?? ''), this.now()))
        : this.real(input, init);
    }
    const shown = this.redactor ? this.redactor.url(url.href) : url.href;
    this.calls.push({
      step: this.step,
      method,
      url: shown,
      body: this.redactor ? parseBody(init?.body, this.redactor) : undefined,
    });
    const id = `${DRY}${this.next++}`;
    return json(201, { id, key: id, etag: '"0"' });
  };
}

type Input = Record<string, unknown>;
const runActor = (logic: AnyActorLogic, input: Input): Promise<unknown> =>
  toPromise(createActor(logic, { input }).start());

/**
 * Runs staging, filing and the cut-over's flow creation, in the engine's order, against services built on a
 * RecordingFetch. Needs the spec ids preflight found; placeholders stand in when preflight could not find them.
 */
export async function rehearseEffects(
  ctx: CliContext,
  conn: Connection,
  recorder: RecordingFetch,
  plan: Plan,
  id: string,
  found: PreflightOutput,
): Promise<void> {
  const store = new MemoryStore();
  const at = new Date(ctx.clock.now()).toISOString();
  await store.create({
    id,
    orgId: plan.orgId,
    plan,
    machineVersion: 'dry-run',
    xstateVersion: 'dry-run',
    state: 'draft',
    status: 'active',
    at,
    journal: [],
  });
  const actors = effectActors(
    {
      store,
      services: conn.services,
      clock: ctx.clock,
      settings: conn.settings,
      env: ctx.env,
      flushed: async () => {},
    },
    handoffLines,
  );
  const marker = `cutover-${id}`;
  const ecaSpecId = found.ecaSpecId ?? '<experience-cloud-audiences-spec-id>';
  const common = { migrationId: id, marker, plan };
  recorder.step = 'staging';
  const base = (await runActor(actors.ensureBaseConnection, { ...common, ecaSpecId })) as { id: string };
  const source = (await runActor(actors.ensureSourceConnection, { ...common, baseConnectionId: base.id })) as {
    id: string;
  };
  const target = (await runActor(actors.ensureTargetConnection, {
    ...common,
    ecaSpecId,
    baseConnectionId: base.id,
  })) as { id: string };
  recorder.step = 'filing';
  await runActor(actors.fileTicket, common);
  recorder.step = 'cutting_over';
  await runActor(actors.createFlow, {
    ...common,
    ecaSpecId,
    flowSpecId: found.flowSpecId ?? '<experience-cloud-audiences-flow-spec-id>',
    sourceConnectionId: source.id,
    targetConnectionId: target.id,
    legacyStoppedAt: at,
  });
}
