// Jira: Cloud v3 contract (requests and the responses the client accepts, validated against Atlassian's OpenAPI
// document), Data Center v2 differences, timestamps with offsets, changelog and search paging.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../../src/adapters/services.js';
import { jiraTimestampToUtc } from '../../src/adapters/jira/time.js';
import { adfToText, textToAdf } from '../../src/adapters/jira/adf.js';
import type { ServiceError } from '../../src/errors.js';
import { findOperation, responseExample, validateRequestBody, validateResponse } from '../support/openapi.js';
import { itWithSpecs } from '../support/specs.js';
import {
  json,
  recordingLogger,
  secretForms,
  SECRETS,
  startServer,
  testConfig,
  text,
  type Recorded,
  type TestServer,
} from './support/server.js';

const SPEC = 'jira-cloud-platform-v3.json';
let server: TestServer;
const served: { req: Recorded; status: number; body: unknown }[] = [];
const logger = recordingLogger();

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  served.length = 0;
});

/** Answers and remembers the answer, so the test can validate it against the spec. */
function answer(status: number, body: unknown) {
  return (req: Recorded, res: Parameters<typeof json>[0]) => {
    served.push({ req, status, body });
    json(res, status, body);
  };
}

function tracker(flavor: 'cloud' | 'dc' = 'cloud') {
  return createServices(testConfig(server.url, { flavor }), { logger, sleep: async () => undefined }).tracker;
}

function issue(key: string, fields: Record<string, unknown>, changelog?: unknown): Record<string, unknown> {
  const example = responseExample(SPEC, 'GET', '/rest/api/3/issue/{issueIdOrKey}', 200) as Record<string, unknown>;
  return { ...example, id: '10042', key, fields, ...(changelog ? { changelog } : {}) };
}

const doneStatus = {
  id: '10005',
  name: 'Done',
  self: 'x',
  statusCategory: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
};
const openStatus = {
  id: '10000',
  name: 'To Do',
  self: 'x',
  statusCategory: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
};

function expectContract(): void {
  expect(server.requests.length).toBeGreaterThan(0);
  for (const req of server.requests) {
    expect(
      findOperation(SPEC, req.method, req.path),
      `${req.method} ${req.path} is a documented operation`,
    ).not.toBeNull();
    if (req.json !== undefined)
      expect(validateRequestBody(SPEC, req.method, req.path, req.json), `${req.method} ${req.path} body`).toEqual({
        ok: true,
        errors: [],
      });
  }
  for (const s of served)
    expect(
      validateResponse(SPEC, s.req.method, s.req.path, s.status, s.body),
      `${s.req.method} ${s.req.path} answer`,
    ).toEqual({ ok: true, errors: [] });
}

describe('Jira Cloud v3 contract', () => {
  itWithSpecs('whoAmI, issueTypes, create (ADF description, labels) with Basic email:token', async () => {
    server.on('GET', '/rest/api/3/myself', answer(200, responseExample(SPEC, 'GET', '/rest/api/3/myself', 200)));
    server.on(
      'GET',
      '/rest/api/3/issue/createmeta/OPS/issuetypes',
      answer(200, responseExample(SPEC, 'GET', '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes', 200)),
    );
    server.on(
      'POST',
      '/rest/api/3/issue',
      answer(201, { id: '10042', key: 'OPS-7', self: `${server.url}/rest/api/3/issue/10042` }),
    );
    server.on(
      'GET',
      '/rest/api/3/issue/OPS-7',
      answer(200, issue('OPS-7', { created: '2026-03-02T10:00:00.000+0100' })),
    );
    const t = tracker();
    expect((await t.whoAmI()).displayName).toBe('Mia Krystof');
    expect((await t.issueTypes('OPS')).map((i) => i.name)).toContain('Bug');
    const ref = await t.create({
      projectKey: 'OPS',
      issueType: 'Task',
      summary: 'Deprovision legacy sharing',
      description: 'Line one\nline two\n\nSecond paragraph',
      labels: ['cutover-m1'],
    });
    expect(ref).toEqual({ key: 'OPS-7', id: '10042', createdAt: '2026-03-02T09:00:00.000Z' });
    const post = server.requests.find((r) => r.method === 'POST')!;
    expect(post.headers.authorization).toBe(
      `Basic ${Buffer.from(`admin@example.com:${SECRETS.jiraToken}`).toString('base64')}`,
    );
    const fields = (post.json as { fields: Record<string, unknown> }).fields;
    expect(fields.labels).toEqual(['cutover-m1']);
    expect(adfToText(fields.description)).toBe('Line one\nline two\n\nSecond paragraph');
    expectContract();
  });

  itWithSpecs(
    'get: status category, resolution, resolutiondate with +0100, and the done transition from the changelog',
    async () => {
      const histories = [
        {
          id: '1',
          created: '2026-03-03T09:00:00.000+0100',
          items: [
            {
              field: 'status',
              fieldtype: 'jira',
              fieldId: 'status',
              from: '10000',
              fromString: 'To Do',
              to: '3',
              toString: 'In Progress',
            },
          ],
        },
        {
          id: '2',
          created: '2026-03-04T17:30:00.123+0100',
          items: [
            {
              field: 'status',
              fieldtype: 'jira',
              fieldId: 'status',
              from: '3',
              fromString: 'In Progress',
              to: '10005',
              toString: 'Done',
            },
            { field: 'resolution', fieldtype: 'jira', fieldId: 'resolution', to: '10000', toString: 'Done' },
          ],
        },
      ];
      server.on(
        'GET',
        '/rest/api/3/issue/OPS-7',
        answer(
          200,
          issue(
            'OPS-7',
            {
              created: '2026-03-02T10:00:00.000+0100',
              status: doneStatus,
              resolution: { id: '10000', name: 'Done' },
              resolutiondate: '2026-03-04T17:30:00.456+0100',
            },
            { startAt: 0, maxResults: 2, total: 2, histories },
          ),
        ),
      );
      const state = await tracker().get('OPS-7');
      expect(state).toMatchObject({
        key: 'OPS-7',
        statusName: 'Done',
        statusCategory: 'done',
        resolved: true,
        resolutionName: 'Done',
      });
      expect(state.resolutionDate).toBe('2026-03-04T16:30:00.456Z');
      expect(state.doneTransitionAt).toBe('2026-03-04T16:30:00.123Z');
      expect(server.requests[0]!.query.get('expand')).toBe('changelog');
      expectContract();
    },
  );

  itWithSpecs('reads a -0500 resolution date to the right UTC instant, and an open ticket as unresolved', async () => {
    server.on(
      'GET',
      '/rest/api/3/issue/OPS-8',
      answer(
        200,
        issue('OPS-8', {
          created: '2026-03-02T10:00:00.000-0500',
          status: doneStatus,
          resolution: { name: 'Fixed' },
          resolutiondate: '2026-03-04T21:15:00.000-0500',
        }),
      ),
    );
    server.on(
      'GET',
      '/rest/api/3/issue/OPS-9',
      answer(
        200,
        issue('OPS-9', {
          created: '2026-03-02T10:00:00.000+0000',
          status: openStatus,
          resolution: null,
          resolutiondate: null,
        }),
      ),
    );
    expect((await tracker().get('OPS-8')).resolutionDate).toBe('2026-03-05T02:15:00.000Z');
    const open = await tracker().get('OPS-9');
    expect(open).toMatchObject({
      resolved: false,
      statusCategory: 'new',
      resolutionDate: null,
      doneTransitionAt: null,
      resolutionName: null,
    });
  });

  itWithSpecs('follows the paginated changelog when the embedded one is capped', async () => {
    const page = (startAt: number, values: unknown[], isLast: boolean) => ({
      self: `${server.url}/rest/api/3/issue/OPS-7/changelog`,
      startAt,
      maxResults: 1,
      total: 2,
      isLast,
      values,
    });
    server.on(
      'GET',
      '/rest/api/3/issue/OPS-7',
      answer(
        200,
        issue(
          'OPS-7',
          {
            created: '2026-03-02T10:00:00.000+0000',
            status: doneStatus,
            resolution: { name: 'Done' },
            resolutiondate: '2026-03-05T08:00:00.000+0000',
          },
          { startAt: 0, maxResults: 0, total: 2, histories: [] },
        ),
      ),
    );
    server.on('GET', '/rest/api/3/issue/OPS-7/changelog', (req, res) => {
      const start = Number(req.query.get('startAt'));
      const body =
        start === 0
          ? page(
              0,
              [
                {
                  id: '1',
                  created: '2026-03-04T08:00:00.000+0000',
                  items: [{ field: 'status', fieldId: 'status', to: '10005', toString: 'Done' }],
                },
              ],
              false,
            )
          : page(
              1,
              [
                {
                  id: '2',
                  created: '2026-03-05T08:00:00.000+0000',
                  items: [{ field: 'resolution', fieldId: 'resolution', to: '1', toString: 'Done' }],
                },
              ],
              true,
            );
      answer(200, body)(req, res);
    });
    expect((await tracker().get('OPS-7')).doneTransitionAt).toBe('2026-03-05T08:00:00.000Z');
    expect(server.requests.filter((r) => r.path.endsWith('/changelog')).map((r) => r.query.get('startAt'))).toEqual([
      '0',
      '1',
    ]);
    expectContract();
  });

  itWithSpecs('findByLabel searches /search/jql by the marker label, following nextPageToken', async () => {
    server.on('GET', '/rest/api/3/search/jql', answer(200, { isLast: true, issues: [] }));
    expect(await tracker().findByLabel('cutover-m1')).toBeNull();
    const req = server.requests[0]!;
    expect(req.query.get('jql')).toBe('labels = "cutover-m1" ORDER BY created ASC');
    expect(req.query.get('fields')).toBe('created');
    server.reset();
    server.on(
      'GET',
      '/rest/api/3/search/jql',
      answer(200, { issues: [{ id: '10042', key: 'OPS-7', fields: { created: '2026-03-02T10:00:00.000+0100' } }] }),
    );
    expect(await tracker().findByLabel('cutover-m1')).toEqual({
      key: 'OPS-7',
      id: '10042',
      createdAt: '2026-03-02T09:00:00.000Z',
    });
    expectContract();
  });

  itWithSpecs('search pages with nextPageToken until the token is missing, and stops on a repeated token', async () => {
    const hit = (n: number) => ({
      id: String(n),
      key: `OPS-${n}`,
      fields: { created: '2026-03-02T10:00:00.000+0100' },
    });
    server.on('GET', '/rest/api/3/search/jql', answer(200, { issues: [hit(1)], nextPageToken: 'tok-2' }), 1);
    server.on('GET', '/rest/api/3/search/jql', answer(200, { issues: [hit(2)], nextPageToken: 'tok-3' }), 1);
    server.on('GET', '/rest/api/3/search/jql', answer(200, { issues: [hit(3)], isLast: true }));
    expect((await tracker().search('labels = x', ['created'], 10)).map((i) => i.key)).toEqual([
      'OPS-1',
      'OPS-2',
      'OPS-3',
    ]);
    expect(server.requests.map((r) => r.query.get('nextPageToken'))).toEqual([null, 'tok-2', 'tok-3']);
    expectContract();
    server.reset();
    server.on('GET', '/rest/api/3/search/jql', answer(200, { issues: [hit(1)], nextPageToken: 'same' }));
    expect(await tracker().search('labels = x', ['created'], 10)).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
  });

  itWithSpecs('comments in ADF and finds the marker in existing comments (paged)', async () => {
    const comment = (t: string) => ({ id: '1', body: textToAdf(t), created: '2026-03-02T10:00:00.000+0000' });
    server.on('GET', '/rest/api/3/issue/OPS-7/comment', (req, res) => {
      const first = req.query.get('startAt') === '0';
      answer(200, {
        startAt: first ? 0 : 1,
        maxResults: 1,
        total: 2,
        comments: [comment(first ? 'hello' : 'done [cutover-m1:step]')],
      })(req, res);
    });
    server.on('POST', '/rest/api/3/issue/OPS-7/comment', answer(201, { id: '2', body: textToAdf('x') }));
    const t = tracker();
    expect(await t.hasComment('OPS-7', '[cutover-m1:step]')).toBe(true);
    expect(await t.hasComment('OPS-7', 'absent')).toBe(false);
    await t.comment('OPS-7', 'Flow created [cutover-m1:flow]');
    expect(adfToText((server.requests.at(-1)!.json as { body: unknown }).body)).toBe('Flow created [cutover-m1:flow]');
    expectContract();
  });

  itWithSpecs('lists and performs transitions', async () => {
    server.on(
      'GET',
      '/rest/api/3/issue/OPS-7/transitions',
      answer(200, { transitions: [{ id: '31', name: 'Done', to: doneStatus }] }),
    );
    server.on('POST', '/rest/api/3/issue/OPS-7/transitions', (_req, res) => {
      res.writeHead(204).end();
    });
    const t = tracker();
    expect(await t.transitions('OPS-7')).toEqual([{ id: '31', name: 'Done', toStatusCategory: 'done' }]);
    await t.transition('OPS-7', '31', 'closing');
    expectContract();
  });
});

describe('Jira Data Center v2', () => {
  it('uses /rest/api/2, Bearer PAT, plain-string bodies and /search with startAt', async () => {
    server.on('GET', '/rest/api/2/search', (_req, res) =>
      json(res, 200, {
        startAt: 0,
        maxResults: 1,
        total: 1,
        issues: [{ id: '7', key: 'OPS-1', fields: { created: '2026-03-02T10:00:00.000+0100' } }],
      }),
    );
    server.on('POST', '/rest/api/2/issue', (_req, res) => json(res, 201, { id: '7', key: 'OPS-1', self: 'x' }));
    server.on('GET', '/rest/api/2/issue/OPS-1', (_req, res) =>
      json(res, 200, {
        id: '7',
        key: 'OPS-1',
        fields: {
          created: '2026-03-02T10:00:00.000+0100',
          status: doneStatus,
          resolution: { name: 'Done' },
          resolutiondate: '2026-03-04T17:30:00.000+0100',
        },
        changelog: {
          startAt: 0,
          maxResults: 1,
          total: 1,
          histories: [{ id: '1', created: '2026-03-04T17:30:00.000+0100', items: [{ field: 'status', to: '10005' }] }],
        },
      }),
    );
    server.on('POST', '/rest/api/2/issue/OPS-1/comment', (_req, res) => json(res, 201, { id: '1' }));
    server.on('GET', '/rest/api/2/issue/createmeta/OPS/issuetypes', (_req, res) =>
      json(res, 200, { startAt: 0, maxResults: 50, total: 1, isLast: true, values: [{ id: '3', name: 'Task' }] }),
    );
    const t = tracker('dc');
    expect(await t.findByLabel('cutover-m1')).toMatchObject({ key: 'OPS-1' });
    expect(server.requests[0]!.query.get('startAt')).toBe('0');
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${SECRETS.jiraToken}`);
    await t.create({
      projectKey: 'OPS',
      issueType: 'Task',
      summary: 's',
      description: 'plain text',
      labels: ['cutover-m1'],
    });
    expect(
      (server.requests.find((r) => r.method === 'POST')!.json as { fields: { description: unknown } }).fields
        .description,
    ).toBe('plain text');
    expect(await t.get('OPS-1')).toMatchObject({
      resolved: true,
      resolutionDate: '2026-03-04T16:30:00.000Z',
      doneTransitionAt: '2026-03-04T16:30:00.000Z',
    });
    await t.comment('OPS-1', 'hi');
    expect(server.requests.at(-1)!.json).toEqual({ body: 'hi' });
    expect(await t.issueTypes('OPS')).toEqual([{ id: '3', name: 'Task' }]);
  });
});

describe('Jira errors', () => {
  it('maps a 404 ErrorCollection and a plain-text 401, with no secret in the message', async () => {
    server.on('GET', '/rest/api/3/issue/NOPE-1', (_req, res) =>
      json(res, 404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} }),
    );
    server.on('GET', '/rest/api/3/myself', (_req, res) =>
      text(res, 401, 'Client must be authenticated to access this resource.'),
    );
    const t = tracker();
    const notFound = await t.get('NOPE-1').catch((e: unknown) => e as ServiceError);
    expect(notFound).toMatchObject({
      status: 404,
      vendorMessage: 'Issue does not exist or you do not have permission to see it.',
    });
    const unauth = await t.whoAmI().catch((e: unknown) => e as ServiceError);
    expect(unauth).toMatchObject({
      status: 401,
      vendorMessage: 'Client must be authenticated to access this resource.',
    });
    for (const secret of secretForms()) {
      expect((notFound as Error).message + (unauth as Error).message + logger.text()).not.toContain(secret);
    }
  });
});

describe('Jira /myself answers that are not a Jira user', () => {
  it('refuses a 200 without accountId (Cloud) or name/key (DC), naming the other flavour when it fits', async () => {
    const dcUser = { name: 'mia', key: 'JIRAUSER1', displayName: 'Mia' };
    const message = (e: unknown) => (e as Error).message;
    server.on('GET', '/rest/api/3/myself', (_req, res) => json(res, 200, { hello: 'world' }), 1);
    const lie = await tracker()
      .whoAmI()
      .catch((e: unknown) => e as ServiceError);
    expect(lie).toMatchObject({ status: 200, vendorCode: 'NOT_JIRA' });
    expect(message(lie)).toContain('not a Jira user (expected an accountId, found only hello)');
    expect(message(lie)).toMatch(/: this server does not look like Jira$/);
    server.on('GET', '/rest/api/3/myself', (_req, res) => json(res, 200, dcUser), 1);
    expect(await tracker().whoAmI().catch(message)).toMatch(/looks like Jira Data Center: CUTOVER_JIRA_FLAVOR=dc/);
    server.on('GET', '/rest/api/2/myself', (_req, res) => json(res, 200, dcUser), 1);
    expect(await tracker('dc').whoAmI()).toEqual({ displayName: 'Mia' });
    server.on('GET', '/rest/api/2/myself', (_req, res) => json(res, 200, []), 1);
    expect(await tracker('dc').whoAmI().catch(message)).toMatch(/expected a name or key, found no user fields/);
  });
});

describe('Jira answers that are not a Jira issue', () => {
  it("an answer without the issue's fields, or without a status, is a wrong_shape error, never an open ticket", async () => {
    server.on('GET', '/rest/api/3/issue/CC-1', (_req, res) => json(res, 200, { hello: 'world' }));
    server.on('GET', '/rest/api/3/issue/CC-2', (_req, res) =>
      json(res, 200, { id: '2', key: 'CC-2', fields: { created: '2026-01-05T09:00:00.000+0000' } }),
    );
    server.on('GET', '/rest/api/3/issue/CC-3', (_req, res) =>
      text(res, 200, '<html><head><title>Log in</title></head></html>', 'text/html'),
    );
    const t = tracker();
    const hello = await t.get('CC-1').catch((e: unknown) => e as ServiceError);
    expect(hello).toMatchObject({ kind: 'wrong_shape', status: 200 });
    expect((hello as Error).message).toMatch(/jira: GET .*CC-1.*no readable created timestamp/);
    const noStatus = await t.get('CC-2').catch((e: unknown) => e as ServiceError);
    expect(noStatus).toMatchObject({ kind: 'wrong_shape', status: 200 });
    expect((noStatus as Error).message).toMatch(/issue CC-2 has no status/);
    expect(await t.get('CC-3').catch((e: unknown) => (e as ServiceError).kind)).toBe('html');
  });
});

describe('Jira timestamps', () => {
  it.each([
    ['2026-03-04T17:30:00.456+0100', '2026-03-04T16:30:00.456Z'],
    ['2026-03-04T21:15:00.000-0500', '2026-03-05T02:15:00.000Z'],
    ['2024-06-21T23:10:11.256+0000', '2024-06-21T23:10:11.256Z'],
    ['2020-12-21T07:22:57.492+0530', '2020-12-21T01:52:57.492Z'],
    ['2020-12-21T07:22:57+01:00', '2020-12-21T06:22:57.000Z'],
    ['2020-12-21T07:22:57.4Z', '2020-12-21T07:22:57.400Z'],
  ])('%s → %s', (input, expected) => {
    expect(jiraTimestampToUtc(input)).toBe(expected);
  });

  it.each(['2026-02-30T10:00:00.000+0000', '2026-03-04 17:30:00', '2026-03-04T17:30:00.000+2500', 'yesterday'])(
    'rejects %s',
    (input) => {
      expect(() => jiraTimestampToUtc(input)).toThrow(/Jira timestamp|offset/);
    },
  );
});
