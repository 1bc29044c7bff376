// Contract-test support: validates request and response bodies against the vendors' OpenAPI documents in
// $CUTOVER_SPECS_DIR (tests that use them are declared with itWithSpecs, see test/support/specs.ts). Shared by the
// adapter contract tests and the emulator's tests, so both sides of the wire are held to the same documents.
//
// Choices worth knowing:
// - Paths: pass a spec template (`/flows/{id}`) or a concrete path, with or without the server's base path
//   (`/data/foundation/flowservice/flows/123?x=1` matches `/flows/{id}`). Literal segments beat parameters.
// - OpenAPI 3.0 `nullable: true` is rewritten to a JSON Schema type union before compiling.
// - `oneOf` is validated as `anyOf`: these vendor documents use oneOf for overlapping alternatives without a
//   discriminator (e.g. Batch_Flow | Streaming_Flow), which a strict oneOf would reject for valid bodies.
// - A status the operation does not document is an error; a documented status with no content schema accepts
//   any body.
// - Documents are parsed lazily (the Jira one is 2.4 MB) and cached with their compiled validators.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import AjvModule from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { specsDir } from './specs.js';

// ajv and ajv-formats are CommonJS; depending on the loader the default import is the export or its namespace.
type AjvClass = typeof AjvModule.default;
const Ajv: AjvClass = (AjvModule as unknown as { default?: AjvClass }).default ?? (AjvModule as unknown as AjvClass);
/** The Ajv constructor, resolved for ESM; for tests that hand-write schemas (IMS, Audience Manager). */
export { Ajv };
type AddFormats = typeof addFormatsModule.default;
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

export interface ValidationResult {
  ok: boolean;
  errors: string[];
}

export interface ValidateOptions {
  /**
   * Errors to disregard, for places where a vendor document contradicts its own examples (e.g. the
   * destinations document types `inheritedAttributes.sourceConnections` as an object while every example
   * sends an array). Each use should say which defect it works around.
   */
  ignore?: RegExp[];
}

type Json = Record<string, unknown>;
const _METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

export { repoRoot, specsDir } from './specs.js';

interface LoadedSpec {
  key: string;
  doc: Json;
  basePath: string;
  ajv: InstanceType<AjvClass>;
  validators: Map<string, ValidateFunction>;
}
const specs = new Map<string, LoadedSpec>();

/** The parsed document (cached). YAML or JSON, chosen by extension. */
export function loadSpec(specFile: string): Json {
  return loaded(specFile).doc;
}

function loaded(specFile: string): LoadedSpec {
  const cached = specs.get(specFile);
  if (cached) return cached;
  const file = path.isAbsolute(specFile) ? specFile : path.resolve(specsDir(), specFile);
  const text = readFileSync(file, 'utf8');
  const doc = (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: -1 })) as Json;
  normaliseSchemas(doc);
  const key = `spec:${path.basename(file)}`;
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(doc, key);
  const spec: LoadedSpec = { key, doc, basePath: serverBasePath(doc), ajv, validators: new Map() };
  specs.set(specFile, spec);
  return spec;
}

/** `//{environment}.adobe.io/data/core/ups` → `/data/core/ups`; `https://x.atlassian.net` → ``. */
function serverBasePath(doc: Json): string {
  const servers = doc.servers as { url?: string }[] | undefined;
  const url = servers?.[0]?.url ?? '';
  const withoutScheme = url.replace(/^[a-z]+:/i, '').replace(/^\/\/[^/]*/, '');
  return withoutScheme.replace(/\/+$/, '');
}

/** In place: nullable → type union, oneOf → anyOf (see the header comment for why). */
function normaliseSchemas(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) normaliseSchemas(item);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as Json;
  if (obj.nullable === true && typeof obj.type === 'string') obj.type = [obj.type, 'null'];
  if (obj.nullable === true && Array.isArray(obj.enum) && !obj.enum.includes(null)) obj.enum = [...obj.enum, null];
  if (Array.isArray(obj.oneOf) && !obj.anyOf) {
    obj.anyOf = obj.oneOf;
    delete obj.oneOf;
  }
  for (const value of Object.values(obj)) normaliseSchemas(value);
}

export interface MatchedOperation {
  template: string;
  method: string;
  operation: Json;
  pointer: string[];
}

/** Finds the operation for a method and a concrete or templated path; null when the spec has none. */
export function findOperation(specFile: string, method: string, rawPath: string): MatchedOperation | null {
  const spec = loaded(specFile);
  const paths = (spec.doc.paths ?? {}) as Record<string, Json>;
  const m = method.toLowerCase();
  const clean = rawPath.replace(/[?#].*$/, '');
  const candidates = [clean];
  if (spec.basePath && clean.startsWith(spec.basePath)) candidates.push(clean.slice(spec.basePath.length) || '/');
  for (const candidate of candidates) {
    const template = matchTemplate(Object.keys(paths), candidate, (t) => Boolean(paths[t]?.[m]));
    if (template)
      return { template, method: m, operation: paths[template]![m] as Json, pointer: ['paths', template, m] };
  }
  return null;
}

function matchTemplate(templates: string[], concrete: string, hasMethod: (t: string) => boolean): string | null {
  const want = splitPath(concrete);
  let best: { template: string; score: number } | null = null;
  for (const template of templates) {
    if (!hasMethod(template)) continue;
    const parts = splitPath(template);
    if (parts.length !== want.length) continue;
    let score = 0;
    let matches = true;
    for (let i = 0; i < parts.length && matches; i++) {
      const part = parts[i]!;
      if (/^\{[^}]+\}$/.test(part)) continue;
      if (part === want[i] || decodeURIComponent(want[i]!) === part) score++;
      else matches = false;
    }
    if (matches && (!best || score > best.score)) best = { template, score };
  }
  return best?.template ?? null;
}

function splitPath(p: string): string[] {
  return p.split('/').filter((s) => s.length > 0);
}

function jsonContent(content: Json | undefined): { key: string; media: Json } | null {
  if (!content) return null;
  const keys = Object.keys(content);
  const key = keys.find((k) => k === 'application/json') ?? keys.find((k) => k.includes('json')) ?? keys[0];
  return key ? { key, media: content[key] as Json } : null;
}

/** Validates a request body against the operation's requestBody schema. */
export function validateRequestBody(
  specFile: string,
  method: string,
  rawPath: string,
  body: unknown,
  options: ValidateOptions = {},
): ValidationResult {
  return applyIgnores(checkRequestBody(specFile, method, rawPath, body), options);
}

function checkRequestBody(specFile: string, method: string, rawPath: string, body: unknown): ValidationResult {
  const op = findOperation(specFile, method, rawPath);
  if (!op) return fail(`no ${method.toUpperCase()} ${rawPath} in ${specFile}`);
  const requestBody = resolveRef(specFile, op.operation.requestBody) as Json | undefined;
  if (!requestBody) {
    return body === undefined || body === null || body === '' ? pass() : fail(`${op.template} takes no request body`);
  }
  const content = jsonContent(requestBody.content as Json | undefined);
  if (!content?.media.schema) return pass();
  const pointer = [...op.pointer, 'requestBody', 'content', content.key, 'schema'];
  if (isRef(op.operation.requestBody)) {
    const refPointer = refToPointer(String((op.operation.requestBody as Json).$ref));
    return runValidator(specFile, [...refPointer, 'content', content.key, 'schema'], body);
  }
  return runValidator(specFile, pointer, body);
}

/** Validates a response body against the schema documented for that status (exact, then 2XX-style, then default). */
export function validateResponse(
  specFile: string,
  method: string,
  rawPath: string,
  status: number,
  body: unknown,
  options: ValidateOptions = {},
): ValidationResult {
  return applyIgnores(checkResponse(specFile, method, rawPath, status, body), options);
}

function checkResponse(
  specFile: string,
  method: string,
  rawPath: string,
  status: number,
  body: unknown,
): ValidationResult {
  const op = findOperation(specFile, method, rawPath);
  if (!op) return fail(`no ${method.toUpperCase()} ${rawPath} in ${specFile}`);
  const responses = (op.operation.responses ?? {}) as Json;
  const statusKey = [String(status), `${String(status)[0]}XX`, `${String(status)[0]}xx`, 'default'].find(
    (k) => k in responses,
  );
  if (!statusKey) return fail(`status ${status} is not documented for ${method.toUpperCase()} ${op.template}`);
  let response = responses[statusKey] as Json;
  let pointer = [...op.pointer, 'responses', statusKey];
  if (isRef(response)) {
    pointer = refToPointer(String(response.$ref));
    response = resolveRef(specFile, response) as Json;
  }
  const content = jsonContent(response.content as Json | undefined);
  if (!content?.media.schema) return pass();
  return runValidator(specFile, [...pointer, 'content', content.key, 'schema'], body);
}

/**
 * Validates a body against one named schema, e.g. `#/components/schemas/Create_Streaming_Destination_Flow_Request`,
 * for operations whose own schema is a union too loose or too broken to say anything useful.
 */
export function validateSchema(
  specFile: string,
  ref: string,
  body: unknown,
  options: ValidateOptions = {},
): ValidationResult {
  return applyIgnores(runValidator(specFile, refToPointer(ref), body), options);
}

/** The first documented example of a response (resolving `$ref`s), for test servers that answer like the spec. */
export function responseExample(specFile: string, method: string, rawPath: string, status: number): unknown {
  const op = findOperation(specFile, method, rawPath);
  if (!op) throw new Error(`no ${method.toUpperCase()} ${rawPath} in ${specFile}`);
  const response = resolveRef(specFile, ((op.operation.responses ?? {}) as Json)[String(status)]) as Json | undefined;
  const media = jsonContent(response?.content as Json | undefined)?.media;
  return media ? firstExample(specFile, media) : undefined;
}

/** The first documented example of a request body. */
export function requestExample(specFile: string, method: string, rawPath: string): unknown {
  const op = findOperation(specFile, method, rawPath);
  if (!op) throw new Error(`no ${method.toUpperCase()} ${rawPath} in ${specFile}`);
  const body = resolveRef(specFile, op.operation.requestBody) as Json | undefined;
  const media = jsonContent(body?.content as Json | undefined)?.media;
  return media ? firstExample(specFile, media) : undefined;
}

function firstExample(specFile: string, media: Json): unknown {
  if (media.example !== undefined) return parseIfJsonText(structuredClone(media.example));
  const examples = media.examples as Json | undefined;
  const first = examples ? Object.values(examples)[0] : undefined;
  const resolved = resolveRef(specFile, first) as Json | undefined;
  return resolved?.value === undefined ? undefined : parseIfJsonText(structuredClone(resolved.value));
}

/** The Jira document stores its examples as JSON text; hand them back parsed. */
function parseIfJsonText(value: unknown): unknown {
  if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function isRef(node: unknown): node is { $ref: string } {
  return Boolean(node && typeof node === 'object' && typeof (node as Json).$ref === 'string');
}

function refToPointer(ref: string): string[] {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Follows local `$ref`s (repeatedly) to the node they name. */
export function resolveRef(specFile: string, node: unknown): unknown {
  let current = node;
  for (let hops = 0; isRef(current) && hops < 20; hops++) {
    let target: unknown = loaded(specFile).doc;
    for (const part of refToPointer(current.$ref)) target = (target as Json | undefined)?.[part];
    current = target;
  }
  return current;
}

function runValidator(specFile: string, pointer: string[], body: unknown): ValidationResult {
  const spec = loaded(specFile);
  const fragment = pointer.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');
  let validate = spec.validators.get(fragment);
  if (!validate) {
    validate = spec.ajv.compile({ $ref: `${spec.key}#/${fragment}` });
    spec.validators.set(fragment, validate);
  }
  if (validate(body)) return pass();
  return { ok: false, errors: (validate.errors ?? []).map(describeError) };
}

function describeError(e: ErrorObject): string {
  const where = e.instancePath || '(root)';
  const extra = e.keyword === 'additionalProperties' ? ` '${String((e.params as Json).additionalProperty)}'` : '';
  return `${where} ${e.message ?? e.keyword}${extra}`;
}

function applyIgnores(result: ValidationResult, options: ValidateOptions): ValidationResult {
  const ignore = options.ignore ?? [];
  if (result.ok || ignore.length === 0) return result;
  // anyOf/oneOf summary lines only mean "some branch failed"; they go when every concrete error is ignored.
  const concrete = result.errors.filter((e) => !/must match (a|exactly one) schema in (anyOf|oneOf)/.test(e));
  const left = concrete.filter((e) => !ignore.some((re) => re.test(e)));
  return left.length === 0 ? pass() : { ok: false, errors: left };
}

function pass(): ValidationResult {
  return { ok: true, errors: [] };
}

function fail(message: string): ValidationResult {
  return { ok: false, errors: [message] };
}
