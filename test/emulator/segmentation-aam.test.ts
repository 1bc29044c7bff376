// Segment definitions and Audience Manager: paging, shapes, lookups by integration code, seeding and orgs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateResponse } from '../support/openapi.js';
import { itWithSpecs } from '../support/specs.js';
import { ECA_DATA_SOURCE_NAME, LEGACY_DATA_SOURCE_NAME, startEmulator } from '../../src/emulator/index.js';
import { ORG, OTHER_ORG, start, type Harness } from './helpers.js';

const SEG = 'aep-segmentation.yaml';
let h: Harness;
beforeAll(async () => {
  h = await start({ seed: 7 });
});
afterAll(async () => h.emu.close());

describe('segment definitions', () => {
  itWithSpecs('pages with start/limit and the documented page object', async () => {
    const first = await h.aep('GET', '/data/core/ups/segment/definitions?start=0&limit=2');
    expect(first.status).toBe(200);
    const total = h.emu.world().audiences.length;
    expect(first.json.page).toMatchObject({
      totalCount: total,
      totalPages: Math.ceil(total / 2),
      pageSize: 2,
      limit: 2,
      sortField: 'creationTime',
      sort: 'desc',
    });
    const ids: string[] = [];
    for (let start = 0; start < total; start += 2) {
      const res = await h.aep('GET', `/data/core/ups/segment/definitions?start=${start}&limit=2`);
      ids.push(...res.json.segments.map((s: { id: string }) => s.id));
      // The spec types the list as one SegmentDefinition; each listed item is checked against that schema.
      for (const segment of res.json.segments) {
        const check = validateResponse(SEG, 'GET', `/segment/definitions/${segment.id}`, 200, segment);
        expect(check.errors).toEqual([]);
      }
    }
    expect(new Set(ids)).toEqual(new Set(h.emu.world().audiences.map((a) => a.id)));
  });

  itWithSpecs('gets one definition as a bare object; 404 for an unknown id', async () => {
    const id = h.emu.world().audiences[0]!.id;
    const res = await h.aep('GET', `/data/core/ups/segment/definitions/${id}`);
    expect(res.json).toMatchObject({ id, imsOrgId: ORG, schema: { name: '_xdm.context.profile' } });
    expect(validateResponse(SEG, 'GET', `/segment/definitions/${id}`, 200, res.json).errors).toEqual([]);
    expect((await h.aep('GET', '/data/core/ups/segment/definitions/nope')).status).toBe(404);
  });
});

describe('Audience Manager', () => {
  it('lists data sources as a plain array, both names present', async () => {
    const res = await h.aam('/v1/datasources/');
    const names = res.json.map((d: { name: string }) => d.name);
    expect(names).toEqual(expect.arrayContaining([LEGACY_DATA_SOURCE_NAME, ECA_DATA_SOURCE_NAME]));
    expect(res.json[0]).toHaveProperty('dataSourceId');
  });

  it('legacy traits and segments carry the AEP segment ids as integration codes', async () => {
    const sources = (await h.aam('/v1/datasources/')).json as Array<{ name: string; dataSourceId: number }>;
    const legacy = sources.find((d) => d.name === LEGACY_DATA_SOURCE_NAME)!;
    const eca = sources.find((d) => d.name === ECA_DATA_SOURCE_NAME)!;
    const segments = (await h.aam(`/v1/segments/?dataSourceId=${legacy.dataSourceId}`)).json as Array<{
      integrationCode: string;
      sid: number;
    }>;
    const audienceIds = new Set(h.emu.world().audiences.map((a) => a.id));
    expect(segments.length).toBeGreaterThan(0);
    for (const s of segments) expect(audienceIds.has(s.integrationCode)).toBe(true);
    const traits = (await h.aam(`/v1/traits/?dataSourceId=${legacy.dataSourceId}`)).json as unknown[];
    expect(traits.length).toBe(segments.length);
    expect((await h.aam(`/v1/segments/?dataSourceId=${eca.dataSourceId}`)).json).toEqual([]);
    const code = segments[0]!.integrationCode;
    expect((await h.aam(`/v1/segments/ic:${code}`)).json.sid).toBe(segments[0]!.sid);
    expect((await h.aam(`/v1/traits/ic:${code}`)).json.integrationCode).toBe(code);
    expect((await h.aam('/v1/segments/ic:unknown')).status).toBe(404);
  });

  it('wraps the list in {total, page, pageSize, list} when paging parameters are given', async () => {
    const all = (await h.aam('/v1/traits/')).json as unknown[];
    const page = await h.aam('/v1/traits/?page=1&pageSize=2');
    expect(page.json).toMatchObject({ total: all.length, page: 1, pageSize: 2 });
    expect(page.json.list).toEqual(all.slice(2, 4));
  });
});

describe('seeding and orgs', () => {
  it('seeds each org deterministically from seed + org id', async () => {
    const again = await startEmulator({ seed: 7 });
    const other = await startEmulator({ seed: 8 });
    try {
      expect(again.world(ORG).audiences).toEqual(h.emu.world(ORG).audiences);
      expect(again.world(ORG).aam.legacySegments).toEqual(h.emu.world(ORG).aam.legacySegments);
      expect(other.world(ORG).audiences).not.toEqual(h.emu.world(ORG).audiences);
    } finally {
      await again.close();
      await other.close();
    }
  });

  it('keeps orgs apart by x-gw-ims-org-id, with no set-up for new orgs', async () => {
    const mine = await h.aep('GET', '/data/core/ups/segment/definitions');
    const theirs = await h.aep('GET', '/data/core/ups/segment/definitions', { org: OTHER_ORG });
    const ids = (r: typeof mine) => r.json.segments.map((s: { id: string }) => s.id);
    expect(ids(mine)).not.toEqual(ids(theirs));
    const id = ids(mine)[0];
    expect((await h.aep('GET', `/data/core/ups/segment/definitions/${id}`, { org: OTHER_ORG })).status).toBe(404);
    const aamTheirs = (await h.aam('/v1/segments/', { org: OTHER_ORG })).json as Array<{ integrationCode: string }>;
    expect(aamTheirs.every((s) => ids(theirs).includes(s.integrationCode))).toBe(true);
    for (let i = 0; i < 200; i++) h.emu.world(`${String(i).padStart(24, '0')}@AdobeOrg`);
    expect(h.emu.world(`${'7'.padStart(24, '0')}@AdobeOrg`).audiences.length).toBeGreaterThanOrEqual(6);
  });
});
