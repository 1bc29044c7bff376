/**
 * Audience Manager REST (`/v1/...`). Data sources come back as a plain array (documented). Segments and
 * traits: a plain array without paging parameters; with `page`/`pageSize` the list is wrapped in
 * `{total, page, pageSize, list}`: the real wrapper's field names are unconfirmed (reference §3).
 * Lookup by integration code: `/v1/segments/ic:{code}`, `/v1/traits/ic:{code}` (third-party evidence).
 * Org scoping: real AAM scopes by the token's org; the emulator reads `x-gw-ims-org-id` and falls back to the
 * default org when it is absent (tokens here are not tied to an org).
 */
import type { Ctx, Reply } from './http.js';
import { header, json } from './http.js';
import type { AamDataSource, AamSegment, AamTrait, OrgWorld } from './model.js';
import type { World } from './world.js';

function org(world: World, ctx: Ctx, defaultOrg: string): OrgWorld {
  return world.org(header(ctx, 'x-gw-ims-org-id') ?? defaultOrg);
}

function renderDataSource(o: OrgWorld, d: AamDataSource): Record<string, unknown> {
  return {
    pid: o.pid,
    name: d.name,
    description: d.description,
    status: 'ACTIVE',
    integrationCode: d.integrationCode,
    dataExportRestrictions: [],
    updateTime: d.createTime,
    crUID: 0,
    upUID: 0,
    linkNamespace: false,
    type: 'GENERAL',
    subIdType: 'COOKIE',
    inboundS2S: true,
    outboundS2S: true,
    useAudienceManagerVisitorID: false,
    allowDataSharing: false,
    masterDataSourceIdProvider: false,
    uniqueTraitIntegrationCodes: false,
    uniqueSegmentIntegrationCodes: false,
    marketingCloudVisitorIdVersion: 0,
    idType: 'COOKIE',
    allowDeviceGraphSharing: false,
    supportsAuthenticatedProfile: false,
    deviceGraph: false,
    authenticatedProfileName: '',
    deviceGraphName: '',
    customerProfileDataRetention: 62208000,
    dataSourceId: d.dataSourceId,
    containerIds: [],
    samplingEnabled: false,
  };
}

function renderTrait(o: OrgWorld, t: AamTrait): Record<string, unknown> {
  return {
    sid: t.sid,
    pid: o.pid,
    name: t.name,
    description: t.description,
    traitType: 'ONBOARDED_TRAIT',
    status: 'ACTIVE',
    dataSourceId: t.dataSourceId,
    folderId: t.folderId,
    traitRule: t.traitRule,
    integrationCode: t.integrationCode,
    ttl: 120,
    createTime: t.createTime,
    updateTime: t.createTime,
  };
}

function renderSegment(o: OrgWorld, s: AamSegment): Record<string, unknown> {
  return {
    sid: s.sid,
    pid: o.pid,
    name: s.name,
    description: s.description,
    folderId: s.folderId,
    dataSourceId: s.dataSourceId,
    integrationCode: s.integrationCode,
    segmentRule: s.segmentRule,
    mergeRuleDataSourceId: 0,
    status: 'ACTIVE',
    createTime: s.createTime,
    updateTime: s.updateTime ?? s.createTime,
  };
}

function aamError(status: number, message: string): Reply {
  return json(status, { code: status === 404 ? 'not_found' : 'bad_request', message });
}

/** Filters by dataSourceId / integrationCode / folderId; pages only when `page` or `pageSize` is given. */
function listing(ctx: Ctx, items: Array<Record<string, unknown>>): Reply {
  const filtered = items.filter((item) =>
    ['dataSourceId', 'integrationCode', 'folderId'].every((key) => {
      const wanted = ctx.query.get(key);
      return wanted === null || String(item[key]) === wanted;
    }),
  );
  if (!ctx.query.has('page') && !ctx.query.has('pageSize')) return json(200, filtered);
  const page = Number(ctx.query.get('page') ?? '0');
  const pageSize = Number(ctx.query.get('pageSize') ?? '10');
  if (!Number.isInteger(page) || page < 0 || !Number.isInteger(pageSize) || pageSize < 1)
    return aamError(400, 'Invalid page or pageSize');
  return json(200, {
    total: filtered.length,
    page,
    pageSize,
    list: filtered.slice(page * pageSize, (page + 1) * pageSize),
  });
}

export function aamRoutes(world: World, defaultOrg: string) {
  const traitsOf = (o: OrgWorld) => o.aam.traits.map((t) => renderTrait(o, t));
  const segmentsOf = (o: OrgWorld) => o.aam.segments.map((s) => renderSegment(o, s));
  const one =
    (kind: 'segments' | 'traits') =>
    (ctx: Ctx): Reply => {
      const o = org(world, ctx, defaultOrg);
      const items = kind === 'segments' ? segmentsOf(o) : traitsOf(o);
      const key = ctx.params.key ?? '';
      const byCode = key.startsWith('ic:');
      const found = items.find((item) => (byCode ? item.integrationCode === key.slice(3) : String(item.sid) === key));
      return found ? json(200, found) : aamError(404, `${kind === 'segments' ? 'Segment' : 'Trait'} ${key} not found`);
    };
  return {
    dataSources: (ctx: Ctx): Reply => {
      const o = org(world, ctx, defaultOrg);
      return json(
        200,
        o.aam.dataSources.map((d) => renderDataSource(o, d)),
      );
    },
    segments: (ctx: Ctx): Reply => listing(ctx, segmentsOf(org(world, ctx, defaultOrg))),
    traits: (ctx: Ctx): Reply => listing(ctx, traitsOf(org(world, ctx, defaultOrg))),
    segment: one('segments'),
    trait: one('traits'),
  };
}
