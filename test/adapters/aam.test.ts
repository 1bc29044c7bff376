// Audience Manager: no OpenAPI document exists here, so requests and responses are held to hand-written schemas
// of the shapes in shared/reference/adobe-apis.md §3 (plain array without paging; a wrapper with paging whose
// field names are unconfirmed).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Ajv } from '../support/openapi.js';
import { createServices } from '../../src/adapters/services.js';
import { ServiceError } from '../../src/errors.js';
import {
  imsRoute,
  json,
  recordingLogger,
  SECRETS,
  secretForms,
  startServer,
  testConfig,
  text,
  type TestServer,
} from './support/server.js';

const ajv = new Ajv({ allErrors: true });
const dataSourceList = ajv.compile({
  type: 'array',
  items: {
    type: 'object',
    required: ['name', 'dataSourceId'],
    properties: {
      pid: { type: 'integer' },
      name: { type: 'string' },
      integrationCode: { type: 'string' },
      dataSourceId: { type: 'integer' },
      updateTime: { type: 'integer' },
    },
  },
});
const segmentItem = {
  type: 'object',
  required: ['sid', 'name', 'dataSourceId'],
  properties: {
    sid: { type: 'integer' },
    name: { type: 'string' },
    integrationCode: { type: ['string', 'null'] },
    dataSourceId: { type: 'integer' },
    createTime: { type: 'integer' },
  },
};
const segmentListOrPage = ajv.compile({
  anyOf: [
    { type: 'array', items: segmentItem },
    { type: 'object', properties: { list: { type: 'array', items: segmentItem } } },
  ],
});
const pagedQuery = ajv.compile({
  type: 'object',
  required: ['page', 'pageSize'],
  properties: { page: { pattern: '^\\d+$' }, pageSize: { pattern: '^\\d+$' }, dataSourceId: { pattern: '^\\d+$' } },
});

let server: TestServer;
const logger = recordingLogger();

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  imsRoute(server);
});

const directory = () => createServices(testConfig(server.url), { logger, sleep: async () => undefined }).directory;
const seg = (sid: number, code: string | null) => ({
  sid,
  name: `S${sid}`,
  integrationCode: code,
  dataSourceId: 29769,
  createTime: 1772445600000,
  folderId: 1,
});

describe('Audience Manager', () => {
  it('lists data sources (plain array), with the IMS bearer, x-api-key and org headers', async () => {
    const body = [
      {
        pid: 1794,
        name: 'Experience Platform Segments',
        integrationCode: 'aep',
        dataSourceId: 29769,
        updateTime: 1595340792000,
      },
    ];
    expect(dataSourceList(body)).toBe(true);
    server.on('GET', '/v1/datasources/', (_q, res) => json(res, 200, body));
    expect(await directory().listDataSources()).toEqual([
      { id: 29769, name: 'Experience Platform Segments', integrationCode: 'aep' },
    ]);
    const req = server.requests.find((r) => r.path === '/v1/datasources/')!;
    expect(req.headers.authorization).toBe(`Bearer ${SECRETS.accessToken}`);
    expect(req.headers['x-api-key']).toBe('client-id-1');
    expect(req.headers['x-gw-ims-org-id']).toBe('ORG1@AdobeOrg');
    expect(pagedQuery(Object.fromEntries(req.query))).toBe(true);
  });

  it('pages segments of a data source, accepting both a plain array and a wrapped page', async () => {
    const all = Array.from({ length: 250 }, (_, i) => seg(i + 1, `aep-${i}`));
    server.on('GET', '/v1/segments/', (req, res) => {
      const page = Number(req.query.get('page'));
      const size = Number(req.query.get('pageSize'));
      const items = all.slice(page * size, (page + 1) * size);
      // First page wrapped, second plain: the client must take either.
      json(res, 200, page === 0 ? { list: items, total: all.length, page: 0, pageSize: size } : items);
    });
    const segments = await directory().segmentsInDataSource(29769);
    expect(segments).toHaveLength(250);
    expect(segments[0]).toEqual({
      sid: 1,
      name: 'S1',
      integrationCode: 'aep-0',
      dataSourceId: 29769,
      createdAt: '2026-03-02T10:00:00.000Z',
    });
    const reqs = server.requests.filter((r) => r.path === '/v1/segments/');
    expect(reqs.map((r) => r.query.get('page'))).toEqual(['0', '1']);
    expect(reqs.every((r) => r.query.get('dataSourceId') === '29769' && pagedQuery(Object.fromEntries(r.query)))).toBe(
      true,
    );
    expect(segmentListOrPage({ list: all.slice(0, 2) })).toBe(true);
    expect(segmentListOrPage(all.slice(0, 2))).toBe(true);
  });

  it('accepts the wrapper under items or results too, and reads traits', async () => {
    server.on('GET', '/v1/traits/', (_q, res) => json(res, 200, { results: [seg(5, 'aep-5')], totalCount: 1 }));
    server.on('GET', '/v1/segments/', (_q, res) => json(res, 200, { items: [seg(6, null)] }));
    expect((await directory().traitsInDataSource(1)).map((t) => t.sid)).toEqual([5]);
    expect(await directory().segmentsInDataSource(1)).toMatchObject([{ sid: 6, integrationCode: null }]);
  });

  it('an answer with no list at all is a wrong_shape error, not "no segments yet"', async () => {
    server.on('GET', '/v1/segments/', (_q, res) => json(res, 200, { hello: 'world' }));
    const err = await directory()
      .segmentsInDataSource(29769)
      .catch((e: unknown) => e as ServiceError);
    expect(err).toMatchObject({ kind: 'wrong_shape', status: 200, service: 'aam' });
    expect((err as Error).message).toMatch(/aam: GET .*\/v1\/segments\/.* no list in the \/v1\/segments\/ answer/);
  });

  it('looks segments and traits up by integration code; 404 is null', async () => {
    server.on('GET', '/v1/segments/ic:seg-a', (_q, res) => json(res, 200, seg(9, 'seg-a')));
    server.on('GET', '/v1/traits/ic:seg-b', (_q, res) => json(res, 404, { message: 'not found' }));
    const dir = directory();
    expect(await dir.segmentByIntegrationCode('seg-a')).toMatchObject({ sid: 9, integrationCode: 'seg-a' });
    expect(await dir.traitByIntegrationCode('seg-b')).toBeNull();
  });

  it('reports an expired-token 401 that echoes the token without leaking it', async () => {
    server.on('GET', '/v1/datasources/', (_q, res) =>
      text(
        res,
        401,
        `{"error":"invalid_token","error_description":"Access token expired: ${SECRETS.accessToken}"}`,
        'application/json',
        {
          'www-authenticate': `Bearer realm="oauth", error="invalid_token"`,
        },
      ),
    );
    const err = (await directory()
      .listDataSources()
      .catch((e: unknown) => e)) as ServiceError;
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ service: 'aam', status: 401, vendorCode: 'invalid_token' });
    expect(err.vendorMessage).toBe('Access token expired: [REDACTED]');
    for (const secret of secretForms()) expect(err.message + logger.text()).not.toContain(secret);
  });
});
