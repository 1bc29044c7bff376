// Builds the objects a migration stages (base connections, source and target connections) and the ECA flow.
import { ECA_CONNECTION_SPEC_ID, PROFILE_STORE_SPEC_ID } from '../../src/emulator/index.js';
import { FS, ORG, type Harness } from './helpers.js';

export interface Staged {
  ecaBaseId: string;
  profileBaseId: string;
  sourceId: string;
  targetId: string;
  flowSpecId: string;
}

async function created(h: Harness, path: string, body: unknown, org: string): Promise<string> {
  const res = await h.aep('POST', `${FS}${path}`, { body, org });
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.json.id as string;
}

export async function stage(h: Harness, org = ORG, marker = 'cutover-m1'): Promise<Staged> {
  const ecaBaseId = await created(
    h,
    '/connections',
    { name: `ECA ${marker}`, description: marker, connectionSpec: { id: ECA_CONNECTION_SPEC_ID, version: '1.0' } },
    org,
  );
  const profileBaseId = await created(
    h,
    '/connections',
    { name: `Profile ${marker}`, description: marker, connectionSpec: { id: PROFILE_STORE_SPEC_ID, version: '1.0' } },
    org,
  );
  const sourceId = await created(
    h,
    '/sourceConnections',
    {
      name: `Profile source ${marker}`,
      description: marker,
      baseConnectionId: profileBaseId,
      connectionSpec: { id: PROFILE_STORE_SPEC_ID, version: '1.0' },
      data: { format: 'json' },
      params: {},
    },
    org,
  );
  const targetId = await created(
    h,
    '/targetConnections',
    {
      name: `ECA target ${marker}`,
      description: marker,
      baseConnectionId: ecaBaseId,
      connectionSpec: { id: ECA_CONNECTION_SPEC_ID, version: '1.0' },
      data: { format: 'json' },
      params: {},
    },
    org,
  );
  const specs = await h.aep(
    'GET',
    `${FS}/flowSpecs?property=${encodeURIComponent(`targetConnectionSpecIds==${ECA_CONNECTION_SPEC_ID}`)}`,
    { org },
  );
  return { ecaBaseId, profileBaseId, sourceId, targetId, flowSpecId: specs.json.items[0].id as string };
}

export function flowBody(s: Staged, segmentIds: string[], name = 'ECA flow cutover-m1'): Record<string, unknown> {
  return {
    name,
    description: 'cutover',
    flowSpec: { id: s.flowSpecId, version: '1.0' },
    sourceConnectionIds: [s.sourceId],
    targetConnectionIds: [s.targetId],
    transformations: [
      {
        name: 'GeneralTransform',
        params: {
          profileSelectors: { selectors: [] },
          segmentSelectors: { selectors: segmentIds.map((id) => ({ type: 'PLATFORM_SEGMENT', value: { id } })) },
        },
      },
    ],
  };
}

export async function createFlow(
  h: Harness,
  s: Staged,
  segmentIds: string[],
  org = ORG,
): Promise<{ id: string; etag: string }> {
  const res = await h.aep('POST', `${FS}/flows`, { body: flowBody(s, segmentIds), org });
  if (res.status !== 201) throw new Error(`flow: ${res.status} ${res.text}`);
  return res.json as { id: string; etag: string };
}
