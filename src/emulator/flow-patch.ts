/**
 * `PATCH /flows/{id}`: JSON Patch (RFC 6902 add/remove/replace, ops applied in order, so indices shift after
 * each remove), guarded by `If-Match` carrying the quoted etag. Missing header → 1403-400; a stale or
 * unquoted etag → 412 with "Supplied version=[...] does not match the current version on entity=[...]".
 * Success → 200 `{id, etag}` with a new etag (destinations.yaml; the older 202-without-body is not emulated).
 */
import type { Ctx, Reply } from './http.js';
import { header, json, parseJsonBody, isRecord } from './http.js';
import { badRequest, flowProblem, notFound, orgId } from './flow-common.js';
import { quotedEtag, selectedSegmentIds, type World } from './world.js';
import type { Flow } from './model.js';
import { unknownSegments } from './flow-flows.js';

const PATCHABLE = ['name', 'description', 'transformations', 'sourceConnectionIds', 'labels'] as const;
type Doc = Record<string, unknown>;

function tokens(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function walk(doc: Doc, parts: string[]): unknown {
  let node: unknown = doc;
  for (const part of parts) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isRecord(node)) node = node[part];
    else return undefined;
  }
  return node;
}

function arrayIndex(key: string, length: number, allowEnd: boolean): number | undefined {
  if (key === '-' && allowEnd) return length;
  if (!/^\d+$/.test(key)) return undefined;
  const index = Number(key);
  return index < length || (allowEnd && index === length) ? index : undefined;
}

/** Applies one operation in place; returns an error message when it cannot. */
function apply(doc: Doc, op: string, path: string, value: unknown): string | undefined {
  const parts = tokens(path);
  const key = parts.pop();
  if (key === undefined || !PATCHABLE.includes((parts[0] ?? key) as (typeof PATCHABLE)[number])) {
    return `Path ${path} cannot be patched`;
  }
  const parent = walk(doc, parts);
  if (Array.isArray(parent)) {
    const index = arrayIndex(key, parent.length, op === 'add');
    if (index === undefined) return `Index ${key} is out of bounds at ${path}`;
    if (op === 'add') parent.splice(index, 0, value);
    else if (op === 'replace') parent[index] = value;
    else parent.splice(index, 1);
    return undefined;
  }
  if (!isRecord(parent)) return `Path ${path} does not exist`;
  if (op !== 'add' && !(key in parent)) return `Path ${path} does not exist`;
  if (op === 'remove') delete parent[key];
  else parent[key] = value;
  return undefined;
}

function staleEtag(supplied: string, current: string): Reply {
  const message = `Supplied version=[${supplied}] does not match the current version on entity=[${current}]`;
  return flowProblem(412, '1404', 'Version not matching', message);
}

function applyAll(flow: Flow, ops: unknown[]): { doc: Doc } | { error: Reply } {
  const doc = structuredClone({
    name: flow.name,
    description: flow.description,
    transformations: flow.transformations,
    sourceConnectionIds: flow.sourceConnectionIds,
    labels: flow.labels ?? [],
  }) as Doc;
  for (const raw of ops) {
    if (!isRecord(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      return { error: badRequest('1455', 'Each patch operation needs op, path and value') };
    }
    const op = raw.op.toLowerCase();
    if (!['add', 'replace', 'remove'].includes(op))
      return { error: badRequest('1434', `Unsupported patch operation: ${raw.op}`) };
    const error = apply(doc, op, raw.path, structuredClone(raw.value));
    if (error) return { error: badRequest('1455', error) };
  }
  return { doc };
}

export function patchFlow(world: World) {
  return (ctx: Ctx): Reply => {
    const id = ctx.params.id ?? '';
    const org = world.org(orgId(ctx));
    const flow = org.flows.find((f) => f.id === id);
    if (!flow) return notFound('flows', id);
    const ifMatch = header(ctx, 'if-match');
    if (!ifMatch) return badRequest('1403', "The header 'If-Match' is missing");
    if (ifMatch !== flow.etag) return staleEtag(ifMatch, flow.etag);
    const ops = parseJsonBody(ctx);
    if (!Array.isArray(ops) || ops.length === 0)
      return badRequest('1455', 'The body must be a non-empty JSON Patch array');
    const result = applyAll(flow, ops);
    if ('error' in result) return result.error;
    const doc = result.doc;
    const before = new Set(selectedSegmentIds(flow));
    const next: Flow = { ...flow, ...(doc as Partial<Flow>) };
    const unknown = unknownSegments(org, next);
    if (unknown.length > 0) return badRequest('1455', `Unknown segment ids: ${unknown.join(', ')}`);
    Object.assign(flow, doc, { etag: quotedEtag(), updatedAt: Date.now() });
    const grew = selectedSegmentIds(flow).some((s) => !before.has(s));
    if (grew && world.isEcaFlow(org, flow)) world.onEcaFlowChanged(org, flow, false);
    return json(200, { id: flow.id, etag: flow.etag });
  };
}
