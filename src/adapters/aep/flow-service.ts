// Flow Service (https://platform.adobe.io/data/foundation/flowservice): the raw operations, in the service's own
// shapes. Mapping to the port's types lives in mapping.ts; the port itself in platform.ts.
import { ServiceError } from '../../errors.js';
import type { HttpClient, HttpRequest } from '../http/client.js';
import { epochMsToIso } from './mapping.js';

export const FLOW_SERVICE_PATH = '/data/foundation/flowservice';
/** Profile Store ("Unified Profile Service") source connection spec, documented in the destination tutorials. */
export const PROFILE_STORE_SPEC_ID = '8a9c3494-9708-43d7-ae3f-cda01e5030e1';
/** A list is at most 100 entities per page; a loop guard beyond that. */
const MAX_PAGES = 100;
/** Re-read and re-apply attempts after a 412 (another writer changed the flow between our read and our PATCH). */
const MAX_ETAG_CONFLICTS = 3;

export type Raw = Record<string, unknown>;
export interface JsonPatchOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

export class FlowServiceClient {
  constructor(private readonly http: HttpClient) {}

  /** Every item of a list, following `_links.next.href` continuation tokens. */
  async listAll(resource: string, query: Record<string, string | undefined> = {}): Promise<Raw[]> {
    const items: Raw[] = [];
    const seen = new Set<string>();
    let continuationToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await this.http.json<{ items?: Raw[]; _links?: { next?: { href?: string } } }>(
        this.req('GET', `/${resource}`, { ...query, continuationToken }),
      );
      items.push(...(body.items ?? []));
      const next = tokenFrom(body._links?.next?.href);
      if (!next || seen.has(next)) break;
      seen.add(next);
      continuationToken = next;
    }
    return items;
  }

  /** One page only (a probe, or a caller that needs no more). */
  async firstPage(resource: string, query: Record<string, string | undefined> = {}): Promise<Raw[]> {
    const body = await this.http.json<{ items?: Raw[] }>(this.req('GET', `/${resource}`, query));
    return body.items ?? [];
  }

  async findByName(resource: 'connectionSpecs' | 'flowSpecs', name: string): Promise<Raw | null> {
    const items = await this.listAll(resource, { property: `name==${name}` });
    // The filter should already be exact; match again so a lenient server cannot hand us a near-namesake.
    return (
      items.find((i) => i.name === name) ??
      items.find((i) => String(i.name).toLowerCase() === name.toLowerCase()) ??
      null
    );
  }

  async create(
    resource: 'connections' | 'sourceConnections' | 'targetConnections' | 'flows',
    body: Raw,
  ): Promise<{ id: string; etag?: string }> {
    const created = await this.http.json<{ id?: unknown; etag?: string }>(
      this.req('POST', `/${resource}`, undefined, body),
    );
    // A non-string id would be stored as the remote id and sent on in later bodies, where it fails far from here.
    if (typeof created.id !== 'string' || created.id === '') {
      throw this.http.error(
        this.req('POST', `/${resource}`),
        201,
        undefined,
        'unexpected response: no id (string) in the create answer',
        false,
      );
    }
    return { id: created.id, etag: created.etag };
  }

  /** GET /flows/{id}: the service wraps even a single flow in `items`. */
  async getFlow(id: string): Promise<Raw> {
    const req = this.req('GET', `/flows/${encodeURIComponent(id)}`);
    const body = await this.http.json<{ items?: Raw[] } & Raw>(req);
    const flow = Array.isArray(body.items) ? body.items[0] : body.id ? body : undefined;
    if (!flow) throw this.http.error(req, 404, undefined, `flow ${id} not found (empty items)`, false);
    // createdAt is the connection_established downtime mark: without it the mark would be recorded empty.
    if (epochMsToIso(flow.createdAt) === undefined) {
      throw this.http.error(req, 200, undefined, `unexpected response: flow ${id} has no createdAt (epoch ms)`, false);
    }
    return flow;
  }

  /**
   * JSON Patch a flow with its quoted etag in If-Match. `build` computes the operations from the current flow, so
   * after a 412 the flow is re-read and the change re-derived from what is there now (an add already applied by
   * someone else is not added twice). Returns the flow as it stands afterwards.
   */
  async patchFlow(id: string, build: (flow: Raw) => JsonPatchOp[]): Promise<Raw> {
    for (let conflict = 0; ; conflict++) {
      const flow = await this.getFlow(id);
      const ops = build(flow);
      if (ops.length === 0) return flow;
      const req = this.req('PATCH', `/flows/${encodeURIComponent(id)}`, undefined, ops);
      req.headers = { 'If-Match': quoteEtag(String(flow.etag ?? '')) };
      try {
        await this.http.request(req);
        return await this.getFlow(id); // 200 {id, etag} or 202 with no body: either way, read the new etag
      } catch (err) {
        if (!(err instanceof ServiceError) || err.status !== 412 || conflict + 1 >= MAX_ETAG_CONFLICTS) throw err;
      }
    }
  }

  /**
   * POST /flows/{id}/action?op=enable|disable, with the quoted etag in If-Match when given. Repeating it leaves
   * the same state, so it may be retried.
   */
  async flowAction(id: string, op: 'enable' | 'disable', etag?: string): Promise<void> {
    const req = this.req('POST', `/flows/${encodeURIComponent(id)}/action`, { op });
    if (etag !== undefined) req.headers = { 'If-Match': quoteEtag(etag) };
    await this.http.request({ ...req, idempotent: true });
  }

  /**
   * Switches a flow to `state` under its current etag: read, act with If-Match, and after a 412 (someone changed the
   * flow in between) read again and retry. A flow already in that state is not touched. Returns the flow afterwards.
   */
  async setFlowState(id: string, state: 'enabled' | 'disabled'): Promise<Raw> {
    for (let conflict = 0; ; conflict++) {
      const flow = await this.getFlow(id);
      if (flow.state === state) return flow;
      try {
        await this.flowAction(id, state === 'enabled' ? 'enable' : 'disable', String(flow.etag ?? ''));
        return await this.getFlow(id);
      } catch (err) {
        if (!(err instanceof ServiceError) || err.status !== 412 || conflict + 1 >= MAX_ETAG_CONFLICTS) throw err;
      }
    }
  }

  /** DELETE a flow or connection; a 404 means it is gone already, which is what was asked. */
  async remove(
    resource: 'connections' | 'sourceConnections' | 'targetConnections' | 'flows',
    id: string,
  ): Promise<void> {
    try {
      await this.http.request({ ...this.req('DELETE', `/${resource}/${encodeURIComponent(id)}`), idempotent: true });
    } catch (err) {
      if (!(err instanceof ServiceError) || err.status !== 404) throw err;
    }
  }

  req(
    method: HttpRequest['method'],
    path: string,
    query?: Record<string, string | undefined>,
    json?: unknown,
  ): HttpRequest {
    return { method, path: `${FLOW_SERVICE_PATH}${path}`, query, ...(json === undefined ? {} : { json }) };
  }
}

/** The continuationToken of a `_links.next.href` (relative or absolute), if any. */
export function tokenFrom(href: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    return new URL(href, 'http://relative.invalid').searchParams.get('continuationToken') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Etags carry literal double quotes and If-Match must send them; add them if a server or caller dropped them. */
export function quoteEtag(etag: string): string {
  return /^(W\/)?".*"$/.test(etag) ? etag : `"${etag}"`;
}
