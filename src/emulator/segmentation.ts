/**
 * Segmentation Service: `GET /data/core/ups/segment/definitions` (start = offset, limit, `page` object as in
 * Adobe's example) and `GET /data/core/ups/segment/definitions/{id}` (a bare object, no wrapper). The spec
 * file types the list response as a single SegmentDefinition; the documented example (a `segments` array
 * with `page` and `link`) is followed instead.
 */
import type { Ctx, Reply } from './http.js';
import { json } from './http.js';
import { orgId, sandboxName } from './flow-common.js';
import type { Audience, OrgWorld } from './model.js';
import type { World } from './world.js';

export function renderSegment(org: OrgWorld, audience: Audience, sandbox: string): Record<string, unknown> {
  return {
    id: audience.id,
    schema: { name: '_xdm.context.profile' },
    imsOrgId: org.orgId,
    sandbox: { sandboxId: org.sandboxId, sandboxName: sandbox, type: 'production', default: sandbox === 'prod' },
    name: audience.name,
    description: audience.description,
    expression: {
      type: 'PQL',
      format: 'pql/text',
      value: `workAndSchool.organization.equals("${audience.name}", false)`,
    },
    mergePolicyId: audience.mergePolicyId,
    evaluationInfo: {
      batch: { enabled: audience.evaluation === 'batch' },
      continuous: { enabled: audience.evaluation === 'continuous' },
      synchronous: { enabled: audience.evaluation === 'synchronous' },
    },
    dataGovernancePolicy: { excludeOptOut: true },
    creationTime: audience.creationTime,
    baselineTime: Math.floor(audience.updateTime / 1000),
    updateEpoch: Math.floor(audience.updateTime / 1000),
    updateTime: audience.updateTime,
  };
}

function notFound(id: string): Reply {
  // Body shape unconfirmed; modelled on Adobe's problem bodies with a UPS code.
  return json(404, {
    type: 'http://ns.adobe.com/aep/errors/UPS-1404-404',
    title: 'Not Found',
    status: 404,
    detail: `Segment definition ${id} not found`,
  });
}

function intParam(ctx: Ctx, name: string, fallback: number): number {
  const raw = ctx.query.get(name);
  const value = raw === null ? fallback : Number(raw);
  return Number.isInteger(value) && value >= 0 ? value : fallback;
}

export function listSegmentDefinitions(world: World) {
  return (ctx: Ctx): Reply => {
    const org = world.org(orgId(ctx));
    const limit = Math.min(Math.max(intParam(ctx, 'limit', 100), 1), 100);
    const start =
      ctx.query.has('page') && !ctx.query.has('start') ? intParam(ctx, 'page', 0) * limit : intParam(ctx, 'start', 0);
    const sorted = [...org.audiences].sort((a, b) => b.creationTime - a.creationTime);
    const page = sorted.slice(start, start + limit);
    const next =
      start + limit < sorted.length ? { next: `/segment/definitions?start=${start + limit}&limit=${limit}` } : {};
    return json(200, {
      segments: page.map((a) => renderSegment(org, a, sandboxName(ctx))),
      page: {
        totalCount: sorted.length,
        totalPages: Math.ceil(sorted.length / limit),
        sortField: 'creationTime',
        sort: 'desc',
        pageSize: page.length,
        limit,
      },
      link: next,
    });
  };
}

export function getSegmentDefinition(world: World) {
  return (ctx: Ctx): Reply => {
    const org = world.org(orgId(ctx));
    const audience = org.audiences.find((a) => a.id === ctx.params.id);
    return audience ? json(200, renderSegment(org, audience, sandboxName(ctx))) : notFound(ctx.params.id ?? '');
  };
}
