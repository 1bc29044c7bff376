// Jira Cloud v3 and Data Center v2: create, get (fields, changelog), changelog, search, comments,
// transitions, non-UTC offsets; Cloud responses checked against the Jira v3 OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateRequestBody, validateResponse } from '../support/openapi.js';
import { itWithSpecs } from '../support/specs.js';
import { ORG, adf, setFlavor, start, type Harness } from './helpers.js';

const JIRA = 'jira-cloud-platform-v3.json';
const ok = (r: { ok: boolean; errors: string[] }) => expect(r.errors).toEqual([]);
// The spec types ChangeDetails.from/fromString/to/toString as non-nullable strings; Jira sends null for an
// unset resolution (reference/jira-api.md §3): the reference is followed.
const NULL_CHANGE = [/\/items\/\d+\/(from|fromString|to|toString) must be string/];

let h: Harness;
beforeAll(async () => {
  h = await start();
});
afterAll(async () => h.emu.close());

async function file(label: string, org = ORG): Promise<{ id: string; key: string }> {
  const body = {
    fields: {
      project: { key: 'CC' },
      issuetype: { name: 'Service Request' },
      summary: `Disable legacy segment sharing for ${org}`,
      description: adf(`Org ${org}`),
      labels: [label],
    },
  };
  ok(validateRequestBody(JIRA, 'POST', '/rest/api/3/issue', body));
  const res = await h.jira('POST', '/rest/api/3/issue', { body });
  expect(res.status).toBe(201);
  ok(validateResponse(JIRA, 'POST', '/rest/api/3/issue', 201, res.json));
  return res.json;
}

describe('Cloud v3', () => {
  itWithSpecs('answers /myself and createmeta (404 ErrorCollection for an unknown project)', async () => {
    const me = await h.jira('GET', '/rest/api/3/myself');
    ok(validateResponse(JIRA, 'GET', '/rest/api/3/myself', 200, me.json));
    const meta = await h.jira('GET', '/rest/api/3/issue/createmeta/CC/issuetypes');
    expect(meta.json.issueTypes.map((t: { name: string }) => t.name)).toEqual(['Task', 'Service Request']);
    ok(validateResponse(JIRA, 'GET', '/rest/api/3/issue/createmeta/CC/issuetypes', 200, meta.json));
    const missing = await h.jira('GET', '/rest/api/3/issue/createmeta/NOPE/issuetypes');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ errorMessages: ["No project could be found with key 'NOPE'."], errors: {} });
  });

  itWithSpecs('refuses a create without summary/project/issuetype, or with a string description on v3', async () => {
    const res = await h.jira('POST', '/rest/api/3/issue', { body: { fields: { description: 'plain' } } });
    expect(res.status).toBe(400);
    expect(Object.keys(res.json.errors).sort()).toEqual(['description', 'issuetype', 'project', 'summary']);
    expect(res.json.errors.summary).toBe('You must specify a summary of the issue.');
    ok(validateResponse(JIRA, 'POST', '/rest/api/3/issue', 400, res.json));
  });

  itWithSpecs(
    'runs the lifecycle: create → transitions → Done; get shows category done, resolutiondate, changelog',
    async () => {
      const issue = await file('cutover-life');
      expect(issue.key).toMatch(/^CC-\d+$/);
      const before = await h.jira(
        'GET',
        `/rest/api/3/issue/${issue.key}?fields=status,resolution,resolutiondate,created,updated,labels`,
      );
      expect(before.json.fields.status.statusCategory).toMatchObject({ key: 'new', id: 2 });
      expect(before.json.fields.resolution).toBeNull();
      expect(before.json.fields.resolutiondate).toBeNull();
      expect(Object.keys(before.json.fields).sort()).toEqual([
        'created',
        'labels',
        'resolution',
        'resolutiondate',
        'status',
        'updated',
      ]);
      ok(validateResponse(JIRA, 'GET', `/rest/api/3/issue/${issue.key}`, 200, before.json));

      const transitions = await h.jira('GET', `/rest/api/3/issue/${issue.key}/transitions`);
      ok(validateResponse(JIRA, 'GET', `/rest/api/3/issue/${issue.key}/transitions`, 200, transitions.json));
      const done = transitions.json.transitions.find(
        (t: { to: { statusCategory: { key: string } } }) => t.to.statusCategory.key === 'done',
      );
      const moved = await h.jira('POST', `/rest/api/3/issue/${issue.key}/transitions`, {
        body: { transition: { id: done.id }, fields: { resolution: { name: 'Done' } } },
      });
      expect(moved.status).toBe(204);
      expect(moved.text).toBe('');
      const bad = await h.jira('POST', `/rest/api/3/issue/${issue.key}/transitions`, {
        body: { transition: { id: done.id } },
      });
      expect(bad.status).toBe(400);

      const after = await h.jira('GET', `/rest/api/3/issue/${issue.key}?expand=changelog`);
      const f = after.json.fields;
      expect(f.status.statusCategory).toEqual({
        self: expect.any(String),
        id: 3,
        key: 'done',
        colorName: 'green',
        name: 'Done',
      });
      expect(f.resolution.name).toBe('Done');
      expect(f.resolutiondate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
      const history = after.json.changelog.histories[0];
      expect(history.items.map((i: { field: string }) => i.field)).toEqual(['status', 'resolution']);
      expect(history.items[1]).toMatchObject({ fromString: null, toString: 'Done' });
      expect(history.created).toBe(f.resolutiondate);
      ok(validateResponse(JIRA, 'GET', `/rest/api/3/issue/${issue.key}`, 200, after.json, { ignore: NULL_CHANGE }));

      const log = await h.jira('GET', `/rest/api/3/issue/${issue.key}/changelog?startAt=0&maxResults=100`);
      expect(log.json).toMatchObject({ startAt: 0, maxResults: 100, total: 1, isLast: true });
      expect(log.json.values[0].id).toBe(history.id);
      ok(
        validateResponse(JIRA, 'GET', `/rest/api/3/issue/${issue.key}/changelog`, 200, log.json, {
          ignore: NULL_CHANGE,
        }),
      );
    },
  );

  itWithSpecs('renders a ticket in a non-UTC offset when told to', async () => {
    const issue = await file('cutover-offset');
    h.emu.control.resolveTicket(issue.key, { resolutiondate: '2026-01-02T10:11:12.345+0000', offset: '-0500' });
    const res = await h.jira('GET', `/rest/api/3/issue/${issue.key}?fields=resolutiondate,created`);
    expect(res.json.fields.resolutiondate).toBe('2026-01-02T05:11:12.345-0500');
    expect(res.json.fields.created).toMatch(/-0500$/);
    await h.control('POST', `/tickets/${issue.key}/offset`, { offset: '+0100' });
    const again = await h.jira('GET', `/rest/api/3/issue/${issue.key}?fields=resolutiondate`);
    expect(again.json.fields.resolutiondate).toBe('2026-01-02T11:11:12.345+0100');
    expect(Date.parse(again.json.fields.resolutiondate.replace(/(\d\d)(\d\d)$/, '$1:$2'))).toBe(
      Date.parse('2026-01-02T10:11:12.345Z'),
    );
  });

  itWithSpecs(
    "rewrites a done ticket's resolutiondate and changelog Done time independently (control), refusing an open one",
    async () => {
      const issue = await file('cutover-times');
      expect(
        (await h.control('POST', `/tickets/${issue.key}/times`, { resolutiondate: '2026-01-02T08:00:00.000+0000' }))
          .status,
      ).toBe(409);
      h.emu.control.resolveTicket(issue.key, { resolutiondate: '2026-01-02T10:11:12.345+0000' });
      const set = await h.control('POST', `/tickets/${issue.key}/times`, {
        resolutiondate: '2026-01-02T08:00:00.000+0000',
        doneAt: '2026-01-02T10:30:00.000Z',
      });
      expect(set.status).toBe(200);
      const res = await h.jira('GET', `/rest/api/3/issue/${issue.key}?expand=changelog`);
      expect(res.json.fields.resolutiondate).toBe('2026-01-02T08:00:00.000+0000');
      expect(res.json.changelog.histories[0].created).toBe('2026-01-02T10:30:00.000+0000');
      expect((await h.control('POST', `/tickets/${issue.key}/times`, { doneAt: 'yesterday' })).status).toBe(400);
    },
  );

  itWithSpecs(
    'searches with /search/jql: labels, token paging, fields default id; old /search is 410 Gone',
    async () => {
      for (let i = 0; i < 3; i++) await file('cutover-many');
      const first = await h.jira(
        'GET',
        `/rest/api/3/search/jql?jql=${encodeURIComponent('labels = "cutover-many"')}&maxResults=2`,
      );
      expect(first.json.issues).toHaveLength(2);
      expect(Object.keys(first.json.issues[0])).toEqual(['id']);
      expect(first.json.isLast).toBe(false);
      ok(validateResponse(JIRA, 'GET', '/rest/api/3/search/jql', 200, first.json));
      const second = await h.jira('POST', '/rest/api/3/search/jql', {
        body: {
          jql: 'labels = "cutover-many"',
          maxResults: 2,
          nextPageToken: first.json.nextPageToken,
          fields: ['status', 'labels'],
        },
      });
      expect(second.json.issues).toHaveLength(1);
      expect(second.json).not.toHaveProperty('nextPageToken');
      expect(second.json.issues[0].fields.labels).toEqual(['cutover-many']);
      ok(validateResponse(JIRA, 'POST', '/rest/api/3/search/jql', 200, second.json));
      const unbounded = await h.jira('GET', `/rest/api/3/search/jql?jql=${encodeURIComponent('order by key desc')}`);
      expect(unbounded.status).toBe(400);
      const gone = await h.jira('GET', `/rest/api/3/search?jql=${encodeURIComponent('labels = x')}`);
      expect(gone.status).toBe(410);
      expect(gone.json.errorMessages[0]).toMatch(/CHANGE-2046/);
      expect((await h.jira('POST', '/rest/api/2/search', { body: { jql: 'labels = x' } })).status).toBe(410);
    },
  );

  itWithSpecs('adds and lists comments (ADF on v3, refused as a string)', async () => {
    const issue = await file('cutover-comment');
    const added = await h.jira('POST', `/rest/api/3/issue/${issue.key}/comment`, { body: { body: adf('hello') } });
    expect(added.status).toBe(201);
    ok(validateResponse(JIRA, 'POST', `/rest/api/3/issue/${issue.key}/comment`, 201, added.json));
    expect((await h.jira('POST', `/rest/api/3/issue/${issue.key}/comment`, { body: { body: 'plain' } })).status).toBe(
      400,
    );
    const list = await h.jira('GET', `/rest/api/3/issue/${issue.key}/comment`);
    expect(list.json.total).toBe(1);
    ok(validateResponse(JIRA, 'GET', `/rest/api/3/issue/${issue.key}/comment`, 200, list.json));
  });

  it('404s an unknown issue with the ErrorCollection body', async () => {
    const res = await h.jira('GET', '/rest/api/3/issue/CC-9999');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      errorMessages: ['Issue does not exist or you do not have permission to see it.'],
      errors: {},
    });
  });
});

describe('Data Center v2', () => {
  let dc: Harness;
  beforeAll(async () => {
    dc = await start({ jiraFlavor: 'dc' });
    setFlavor(dc.emu, 'dc');
  });
  afterAll(async () => dc.emu.close());

  it('takes string descriptions and comments, searches with startAt/total, has no v3 nor /changelog', async () => {
    const adfRefused = await dc.jira('POST', '/rest/api/2/issue', {
      body: { fields: { project: { key: 'CC' }, issuetype: { name: 'Task' }, summary: 's', description: adf('x') } },
    });
    expect(adfRefused.status).toBe(400);
    expect(adfRefused.json.errors.description).toBeDefined();
    const created = await dc.jira('POST', '/rest/api/2/issue', {
      body: {
        fields: {
          project: { key: 'CC' },
          issuetype: { name: 'Task' },
          summary: `Legacy off for ${ORG}`,
          description: 'plain text',
          labels: ['cutover-dc'],
        },
      },
    });
    expect(created.status).toBe(201);
    const got = await dc.jira('GET', `/rest/api/2/issue/${created.json.key}`);
    expect(got.json.fields.description).toBe('plain text');
    expect(got.json.fields.reporter).toHaveProperty('name');
    expect(
      (await dc.jira('POST', `/rest/api/2/issue/${created.json.key}/comment`, { body: { body: 'noted' } })).status,
    ).toBe(201);
    const search = await dc.jira(
      'GET',
      `/rest/api/2/search?jql=${encodeURIComponent('labels = cutover-dc')}&startAt=0&maxResults=10`,
    );
    expect(search.json).toMatchObject({ startAt: 0, maxResults: 10, total: 1 });
    expect(search.json.issues[0].fields.labels).toEqual(['cutover-dc']);
    expect((await dc.jira('GET', `/rest/api/2/issue/${created.json.key}/changelog`)).status).toBe(404);
    expect((await dc.jira('GET', '/rest/api/3/myself')).status).toBe(404);
    expect((await dc.jira('GET', `/rest/api/2/search/jql?jql=x`)).status).toBe(404);
  });
});
