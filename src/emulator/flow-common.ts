/**
 * What every Flow Service list and error shares: `property` filters (repeatable, AND; comma = OR within one;
 * `[]` walks arrays), `limit` (max 100) with `continuationToken` paging and `_links.next.href`, `orderby`,
 * `count=true`, and the FLOW-NNNN-HTTP problem bodies (reference §0.3–0.4).
 */
import { randomUUID } from 'node:crypto';
import type { Ctx, Reply } from './http.js';
import { header, json } from './http.js';

export const FLOW_BASE = '/data/foundation/flowservice';

export function flowProblem(
  status: number,
  code: string,
  title: string,
  message: string,
  extra: Record<string, unknown> = {},
): Reply {
  return {
    status,
    headers: { 'content-type': 'application/problem+json;charset=UTF-8' },
    body: {
      type: `https://ns.adobe.com/aep/errors/FLOW-${code}-${status}`,
      title,
      status,
      report: { 'detailed-message': message, 'request-id': randomUUID(), ...extra },
      errorMessage: message,
      errorDetails: message,
    },
  };
}

export function notFound(kind: string, id: string): Reply {
  return flowProblem(
    404,
    '1439',
    'Resource not found',
    `The requested ${kind} resource ${id} is not found. Verify the resource ID before trying again.`,
    { id, type: kind },
  );
}

export function badRequest(code: string, message: string): Reply {
  return flowProblem(400, code, 'Bad request', message);
}

interface PropertyFilter {
  path: string;
  op: '==' | '!=' | '>' | '<' | '>=' | '<=' | 'exists';
  values: string[];
}

function parseFilter(expression: string): PropertyFilter | undefined {
  const match = /^([A-Za-z0-9_.[\]@-]+?)(==|!=|>=|<=|>|<)(.*)$/.exec(expression);
  if (!match)
    return /^[A-Za-z0-9_.[\]]+$/.test(expression) ? { path: expression, op: 'exists', values: [] } : undefined;
  const [, path = '', op = '==', rest = ''] = match;
  return { path, op: op as PropertyFilter['op'], values: rest.split(',') };
}

/** Every leaf value at a dotted path; `[]` (and any array met on the way) is walked. */
export function valuesAt(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  for (const segment of path.split('.')) {
    const key = segment.replace(/\[\]$/, '');
    const next: unknown[] = [];
    for (const node of current.flatMap((n) => (Array.isArray(n) ? n : [n]))) {
      if (typeof node === 'object' && node !== null && key in node) next.push((node as Record<string, unknown>)[key]);
    }
    current = next;
  }
  return current.flatMap((n) => (Array.isArray(n) ? n : [n]));
}

function test(filter: PropertyFilter, item: unknown): boolean {
  const leaves = valuesAt(item, filter.path);
  if (filter.op === 'exists') return leaves.some((v) => v !== undefined && v !== null);
  const wanted = filter.values;
  const equal = leaves.some((leaf) => wanted.some((w) => String(leaf) === w));
  if (filter.op === '==') return equal;
  if (filter.op === '!=') return !equal;
  const bound = Number(wanted[0]);
  return leaves.some((leaf) => {
    const n = Number(leaf);
    if (filter.op === '>') return n > bound;
    if (filter.op === '<') return n < bound;
    if (filter.op === '>=') return n >= bound;
    return n <= bound;
  });
}

function order(items: Array<Record<string, unknown>>, orderby: string | null): Array<Record<string, unknown>> {
  const spec = orderby ?? '-updatedAt';
  const descending = spec.startsWith('-');
  const key = spec.replace(/^[-+]/, '');
  return [...items].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    const cmp = typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''));
    return descending ? -cmp : cmp;
  });
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeToken(token: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    return typeof parsed.o === 'number' && parsed.o >= 0 ? parsed.o : undefined;
  } catch {
    return undefined;
  }
}

/** Filters, orders and pages rendered items the way Flow Service lists do. */
export function listReply(ctx: Ctx, resource: string, rendered: Array<Record<string, unknown>>): Reply {
  const filters: PropertyFilter[] = [];
  for (const expression of ctx.query.getAll('property')) {
    const filter = parseFilter(expression);
    if (!filter) return badRequest('1402', `Invalid property filter: ${expression}`);
    filters.push(filter);
  }
  const matching = order(
    rendered.filter((item) => filters.every((f) => test(f, item))),
    ctx.query.get('orderby'),
  );
  const limitParam = ctx.query.get('limit');
  if (ctx.query.get('count') === 'true') {
    if (limitParam !== null) return badRequest('1401', 'limit and count parameters cannot be given together');
    return json(200, { count: matching.length });
  }
  const limit = limitParam === null ? 100 : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1) return badRequest('1400', `Invalid limit: ${limitParam}`);
  const tokenParam = ctx.query.get('continuationToken');
  const offset = tokenParam === null ? 0 : decodeToken(tokenParam);
  if (offset === undefined) return badRequest('1400', 'Invalid continuationToken');
  const size = Math.min(limit, 100);
  const page = matching.slice(offset, offset + size);
  const body: Record<string, unknown> = { items: page };
  if (offset + size < matching.length) body._links = { next: { href: nextHref(ctx, resource, offset + size) } };
  return json(200, body);
}

/** Relative to the Flow Service base, as in the documented example `/flows?continuationToken=...`. */
function nextHref(ctx: Ctx, resource: string, offset: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of ctx.query) if (key !== 'continuationToken') params.append(key, value);
  params.set('continuationToken', encodeToken(offset));
  return `/${resource}?${params.toString()}`;
}

export function orgId(ctx: Ctx): string {
  return header(ctx, 'x-gw-ims-org-id') ?? '';
}

export function sandboxName(ctx: Ctx): string {
  return header(ctx, 'x-sandbox-name') ?? 'prod';
}

export function clientOf(ctx: Ctx): string {
  return header(ctx, 'x-api-key') ?? 'unknown';
}
