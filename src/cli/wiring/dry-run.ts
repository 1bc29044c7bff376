// The dry run behind `cutover plan`: the real service clients and the engine's rehearsal (the real machine and its
// real effects), over a fetch that lets reads through and records every write without sending it. Writes are
// answered with a synthetic 201 `{id: "dry-run-N"}`, and later reads of such an id with a synthetic object, so the
// effect code runs to the end and shows the exact requests it would make. Nothing is persisted: the rehearsal
// writes its record, intents and outcomes into a scratch in-memory store.
import { MemoryStore } from '../../adapters/memory/store.js';
import type { FetchFn } from '../../adapters/http/client.js';
import type { Redactor } from '../../adapters/http/redact.js';
import type { Plan } from '../../core/types.js';
import { rehearse, type Rehearsal, type RehearsalOptions } from '../../engine/index.js';
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

/**
 * The engine's rehearsal of `start` against services built on a RecordingFetch, in a scratch in-memory store:
 * each recorded request is filed under the machine's step that made it.
 */
export function rehearseOnRecorder(
  ctx: CliContext,
  conn: Connection,
  recorder: RecordingFetch,
  plan: Plan,
  options: Omit<RehearsalOptions, 'onStep'>,
): Promise<Rehearsal> {
  const deps = {
    store: new MemoryStore(),
    services: conn.services,
    clock: ctx.clock,
    settings: conn.settings,
    env: ctx.env,
  };
  return rehearse(deps, plan, {
    ...options,
    onStep: (step) => {
      recorder.step = step;
    },
  });
}
