// Audience Manager REST API (/v1/...), behind the AudienceDirectory port. The host is configurable because the
// docs name two (aam.adobe.io for OAuth Server-to-Server, api.demdex.com in their own example).
//
// Paging: without `page`/`pageSize` the API answers a plain JSON array; with them it wraps the list in an object
// whose field names are unconfirmed (no Swagger was available). Both are accepted, and the wrapper's list is
// looked for under `list`, `items` and `results`, defensively, with `total`/`totalCount` when present.
import type { AamSegment, AudienceDirectory, DataSource } from '../../ports.js';
import { ServiceError } from '../../errors.js';
import type { HttpClient } from '../http/client.js';

type Raw = Record<string, unknown>;
const PAGE_SIZE = 200;
const MAX_PAGES = 100;

export interface AamTrait {
  sid: number;
  name: string;
  integrationCode: string | null;
  dataSourceId: number;
  createdAt?: string;
}

export class AamDirectory implements AudienceDirectory {
  constructor(private readonly http: HttpClient) {}

  async listDataSources(): Promise<DataSource[]> {
    const items = await this.paged('/v1/datasources/', {});
    return items.map((d) => ({
      // `pid` is the partner id; the data source's own id is `dataSourceId`.
      id: Number(d.dataSourceId ?? d.id),
      name: String(d.name ?? ''),
      ...(typeof d.integrationCode === 'string' && d.integrationCode !== ''
        ? { integrationCode: d.integrationCode }
        : {}),
    }));
  }

  async segmentsInDataSource(dataSourceId: number): Promise<AamSegment[]> {
    const items = await this.paged('/v1/segments/', { dataSourceId });
    return items.map(toSegment);
  }

  async traitsInDataSource(dataSourceId: number): Promise<AamTrait[]> {
    const items = await this.paged('/v1/traits/', { dataSourceId });
    return items.map(toSegment);
  }

  /** `/v1/segments/ic:{code}` (the integration code is the AEP segment id for shared audiences); null on 404. */
  async segmentByIntegrationCode(code: string): Promise<AamSegment | null> {
    const raw = await this.byCode('/v1/segments/', code);
    return raw ? toSegment(raw) : null;
  }

  async traitByIntegrationCode(code: string): Promise<AamTrait | null> {
    const raw = await this.byCode('/v1/traits/', code);
    return raw ? toSegment(raw) : null;
  }

  private async byCode(base: string, code: string): Promise<Raw | null> {
    try {
      const body = await this.http.json<Raw | Raw[]>({ method: 'GET', path: `${base}ic:${encodeURIComponent(code)}` });
      return Array.isArray(body) ? (body[0] ?? null) : body;
    } catch (err) {
      if (err instanceof ServiceError && err.status === 404) return null;
      throw err;
    }
  }

  /** Every item of a list, page by page (0-based `page`), accepting a plain array or a wrapped page. */
  private async paged(path: string, query: Record<string, number | string>): Promise<Raw[]> {
    const out: Raw[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const req = { method: 'GET' as const, path, query: { ...query, page, pageSize: PAGE_SIZE } };
      const answer = unwrap(await this.http.json<unknown>(req));
      // An answer with no list at all is not Audience Manager's (an empty page still has one): never "none yet".
      if (!answer) {
        throw this.http.error(
          req,
          200,
          undefined,
          `unexpected response: no list in the ${path} answer`,
          false,
          'wrong_shape',
        );
      }
      const { items, total } = answer;
      out.push(...items);
      if (items.length < PAGE_SIZE || (total !== undefined && out.length >= total)) break;
    }
    return out;
  }
}

function unwrap(body: unknown): { items: Raw[]; total?: number } | null {
  if (Array.isArray(body)) return { items: body as Raw[] };
  const o = (body ?? {}) as Raw;
  const list = [o.list, o.items, o.results].find(Array.isArray) as Raw[] | undefined;
  if (!list) return null;
  const total = [o.total, o.totalCount, o.totalResults].find((t) => typeof t === 'number') as number | undefined;
  return { items: list, ...(total === undefined ? {} : { total }) };
}

function toSegment(raw: Raw): AamSegment {
  const created = Number(raw.createTime);
  const updated = Number(raw.updateTime);
  return {
    sid: Number(raw.sid),
    name: String(raw.name ?? ''),
    integrationCode: typeof raw.integrationCode === 'string' && raw.integrationCode !== '' ? raw.integrationCode : null,
    dataSourceId: Number(raw.dataSourceId),
    ...(Number.isFinite(created) && raw.createTime !== undefined && raw.createTime !== null
      ? { createdAt: new Date(created).toISOString() }
      : {}),
    ...(Number.isFinite(updated) && raw.updateTime !== undefined && raw.updateTime !== null
      ? { updatedAt: new Date(updated).toISOString() }
      : {}),
  };
}
