// Flow Service: catalogue, connections, the one-ECA rule, flows (create, get, list filters and paging,
// PATCH with quoted etags, enable/disable, delete) and runs; responses checked against the OpenAPI documents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateRequestBody, validateResponse } from '../support/openapi.js';
import { itWithSpecs } from '../support/specs.js';
import { ECA_CONNECTION_SPEC_ID, ECA_NAME, PROFILE_STORE_SPEC_ID } from '../../src/emulator/index.js';
import { FS, ORG, OTHER_ORG, start, waitFor, type Harness } from './helpers.js';
import { createFlow, flowBody, stage, type Staged } from './staging.js';

const CORE = 'aep-flowservice-core.yaml';
const DEST = 'aep-flowservice-destinations.yaml';

let h: Harness;
let staged: Staged;
let segments: string[];
beforeAll(async () => {
  h = await start();
  staged = await stage(h);
  segments = h.emu.world().audiences.map((a) => a.id);
});
afterAll(async () => h.emu.close());

function expectValid(result: { ok: boolean; errors: unknown }): void {
  expect(result.errors).toEqual([]);
  expect(result.ok).toBe(true);
}

describe('catalogue', () => {
  itWithSpecs('finds the ECA connection spec by name, with its target identities', async () => {
    const res = await h.aep('GET', `${FS}/connectionSpecs?property=${encodeURIComponent(`name==${ECA_NAME}`)}`);
    expect(res.status).toBe(200);
    expect(res.json.items).toHaveLength(1);
    const spec = res.json.items[0];
    expect(spec.id).toBe(ECA_CONNECTION_SPEC_ID);
    expect(Object.keys(spec.targetSpec.identityNamespaces)).toEqual(['ECID', 'GAID', 'IDFA', 'email_lc_sha256']);
    expectValid(validateResponse(CORE, 'GET', '/connectionSpecs', 200, res.json));
  });

  it('filters by id (comma = OR) and lists other destinations', async () => {
    const res = await h.aep(
      'GET',
      `${FS}/connectionSpecs?property=id==${PROFILE_STORE_SPEC_ID},${ECA_CONNECTION_SPEC_ID}`,
    );
    expect(res.json.items.map((s: { id: string }) => s.id).sort()).toEqual(
      [PROFILE_STORE_SPEC_ID, ECA_CONNECTION_SPEC_ID].sort(),
    );
    const all = await h.aep('GET', `${FS}/connectionSpecs`);
    expect(all.json.items.length).toBeGreaterThanOrEqual(4);
  });

  itWithSpecs('finds the ECA flow spec by name', async () => {
    const res = await h.aep('GET', `${FS}/flowSpecs?property=${encodeURIComponent(`name==${ECA_NAME}`)}`);
    expect(res.json.items[0].targetConnectionSpecIds).toEqual([ECA_CONNECTION_SPEC_ID]);
    expectValid(validateResponse(CORE, 'GET', '/flowSpecs', 200, res.json));
  });
});

describe('connections', () => {
  it('allows only one ECA base connection per org, with a problem body', async () => {
    const res = await h.aep('POST', `${FS}/connections`, {
      body: { name: 'second', connectionSpec: { id: ECA_CONNECTION_SPEC_ID, version: '1.0' } },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(res.json.type).toMatch(/^https:\/\/ns\.adobe\.com\/aep\/errors\/FLOW-\d+-400$/);
    expect(res.json.errorMessage).toMatch(/^Currently, a single Experience Cloud Audiences destination is supported/);
    // Another org is another world: its first ECA connection is fine.
    const other = await h.aep('POST', `${FS}/connections`, {
      org: OTHER_ORG,
      body: { name: 'other', connectionSpec: { id: ECA_CONNECTION_SPEC_ID, version: '1.0' } },
    });
    expect(other.status).toBe(201);
  });

  itWithSpecs(
    'creates with 201 {id, etag} (quoted etag), gets wrapped in items, validates against the spec',
    async () => {
      const body = {
        name: 'Profile x',
        description: 'd',
        connectionSpec: { id: PROFILE_STORE_SPEC_ID, version: '1.0' },
      };
      expectValid(validateRequestBody(CORE, 'POST', '/connections', body));
      const res = await h.aep('POST', `${FS}/connections`, { body });
      expect(res.status).toBe(201);
      expect(res.json.etag).toMatch(/^".+"$/);
      expectValid(validateResponse(CORE, 'POST', '/connections', 201, res.json));
      const got = await h.aep('GET', `${FS}/connections/${res.json.id}`);
      expect(got.json.items[0]).toMatchObject({
        id: res.json.id,
        connectionSpec: body.connectionSpec,
        imsOrgId: ORG,
        etag: res.json.etag,
      });
      expectValid(validateResponse(CORE, 'GET', `/connections/${res.json.id}`, 200, got.json));
    },
  );

  it('rejects a missing connectionSpec.version (422) and an unknown spec (400)', async () => {
    const noVersion = await h.aep('POST', `${FS}/connections`, {
      body: { name: 'x', connectionSpec: { id: PROFILE_STORE_SPEC_ID } },
    });
    expect(noVersion.status).toBe(422);
    const unknown = await h.aep('POST', `${FS}/connections`, {
      body: { name: 'x', connectionSpec: { id: 'nope', version: '1.0' } },
    });
    expect(unknown.json).toEqual({ message: 'Please provide a valid spec id' });
  });

  itWithSpecs('lists with property filters, limit and continuationToken paging', async () => {
    for (let i = 0; i < 4; i++) {
      await h.aep('POST', `${FS}/connections`, {
        body: { name: `page-${i}`, connectionSpec: { id: PROFILE_STORE_SPEC_ID, version: '1.0' } },
      });
    }
    const filter = `property=${encodeURIComponent(`connectionSpec.id==${PROFILE_STORE_SPEC_ID}`)}`;
    const seen: string[] = [];
    let next: string | undefined = `${FS}/connections?${filter}&limit=2`;
    while (next) {
      const res = await h.aep('GET', next);
      expect(res.status).toBe(200);
      expectValid(validateResponse(CORE, 'GET', '/connections', 200, res.json));
      seen.push(...res.json.items.map((c: { id: string }) => c.id));
      const href: string | undefined = res.json._links?.next?.href;
      next = href ? `${FS}${href}` : undefined;
    }
    const total = await h.aep('GET', `${FS}/connections?${filter}&count=true`);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(total.json.count);
    expect(seen.length).toBeGreaterThanOrEqual(5);
  });

  itWithSpecs('source and target connections validate and carry inheritedAttributes', async () => {
    const source = await h.aep('GET', `${FS}/sourceConnections/${staged.sourceId}`);
    expect(source.json.items[0].typeInfo).toEqual({ type: 'ProfileFragments', id: 'ups' });
    const target = await h.aep(
      'GET',
      `${FS}/targetConnections?property=${encodeURIComponent(`baseConnectionId==${staged.ecaBaseId}`)}`,
    );
    expect(target.json.items.map((t: { id: string }) => t.id)).toEqual([staged.targetId]);
    expectValid(validateResponse(CORE, 'GET', '/sourceConnections', 200, source.json));
    expectValid(validateResponse(CORE, 'GET', '/targetConnections', 200, target.json));
  });

  it('refuses to delete a base connection still in use; deletes an unused one with 202 and no body', async () => {
    const inUse = await h.aep('DELETE', `${FS}/connections/${staged.ecaBaseId}`);
    expect(inUse.status).toBe(400);
    expect(inUse.json.type).toMatch(/FLOW-1418-400/);
    const spare = await h.aep('POST', `${FS}/connections`, {
      body: { name: 'spare', connectionSpec: { id: PROFILE_STORE_SPEC_ID, version: '1.0' } },
    });
    const gone = await h.aep('DELETE', `${FS}/connections/${spare.json.id}`);
    expect(gone.status).toBe(202);
    expect(gone.text).toBe('');
    expect((await h.aep('GET', `${FS}/connections/${spare.json.id}`)).status).toBe(404);
  });
});

describe('flows', () => {
  it('rejects state on create (1410-400) and missing required fields', async () => {
    const withState = await h.aep('POST', `${FS}/flows`, { body: { ...flowBody(staged, []), state: 'enabled' } });
    expect(withState.status).toBe(400);
    expect(withState.json.type).toMatch(/FLOW-1410-400$/);
    const { transformations: _t, ...noTransformations } = flowBody(staged, []);
    const missing = await h.aep('POST', `${FS}/flows`, { body: noTransformations });
    expect(missing.status).toBe(400);
    expect(missing.json.errorMessage).toMatch(/transformations/);
    const unknownSegment = await h.aep('POST', `${FS}/flows`, { body: flowBody(staged, ['not-a-segment']) });
    expect(unknownSegment.status).toBe(400);
  });

  itWithSpecs(
    'creates (201, quoted etag), gets wrapped in items with createdAt ms and inheritedAttributes',
    async () => {
      // destinations.yaml types a streaming request's `transformations` as a string (a defect against its own
      // examples), so the request is checked against flow-service.yaml's CreateFlowRequest.
      expectValid(validateRequestBody(CORE, 'POST', '/flows', flowBody(staged, segments.slice(0, 2))));
      const created = await createFlow(h, staged, segments.slice(0, 2));
      expect(created.etag).toMatch(/^".+"$/);
      const got = await h.aep('GET', `${FS}/flows/${created.id}`);
      expect(got.status).toBe(200);
      const flow = got.json.items[0];
      expect(typeof flow.createdAt).toBe('number');
      expect(flow.createdAt).toBeGreaterThan(1_600_000_000_000);
      expect(flow.inheritedAttributes.properties.isDestinationFlow).toBe(true);
      expect(flow.inheritedAttributes.targetConnections[0].connectionSpec.id).toBe(ECA_CONNECTION_SPEC_ID);
      expect(flow.inheritedAttributes.sourceConnections[0].typeInfo).toEqual({ type: 'ProfileFragments', id: 'ups' });
      expect(flow.etag).toBe(created.etag);
      expect(flow.version).toBe(created.etag);
      expectValid(validateResponse(CORE, 'GET', `/flows/${created.id}`, 200, got.json));
      // destinations.yaml types inheritedAttributes.sourceConnections/targetConnections as objects and their
      // connectionSpec as a string, against every documented example (arrays, objects): the reference is followed.
      expectValid(
        validateResponse(DEST, 'GET', `/flows/${created.id}`, 200, got.json, {
          ignore: [/\/inheritedAttributes\/(source|target)Connections(\/connectionSpec)? must be (object|string)/],
        }),
      );
      expectValid(validateResponse(DEST, 'POST', '/flows', 201, created));
    },
  );

  itWithSpecs('lists with repeated property filters (AND), including array paths', async () => {
    const spec = `inheritedAttributes.targetConnections[].connectionSpec.id==${ECA_CONNECTION_SPEC_ID}`;
    const dest = 'inheritedAttributes.properties.isDestinationFlow==true';
    const res = await h.aep(
      'GET',
      `${FS}/flows?property=${encodeURIComponent(spec)}&property=${encodeURIComponent(dest)}`,
    );
    expect(res.status).toBe(200);
    expect(res.json.items.length).toBeGreaterThanOrEqual(1);
    expectValid(validateResponse(CORE, 'GET', '/flows', 200, res.json));
    const byName = await h.aep(
      'GET',
      `${FS}/flows?property=${encodeURIComponent('name==ECA flow cutover-m1')}&property=${encodeURIComponent('name==nothing')}`,
    );
    expect(byName.json.items).toEqual([]);
    const bySegment = await h.aep(
      'GET',
      `${FS}/flows?property=${encodeURIComponent(`transformations[].params.segmentSelectors.selectors[].value.id==${segments[0]}`)}`,
    );
    expect(bySegment.json.items.length).toBe(1);
  });

  itWithSpecs(
    'PATCH needs If-Match (1403-400), refuses a stale or unquoted etag (412), returns a new etag',
    async () => {
      const org = 'PATCH0000000000000000000@AdobeOrg';
      const s = await stage(h, org, 'cutover-patch');
      const ids = h.emu.world(org).audiences.map((a) => a.id);
      const flow = await createFlow(h, s, [ids[0]!, ids[1]!, ids[2]!], org);
      const add = [
        {
          op: 'add',
          path: '/transformations/0/params/segmentSelectors/selectors/-',
          value: { type: 'PLATFORM_SEGMENT', value: { id: ids[3] } },
        },
      ];
      expectValid(validateRequestBody(DEST, 'PATCH', '/flows/x', add));

      const noHeader = await h.aep('PATCH', `${FS}/flows/${flow.id}`, { org, body: add });
      expect(noHeader.status).toBe(400);
      expect(noHeader.json.type).toMatch(/FLOW-1403-400$/);

      const unquoted = await h.aep('PATCH', `${FS}/flows/${flow.id}`, {
        org,
        body: add,
        headers: { 'if-match': flow.etag.slice(1, -1) },
      });
      expect(unquoted.status).toBe(412);

      const ok = await h.aep('PATCH', `${FS}/flows/${flow.id}`, { org, body: add, headers: { 'if-match': flow.etag } });
      expect(ok.status).toBe(200);
      expect(ok.json.id).toBe(flow.id);
      expect(ok.json.etag).not.toBe(flow.etag);
      expectValid(validateResponse(DEST, 'PATCH', `/flows/${flow.id}`, 200, ok.json));

      const stale = await h.aep('PATCH', `${FS}/flows/${flow.id}`, {
        org,
        body: add,
        headers: { 'if-match': flow.etag },
      });
      expect(stale.status).toBe(412);
      expect(stale.json.errorMessage).toBe(
        `Supplied version=[${flow.etag}] does not match the current version on entity=[${ok.json.etag}]`,
      );
      expectValid(validateResponse(DEST, 'PATCH', `/flows/${flow.id}`, 412, stale.json));

      // Remove by index; ops apply in order (RFC 6902), so removing 0 twice drops the first two.
      const remove = [0, 0].map((i) => ({
        op: 'remove',
        path: `/transformations/0/params/segmentSelectors/selectors/${i}`,
        value: { type: 'PLATFORM_SEGMENT', value: {} },
      }));
      const removed = await h.aep('PATCH', `${FS}/flows/${flow.id}`, {
        org,
        body: remove,
        headers: { 'if-match': ok.json.etag },
      });
      expect(removed.status).toBe(200);
      expect(h.emu.world(org).flows[0]!.segmentIds).toEqual([ids[2], ids[3]]);

      const move = await h.aep('PATCH', `${FS}/flows/${flow.id}`, {
        org,
        body: [{ op: 'move', path: '/name', value: {} }],
        headers: { 'if-match': removed.json.etag },
      });
      expect(move.json.type).toMatch(/FLOW-1434-400$/);
      const outOfRange = await h.aep('PATCH', `${FS}/flows/${flow.id}`, {
        org,
        body: [{ op: 'remove', path: '/transformations/0/params/segmentSelectors/selectors/9', value: {} }],
        headers: { 'if-match': removed.json.etag },
      });
      expect(outOfRange.json.type).toMatch(/FLOW-1455-400$/);
    },
  );

  itWithSpecs('enables and disables through /action?op=, changing the etag', async () => {
    const list = await h.aep('GET', `${FS}/flows?property=${encodeURIComponent('name==ECA flow cutover-m1')}`);
    const flow = list.json.items[0];
    const disabled = await h.aep('POST', `${FS}/flows/${flow.id}/action?op=disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.json.etag).not.toBe(flow.etag);
    expectValid(validateResponse(CORE, 'POST', `/flows/${flow.id}/action`, 200, disabled.json));
    expect((await h.aep('GET', `${FS}/flows/${flow.id}`)).json.items[0].state).toBe('disabled');
    await h.aep('POST', `${FS}/flows/${flow.id}/action?op=enable`);
    expect((await h.aep('GET', `${FS}/flows/${flow.id}`)).json.items[0].state).toBe('enabled');
  });

  it('answers 404 with the FLOW-1439-404 problem for an unknown flow', async () => {
    const res = await h.aep('GET', `${FS}/flows/8422e5c2-0000-0000-0000-000000000000`);
    expect(res.status).toBe(404);
    expect(res.json.type).toBe('https://ns.adobe.com/aep/errors/FLOW-1439-404');
    expect(res.json.report.type).toBe('flows');
  });

  itWithSpecs('shows a successful run for the ECA flow, in the documented shape', async () => {
    const list = await h.aep('GET', `${FS}/flows?property=${encodeURIComponent('name==ECA flow cutover-m1')}`);
    const flowId = list.json.items[0].id as string;
    const runs = await waitFor(async () => {
      const res = await h.aep('GET', `${FS}/runs?property=flowId==${flowId}`);
      return res.json.items.length > 0 ? res : undefined;
    });
    const run = runs.json.items[0];
    expect(run.flowId).toBe(flowId);
    expect(run.metrics.statusSummary.status).toBe('success');
    expect(run.metrics.recordSummary.targetSummaries[0].entitySummaries[0].id).toMatch(/^segment:/);
    expectValid(validateResponse(CORE, 'GET', '/runs', 200, runs.json));
    // destinations.yaml's Flow_Run enum is capitalised (Success); Adobe's examples and this emulator use lower case.
    expectValid(
      validateResponse(DEST, 'GET', '/runs', 200, runs.json, {
        ignore: [/statusSummary\/status must be equal to one of the allowed values/],
      }),
    );
    expect((await h.aep('GET', `${FS}/flows/${flowId}`)).json.items[0].lastRunDetails.state).toBe('success');
  });

  it('deletes a flow with 202 and no body; a later GET is 404', async () => {
    const org = 'DELETE000000000000000000@AdobeOrg';
    const s = await stage(h, org, 'cutover-del');
    const flow = await createFlow(h, s, [], org);
    const res = await h.aep('DELETE', `${FS}/flows/${flow.id}`, { org });
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
    expect((await h.aep('GET', `${FS}/flows/${flow.id}`, { org })).status).toBe(404);
  });
});
