/**
 * The connection spec and flow spec catalogue (`GET /connectionSpecs`, `GET /flowSpecs`). Real ids where the
 * documents give them; the Experience Cloud Audiences ids are made up (see constants.ts).
 *
 * Where the ECA spec lists its target identities (chosen here, unconfirmed): `targetSpec.identityNamespaces`,
 * an object keyed by namespace (ECID, GAID, IDFA, email_lc_sha256), shaped like the Destination SDK's
 * `identityNamespaces`. Nowhere else, so a client that finds them has found the one place.
 */
import type { Ctx, Reply } from './http.js';
import { json } from './http.js';
import { listReply, notFound } from './flow-common.js';
import {
  ECA_CONNECTION_SPEC_ID,
  ECA_FLOW_SPEC_ID,
  ECA_NAME,
  ECA_TARGET_IDENTITIES,
  EVENT_HUBS_SPEC_ID,
  KINESIS_SPEC_ID,
  PROFILE_DESTINATIONS_FLOW_SPEC_ID,
  PROFILE_STORE_SPEC_ID,
  S3_SPEC_ID,
} from './constants.js';

const ADOBE_PROVIDER = '0ed90a81-07f4-4586-8190-b40eccef1c5a';
const DESTINATION_PROVIDER = '521eee4d-8cbe-4906-bb48-fb6bd4450033';

const permissions = {
  manage: [{ '@type': 'lowLevel', name: 'ManageDestinations', permissions: ['write'] }],
  view: [{ '@type': 'lowLevel', name: 'ViewDestinations', permissions: ['read'] }],
};

function destinationSpec(
  id: string,
  name: string,
  category: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    name,
    providerId: DESTINATION_PROVIDER,
    version: '1.0',
    authSpec: [],
    attributes: { category, isDestination: true, isSource: false, ...extra },
    permissionsInfo: permissions,
  };
}

function ecaSpec(): Record<string, unknown> {
  const spec = destinationSpec(ECA_CONNECTION_SPEC_ID, ECA_NAME, 'adobeSolutions', {
    exportType: 'Segment',
    frequency: 'Streaming',
  });
  const identityNamespaces = Object.fromEntries(
    ECA_TARGET_IDENTITIES.map((ns) => [ns, { acceptsAttributes: false, acceptsCustomNamespaces: false }]),
  );
  return {
    ...spec,
    authSpec: [{ name: 'No authentication', type: 'None', spec: {} }],
    targetSpec: { name: ECA_NAME, type: 'Segment', spec: { type: 'object', properties: {} }, identityNamespaces },
  };
}

export const CONNECTION_SPECS: Array<Record<string, unknown>> = [
  {
    id: PROFILE_STORE_SPEC_ID,
    name: 'Profile Store',
    providerId: ADOBE_PROVIDER,
    version: '1.0',
    authSpec: [],
    sourceSpec: { name: 'Profile Store', type: 'ProfileFragments', spec: { type: 'object' }, attributes: {} },
    attributes: { category: 'adobe', isSource: true },
    permissionsInfo: permissions,
  },
  ecaSpec(),
  destinationSpec(KINESIS_SPEC_ID, 'Amazon Kinesis', 'cloudStorage'),
  destinationSpec(EVENT_HUBS_SPEC_ID, 'Azure Event Hubs', 'cloudStorage'),
  destinationSpec(S3_SPEC_ID, 'Amazon S3', 'cloudStorage'),
];

export const FLOW_SPECS: Array<Record<string, unknown>> = [
  {
    id: ECA_FLOW_SPEC_ID,
    name: ECA_NAME,
    providerId: DESTINATION_PROVIDER,
    version: '1.0',
    sourceConnectionSpecIds: [PROFILE_STORE_SPEC_ID],
    targetConnectionSpecIds: [ECA_CONNECTION_SPEC_ID],
    attributes: { isSourceFlow: false, frequency: 'streaming' },
    permissionsInfo: permissions,
  },
  {
    id: PROFILE_DESTINATIONS_FLOW_SPEC_ID,
    name: 'Profile based destinations',
    providerId: DESTINATION_PROVIDER,
    version: '1.0',
    sourceConnectionSpecIds: [PROFILE_STORE_SPEC_ID],
    targetConnectionSpecIds: [KINESIS_SPEC_ID, EVENT_HUBS_SPEC_ID, S3_SPEC_ID],
    attributes: { isSourceFlow: false, frequency: 'streaming' },
    permissionsInfo: permissions,
  },
];

export function connectionSpecById(id: string): Record<string, unknown> | undefined {
  return CONNECTION_SPECS.find((s) => s.id === id);
}

export function flowSpecById(id: string): Record<string, unknown> | undefined {
  return FLOW_SPECS.find((s) => s.id === id);
}

export function listConnectionSpecs(ctx: Ctx): Reply {
  return listReply(ctx, 'connectionSpecs', CONNECTION_SPECS);
}

export function listFlowSpecs(ctx: Ctx): Reply {
  return listReply(ctx, 'flowSpecs', FLOW_SPECS);
}

export function getConnectionSpec(ctx: Ctx): Reply {
  const id = ctx.params.id ?? '';
  const spec = connectionSpecById(id);
  return spec ? json(200, { items: [spec] }) : notFound('connectionSpecs', id);
}
