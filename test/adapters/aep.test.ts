// AEP: IMS token handling, Flow Service and Segmentation contracts (requests and accepted responses validated
// against Adobe's OpenAPI documents), the 412 re-read/re-apply loop, and probeAccess.
//
// Which document validates what, and why (the destinations document describes batch destinations in detail and
// leaves streaming ones loose or broken; its generic twin, the core "sources" document, is sound):
// - POST /connections, /targetConnections, /flows and every list: the core document, whose schemas are generic.
//   The destinations document enumerates batch connection-spec ids and batch params, which no ECA body can match.
// - POST /flows additionally against destinations' Create_Streaming_Destination_Flow_Request, ignoring its
//   `transformations: {type: string, title: TBD}` defect, and every segment selector as a documented PATCH add.
// - GET /flows/{id}: both documents; destinations types inheritedAttributes.*Connections as objects while all its
//   examples send arrays (ignored).
// - Segment definitions: the list response is typed as a single SegmentDefinition (defect), so each item is
//   validated against SegmentDefinition instead.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../../src/adapters/services.js';
import { ServiceError } from '../../src/errors.js';
import { Ajv, responseExample, validateRequestBody, validateResponse, validateSchema } from '../support/openapi.js';
import { itWithSpecs } from '../support/specs.js';
import {
  imsRoute,
  json,
  recordingLogger,
  SECRETS,
  secretForms,
  startServer,
  testConfig,
  type Recorded,
  type TestServer,
} from './support/server.js';

const DEST = 'aep-flowservice-destinations.yaml';
const CORE = 'aep-flowservice-core.yaml';
const SEG = 'aep-segmentation.yaml';
const FS = '/data/foundation/flowservice';
const ECA_SPEC = 'c7f2a0e1-0000-4000-8000-00000000eca1';
const FLOW_SPEC = 'c7f2a0e1-0000-4000-8000-00000000f10a';
const PROFILE_STORE = '8a9c3494-9708-43d7-ae3f-cda01e5030e1';
const MARKER = 'cutover-m1';

let server: TestServer;
let logger = recordingLogger();
const texts: string[] = [];

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  logger = recordingLogger();
});

function services(now?: () => number) {
  const clock = now ? { now, sleepUntil: async () => undefined } : undefined;
  return createServices(testConfig(server.url), { logger, sleep: async () => undefined, ...(clock ? { clock } : {}) });
}

/** A flow as GET /flows/{id} returns it: the documented example with our id, marker, segments and etag. */
function flowFixture(id: string, segmentIds: string[], etag: string): Record<string, unknown> {
  const example = responseExample(DEST, 'GET', '/flows/{id}', 200) as { items: Record<string, unknown>[] };
  const base = example.items[0]!;
  const selectors = segmentIds.map((sid) => ({ type: 'PLATFORM_SEGMENT', value: { id: sid, name: sid } }));
  return {
    ...base,
    id,
    name: 'ECA flow',
    description: `Experience Cloud Audiences [${MARKER}]`,
    createdAt: 1772445600123,
    state: 'disabled',
    etag,
    version: etag,
    transformations: [
      { name: 'GeneralTransform', params: { profileSelectors: { selectors: [] }, segmentSelectors: { selectors } } },
    ],
  };
}

const segmentDefinition = (id: string, name: string) => ({
  id,
  name,
  schema: { name: '_xdm.context.profile' },
  expression: { type: 'PQL', format: 'pql/text', value: 'true' },
  creationTime: 1573253640000,
});

function expectAdobeHeaders(req: Recorded): void {
  expect(req.headers.authorization, `${req.method} ${req.path}`).toMatch(new RegExp(`^Bearer ${SECRETS.accessToken}`));
  expect(req.headers['x-api-key']).toBe('client-id-1');
  expect(req.headers['x-gw-ims-org-id']).toBe('ORG1@AdobeOrg');
  expect(req.headers['x-sandbox-name']).toBe('prod');
  if (req.body !== '') expect(req.headers['content-type']).toBe('application/json');
}

const ok = { ok: true, errors: [] };

describe('IMS', () => {
  const tokenRequest = new Ajv({ allErrors: true }).compile({
    type: 'object',
    required: ['grant_type', 'client_id', 'client_secret', 'scope'],
    additionalProperties: false,
    properties: {
      grant_type: { const: 'client_credentials' },
      client_id: { type: 'string' },
      client_secret: { type: 'string' },
      scope: { type: 'string', pattern: '^[^\\s]+$' },
    },
  });
  const tokenResponse = new Ajv({ allErrors: true }).compile({
    type: 'object',
    required: ['access_token', 'token_type', 'expires_in'],
    properties: { access_token: { type: 'string' }, token_type: { const: 'bearer' }, expires_in: { type: 'integer' } },
  });

  it('requests a client-credentials token form-encoded and caches it across calls', async () => {
    const ims = imsRoute(server);
    server.on('GET', `${FS}/connectionSpecs`, (_q, res) => json(res, 200, { items: [] }));
    const { platform } = services();
    await platform.findConnectionSpec('Experience Cloud Audiences');
    await platform.findFlowSpec('x').catch(() => undefined);
    expect(ims.calls()).toBe(1);
    const req = server.requests[0]!;
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = Object.fromEntries(new URLSearchParams(req.body));
    expect(tokenRequest(form), JSON.stringify(tokenRequest.errors)).toBe(true);
    expect(tokenResponse({ access_token: 'a', token_type: 'bearer', expires_in: 86399 })).toBe(true);
  });

  it('fetches a new token shortly before expiry (expires_in is seconds)', async () => {
    const ims = imsRoute(server, 3600);
    server.on('GET', `${FS}/connectionSpecs`, (_q, res) => json(res, 200, { items: [] }));
    let now = 1_000_000;
    const { platform } = services(() => now);
    await platform.findConnectionSpec('x');
    now += 3000 * 1000; // 50 min: still fresh
    await platform.findConnectionSpec('x');
    expect(ims.calls()).toBe(1);
    now += 300 * 1000 + 1; // inside the early-refresh margin
    await platform.findConnectionSpec('x');
    expect(ims.calls()).toBe(2);
  });

  itWithSpecs('refreshes an expired token once on a 401 and retries the request (IMS called twice)', async () => {
    const ims = imsRoute(server);
    server.on(
      'GET',
      `${FS}/flows/f1`,
      (_q, res) => json(res, 401, { error_code: '401013', message: 'Oauth token is not valid' }),
      1,
    );
    server.on('GET', `${FS}/flows/f1`, (req, res) => {
      expect(req.headers.authorization).toBe(`Bearer ${SECRETS.accessToken}-2`);
      json(res, 200, { items: [flowFixture('f1', [], '"e1"')] });
    });
    const flow = await services().platform.getFlow('f1');
    expect(flow.id).toBe('f1');
    expect(ims.calls()).toBe(2);
    texts.push(logger.text());
  });

  it('surfaces an IMS rejection as an ims ServiceError without the client secret', async () => {
    server.on('POST', '/ims/token/v3', (_q, res) =>
      json(res, 400, { error: 'invalid_client', error_description: `bad secret ${SECRETS.clientSecret}` }),
    );
    const err = (await services()
      .platform.getFlow('f1')
      .catch((e: unknown) => e)) as ServiceError;
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ service: 'ims', status: 400, vendorCode: 'invalid_client' });
    texts.push(err.message, logger.text());
  });
});

describe('Flow Service contract', () => {
  itWithSpecs(
    'stages connections, creates the flow in one call and reads it back, as the documents describe',
    async () => {
      imsRoute(server);
      const served: { method: string; path: string; status: number; body: unknown; spec: string }[] = [];
      const reply =
        (spec: string, status: number, body: unknown) => (req: Recorded, res: Parameters<typeof json>[0]) => {
          served.push({ method: req.method, path: req.path, status, body, spec });
          json(res, status, body);
        };
      server.on(
        'GET',
        `${FS}/connectionSpecs`,
        reply(CORE, 200, {
          items: [{ id: ECA_SPEC, name: 'Experience Cloud Audiences', providerId: 'p1', version: '1.0' }],
        }),
      );
      server.on(
        'GET',
        `${FS}/flowSpecs`,
        reply(CORE, 200, { items: [{ id: FLOW_SPEC, name: 'ECA flow spec', providerId: 'p1', version: '1.0' }] }),
      );
      // Two pages of base connections: the marker is on the second.
      const conn = (id: string, description: string) => ({
        id,
        name: id,
        description,
        connectionSpec: { id: ECA_SPEC, version: '1.0' },
        createdAt: 1772445600000,
        state: 'enabled',
        etag: '"c"',
      });
      server.on('GET', `${FS}/connections`, (req, res) =>
        req.query.get('continuationToken') === 'p2'
          ? reply(CORE, 200, { items: [conn('b2', `staged [${MARKER}]`)] })(req, res)
          : reply(CORE, 200, {
              items: [conn('b1', 'someone else')],
              _links: { next: { href: `/connections?property=x&continuationToken=p2` } },
            })(req, res),
      );
      server.on('GET', `${FS}/sourceConnections`, reply(CORE, 200, { items: [] }));
      server.on('GET', `${FS}/targetConnections`, reply(CORE, 200, { items: [] }));
      server.on('GET', `${FS}/flows`, reply(CORE, 200, { items: [] }));
      server.on('POST', `${FS}/connections`, reply(DEST, 201, { id: 'b3', etag: '"b3e"' }));
      server.on('POST', `${FS}/sourceConnections`, reply(DEST, 201, { id: 's1', etag: '"s1e"' }));
      server.on('POST', `${FS}/targetConnections`, reply(DEST, 201, { id: 't1', etag: '"t1e"' }));
      server.on('POST', `${FS}/flows`, reply(DEST, 201, { id: 'f1', etag: '"f1e"' }));
      server.on('GET', `${FS}/flows/f1`, reply(DEST, 200, { items: [flowFixture('f1', ['seg-a', 'seg-b'], '"f1e"')] }));

      const { platform } = services();
      expect(await platform.findConnectionSpec('Experience Cloud Audiences')).toEqual({
        id: ECA_SPEC,
        name: 'Experience Cloud Audiences',
      });
      expect(await platform.findFlowSpec('ECA flow spec')).toEqual({ id: FLOW_SPEC, name: 'ECA flow spec' });
      expect((await platform.listConnections(ECA_SPEC)).map((c) => c.id)).toEqual(['b1', 'b2']);
      expect(await platform.findByMarker('base', ECA_SPEC, MARKER)).toMatchObject({
        id: 'b2',
        createdAt: '2026-03-02T10:00:00.000Z',
      });
      expect(await platform.findByMarker('source', ECA_SPEC, MARKER)).toBeNull();
      expect(await platform.findByMarker('target', ECA_SPEC, MARKER)).toBeNull();
      expect(await platform.findFlowByMarker(ECA_SPEC, MARKER)).toBeNull();
      await platform.createBaseConnection({ name: 'ECA', description: `[${MARKER}]`, specId: ECA_SPEC });
      await platform.createSourceConnection({
        name: 'Profile Store',
        description: `[${MARKER}]`,
        baseConnectionId: 'b3',
      });
      await platform.createTargetConnection({
        name: 'ECA target',
        description: `[${MARKER}]`,
        specId: ECA_SPEC,
        baseConnectionId: 'b3',
        params: {},
      });
      const flow = await platform.createFlow({
        name: 'ECA flow',
        description: `[${MARKER}]`,
        flowSpecId: FLOW_SPEC,
        sourceConnectionId: 's1',
        targetConnectionId: 't1',
        segmentIds: ['seg-a', 'seg-b'],
        identities: [
          { source: 'ECID', target: 'ECID' },
          { source: 'Email', target: 'email_lc_sha256', applyHashing: true },
        ],
      });
      expect(flow).toMatchObject({
        id: 'f1',
        createdAt: '2026-03-02T10:00:00.123Z',
        state: 'disabled',
        segmentIds: ['seg-a', 'seg-b'],
        etag: '"f1e"',
      });

      const q = (path: string) => server.requests.find((r) => r.path === `${FS}${path}`)!.query;
      expect(q('/connectionSpecs').get('property')).toBe('name==Experience Cloud Audiences');
      expect(q('/connections').get('property')).toBe(`connectionSpec.id==${ECA_SPEC}`);
      expect(
        server.requests
          .filter((r) => r.path === `${FS}/connections` && r.method === 'GET')
          .map((r) => r.query.get('continuationToken')),
      ).toContain('p2');
      expect(q('/sourceConnections').get('property')).toBe(`connectionSpec.id==${PROFILE_STORE}`);
      expect(q('/flows').get('property')).toBe(
        `inheritedAttributes.targetConnections[].connectionSpec.id==${ECA_SPEC}`,
      );

      for (const req of server.requests.filter((r) => r.path.startsWith(FS))) expectAdobeHeaders(req);
      const body = (path: string) =>
        server.requests.find((r) => r.method === 'POST' && r.path === `${FS}${path}`)!.json;
      expect(validateRequestBody(CORE, 'POST', '/connections', body('/connections'))).toEqual(ok);
      expect(validateRequestBody(DEST, 'POST', '/sourceConnections', body('/sourceConnections'))).toEqual(ok);
      expect(body('/sourceConnections')).toMatchObject({
        connectionSpec: { id: PROFILE_STORE },
        data: { format: 'json' },
        baseConnectionId: 'b3',
      });
      expect(validateRequestBody(CORE, 'POST', '/targetConnections', body('/targetConnections'))).toEqual(ok);
      const flowBody = body('/flows') as {
        transformations: { params: { segmentSelectors: { selectors: unknown[] } } }[];
      };
      expect(validateRequestBody(CORE, 'POST', '/flows', flowBody)).toEqual(ok);
      expect(
        validateSchema(DEST, '#/components/schemas/Create_Streaming_Destination_Flow_Request', flowBody, {
          ignore: [/^\/transformations must be string$/],
        }),
      ).toEqual(ok);
      for (const selector of flowBody.transformations[0]!.params.segmentSelectors.selectors) {
        const asPatch = [
          { op: 'add', path: '/transformations/0/params/segmentSelectors/selectors/-', value: selector },
        ];
        expect(validateRequestBody(DEST, 'PATCH', '/flows/f1', asPatch)).toEqual(ok);
      }
      const connectionsDefect = [/^\/items\/\d+\/inheritedAttributes\/(source|target)Connections must be object$/];
      for (const s of served) {
        const listOrCore = s.spec === CORE || s.method === 'GET' ? CORE : DEST;
        expect(validateResponse(listOrCore, s.method, s.path, s.status, s.body), `${s.method} ${s.path}`).toEqual(ok);
        if (s.path === `${FS}/flows/f1`)
          expect(validateResponse(DEST, 'GET', s.path, 200, s.body, { ignore: connectionsDefect })).toEqual(ok);
      }
    },
  );

  itWithSpecs('reads runs by flow id (status lower-cased, epoch ms to ISO) and enables/disables the flow', async () => {
    imsRoute(server);
    const runs = responseExample(DEST, 'GET', '/runs', 200) as { items: Record<string, unknown>[] };
    runs.items[0]!.metrics = {
      ...(runs.items[0]!.metrics as object),
      statusSummary: { status: 'Success' },
      durationSummary: { startedAtUTC: 1772445600000, completedAtUTC: 1772449200000 },
    };
    server.on('GET', `${FS}/runs`, (_q, res) => json(res, 200, runs));
    server.on('POST', `${FS}/flows/f1/action`, (_q, res) => json(res, 200, { id: 'f1', etag: '"e2"' }));
    const enabled = { ...flowFixture('f1', ['a'], '"e1"'), state: 'enabled', updatedAt: 1772449200456 };
    server.on('GET', `${FS}/flows/f1`, (_q, res) => json(res, 200, { items: [enabled] }));
    const { platform } = services();
    const [run] = await platform.listRuns('f1');
    expect(run).toMatchObject({
      status: 'success',
      startedAt: '2026-03-02T10:00:00.000Z',
      completedAt: '2026-03-02T11:00:00.000Z',
    });
    expect(server.requests.at(-1)!.query.get('property')).toBe('flowId==f1');
    expect(validateResponse(CORE, 'GET', '/runs', 200, runs)).toEqual(ok);
    await platform.enableFlow('f1');
    // The rollback's disable: read the flow, send its etag in If-Match, return the flow as it stands after.
    const after = await platform.disableFlow('f1');
    expect(after.updatedAt).toBe('2026-03-02T11:00:00.456Z');
    const actions = server.requests.filter((r) => r.path === `${FS}/flows/f1/action`);
    expect(actions.map((r) => r.query.get('op'))).toEqual(['enable', 'disable']);
    expect(actions[1]!.headers['if-match']).toBe('"e1"');
    expect(actions.every((r) => r.body === '')).toBe(true);
    expect(validateResponse(CORE, 'POST', '/flows/f1/action', 200, { id: 'f1', etag: '"e2"' })).toEqual(ok);
  });

  itWithSpecs('resolves a 412 by re-reading the flow and re-applying the change with the new etag', async () => {
    imsRoute(server);
    let version = 1;
    let segments = ['seg-a'];
    server.on('GET', `${FS}/flows/f1`, (_q, res) =>
      json(res, 200, { items: [flowFixture('f1', segments, `"v${version}"`)] }),
    );
    server.on('PATCH', `${FS}/flows/f1`, (req, res) => {
      // Someone else changes the flow between our read and our first PATCH.
      if (req.headers['if-match'] === '"v1"') {
        version = 2;
        segments = ['seg-a', 'seg-b'];
        return json(res, 412, {
          errorMessage: 'Supplied version=["v1"] does not match the current version on entity=["v2"]',
        });
      }
      for (const op of req.json as { value: { value: { id: string } } }[]) segments.push(op.value.value.id);
      version++;
      json(res, 200, { id: 'f1', etag: `"v${version}"` });
    });
    const flow = await services().platform.addSegments('f1', ['seg-b', 'seg-c']);
    const patches = server.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((p) => p.headers['if-match'])).toEqual(['"v1"', '"v2"']);
    expect(patches[0]!.json).toHaveLength(2);
    expect(patches[1]!.json).toEqual([
      {
        op: 'add',
        path: '/transformations/0/params/segmentSelectors/selectors/-',
        value: { type: 'PLATFORM_SEGMENT', value: { id: 'seg-c' } },
      },
    ]);
    for (const p of patches) expect(validateRequestBody(DEST, 'PATCH', p.path, p.json)).toEqual(ok);
    expect(flow).toMatchObject({ segmentIds: ['seg-a', 'seg-b', 'seg-c'], etag: '"v3"' });
  });

  itWithSpecs(
    'disables a flow under its etag: a 412 re-reads it and retries; a disabled flow is left alone',
    async () => {
      imsRoute(server);
      let flow: Record<string, unknown> = { ...flowFixture('f1', ['a'], '"v1"'), state: 'enabled' };
      server.on('GET', `${FS}/flows/f1`, (_q, res) => json(res, 200, { items: [flow] }));
      server.on('POST', `${FS}/flows/f1/action`, (req, res) => {
        if (req.headers['if-match'] === '"v1"') {
          flow = { ...flow, etag: '"v2"', version: '"v2"' }; // someone else changed it in between
          return json(res, 412, { errorMessage: 'Supplied version=["v1"] does not match the current version' });
        }
        flow = { ...flow, state: 'disabled', etag: '"v3"', version: '"v3"' };
        json(res, 200, { id: 'f1', etag: '"v3"' });
      });
      const { platform } = services();
      expect(await platform.disableFlow('f1')).toMatchObject({ state: 'disabled', etag: '"v3"' });
      expect(await platform.disableFlow('f1')).toMatchObject({ state: 'disabled' });
      const actions = server.requests.filter((r) => r.method === 'POST' && r.path === `${FS}/flows/f1/action`);
      expect(actions.map((r) => r.headers['if-match'])).toEqual(['"v1"', '"v2"']);
    },
  );

  itWithSpecs('gives up after repeated 412s with the vendor message', async () => {
    imsRoute(server);
    server.on('GET', `${FS}/flows/f1`, (_q, res) => json(res, 200, { items: [flowFixture('f1', ['a', 'b'], '"v1"')] }));
    server.on('PATCH', `${FS}/flows/f1`, (_q, res) => json(res, 412, { errorMessage: 'Version not matching' }));
    const err = (await services()
      .platform.removeSegments('f1', ['a', 'b'])
      .catch((e: unknown) => e)) as ServiceError;
    expect(err).toMatchObject({ status: 412, vendorMessage: 'Version not matching' });
    const patch = server.requests.find((r) => r.method === 'PATCH')!.json as { path: string }[];
    expect(patch.map((op) => op.path)).toEqual([
      '/transformations/0/params/segmentSelectors/selectors/1',
      '/transformations/0/params/segmentSelectors/selectors/0',
    ]);
    expect(server.requests.filter((r) => r.method === 'PATCH')).toHaveLength(3);
    texts.push(err.message, logger.text());
  });
});

describe('Segmentation and probeAccess', () => {
  itWithSpecs('pages segment definitions with start/limit and reads one by id', async () => {
    imsRoute(server);
    const all = Array.from({ length: 150 }, (_, i) => segmentDefinition(`s${i}`, `Segment ${i}`));
    server.on('GET', '/data/core/ups/segment/definitions', (req, res) => {
      const start = Number(req.query.get('start'));
      const limit = Number(req.query.get('limit'));
      json(res, 200, {
        segments: all.slice(start, start + limit),
        page: { totalCount: all.length, pageSize: limit },
        link: {},
      });
    });
    server.on('GET', '/data/core/ups/segment/definitions/s7', (_q, res) => json(res, 200, all[7]));
    const { platform } = services();
    const segments = await platform.listSegments();
    expect(segments).toHaveLength(150);
    expect(server.requests.filter((r) => r.path.endsWith('/definitions')).map((r) => r.query.get('start'))).toEqual([
      '0',
      '100',
    ]);
    expect(await platform.getSegment('s7')).toEqual({ id: 's7', name: 'Segment 7' });
    for (const s of all.slice(0, 3))
      expect(validateSchema(SEG, '#/components/schemas/SegmentDefinition', s)).toEqual(ok);
    expect(validateResponse(SEG, 'GET', '/data/core/ups/segment/definitions/s7', 200, all[7])).toEqual(ok);
    for (const req of server.requests.filter((r) => r.path.startsWith('/data/core'))) expectAdobeHeaders(req);
  });

  it("lists the org's identity namespaces from the bare array Identity Service answers", async () => {
    imsRoute(server);
    // Adobe's "List available identity namespaces" example (trimmed), plus a custom one and a nameless item.
    const body = [
      {
        updateTime: 1441122419000,
        code: 'CORE',
        status: 'ACTIVE',
        description: 'CORE Namespace',
        id: 0,
        createTime: 1441122419000,
        idType: 'COOKIE',
        name: 'CORE',
        custom: false,
      },
      {
        updateTime: 1495153678000,
        code: 'ECID',
        status: 'ACTIVE',
        description: 'ECID Namespace',
        id: 4,
        createTime: 1495153678000,
        idType: 'COOKIE',
        name: 'ECID',
        custom: false,
      },
      { code: 'CRMID', status: 'INACTIVE', id: 34001, idType: 'CROSS_DEVICE', name: 'CRM ID', custom: true },
      { id: 9 },
    ];
    let answer: unknown = body;
    server.on('GET', '/data/core/idnamespace/identities', (_q, res) => json(res, 200, answer));
    expect(await services().platform.listIdentityNamespaces()).toEqual([
      { code: 'CORE', id: 0, status: 'ACTIVE', custom: false },
      { code: 'ECID', id: 4, status: 'ACTIVE', custom: false },
      { code: 'CRMID', id: 34001, status: 'INACTIVE', custom: true },
    ]);
    for (const req of server.requests.filter((r) => r.path.startsWith('/data/core'))) expectAdobeHeaders(req);
    answer = { hello: 'world' };
    await expect(services().platform.listIdentityNamespaces()).rejects.toThrow(
      /something other than a list of namespaces/,
    );
  });

  it('maps a 403 on each harmless read to the permission to ask for', async () => {
    imsRoute(server);
    server.on('GET', `${FS}/connectionSpecs`, (_q, res) => json(res, 200, { items: [] }));
    server.on('GET', '/data/core/ups/segment/definitions', (_q, res) =>
      json(res, 403, {
        type: 'https://ns.adobe.com/aep/errors/FLOW-2120-403',
        title: 'Forbidden',
        status: 403,
        report: { 'detailed-message': 'User lacks permission' },
      }),
    );
    server.on('GET', `${FS}/flows`, (_q, res) => json(res, 200, { items: [] }));
    const result = await services().platform.probeAccess();
    expect(result.map((r) => [r.permission, r.ok])).toEqual([
      ['Manage Destinations', true],
      ['Activate Destinations', true],
      ['View Segments', false],
      ['View Profiles', true],
    ]);
    expect(result[2]!.detail).toMatch(/User lacks permission.*"View Segments"/);
  });

  itWithSpecs('no secret in any error message or debug log line of the failing AEP scenarios', () => {
    expect(texts.length).toBeGreaterThan(3);
    for (const t of texts) for (const secret of secretForms()) expect(t).not.toContain(secret);
  });
});
