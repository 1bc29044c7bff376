/**
 * Deterministic seeding of one org from `seed` + org id, on first use, so hundreds of orgs need no set-up.
 * Each org gets N audiences, a legacy Audience Manager data source whose traits and segments carry the AEP
 * segment ids as integration codes (legacy sharing on), and an empty "Experience Platform Segments" source.
 */
import { ECA_DATA_SOURCE_NAME, LEGACY_DATA_SOURCE_NAME } from './constants.js';
import { seedNamespaces } from './identity.js';
import type { AamDataSource, AamSegment, AamTrait, Audience, OrgWorld } from './model.js';
import { createRng, hashString, randomInt, seededUuid, type Rng } from './rng.js';

const AUDIENCE_NAMES = [
  'Loyal customers',
  'Cart abandoners',
  'High-value prospects',
  'Newsletter subscribers',
  'Lapsed buyers',
  'Mobile app users',
  'Store visitors',
  'Premium members',
  'Holiday shoppers',
  'Trial users',
  'Churn risk',
  'Frequent travellers',
  'New registrants',
  'Discount seekers',
] as const;

/** Seeded objects are dated from here, never from the clock, so two runs produce the same world. */
const SEED_EPOCH_MS = Date.UTC(2025, 0, 6, 9, 0, 0);
const DAY_MS = 86_400_000;

export const LEGACY_TRAIT_FOLDER = 'Experience Platform Traits';
export const LEGACY_SEGMENT_FOLDER = 'Experience Platform Segments';

function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function seedAudiences(rng: Rng, count: number): Audience[] {
  const names = shuffled(rng, AUDIENCE_NAMES).slice(0, count);
  const mergePolicyId = seededUuid(rng);
  return names.map((name, i) => {
    const creationTime = SEED_EPOCH_MS + randomInt(rng, 0, 200) * DAY_MS + i * 1000;
    return {
      id: seededUuid(rng),
      name,
      description: `${name} (seeded audience)`,
      creationTime,
      updateTime: creationTime + randomInt(rng, 0, 30) * DAY_MS,
      mergePolicyId,
      evaluation: rng() < 0.6 ? 'continuous' : 'batch',
    };
  });
}

function dataSource(id: number, name: string, code: string): AamDataSource {
  return { dataSourceId: id, name, description: name, integrationCode: code, createTime: SEED_EPOCH_MS - 400 * DAY_MS };
}

/** Legacy sharing: every shared audience becomes one onboarded trait and a one-trait segment in AAM. */
function seedLegacyInventory(world: OrgWorld, rng: Rng, legacyId: number): void {
  const shared = world.audiences.filter((_, i) => i === 0 || rng() < 0.85);
  for (const audience of shared) {
    const trait: AamTrait = {
      sid: world.aam.nextSid++,
      name: audience.name,
      description: audience.description,
      dataSourceId: legacyId,
      folderId: 1,
      integrationCode: audience.id,
      traitRule: `segID=="${audience.id}"`,
      createTime: audience.creationTime + 3_600_000,
    };
    const segment: AamSegment = {
      sid: world.aam.nextSid++,
      name: audience.name,
      description: audience.description,
      dataSourceId: legacyId,
      folderId: 2,
      integrationCode: audience.id,
      segmentRule: `${trait.sid}T`,
      createTime: trait.createTime,
    };
    world.aam.traits.push(trait);
    world.aam.segments.push(segment);
  }
}

export function seedOrg(seed: number, orgId: string): OrgWorld {
  const rng = createRng(hashString(`${seed}:${orgId}`));
  const legacyId = randomInt(rng, 100_000, 199_999);
  const world: OrgWorld = {
    orgId,
    sandboxId: seededUuid(rng),
    pid: randomInt(rng, 1000, 9999),
    audiences: seedAudiences(rng, randomInt(rng, 6, 10)),
    namespaces: seedNamespaces(),
    connections: [],
    sourceConnections: [],
    targetConnections: [],
    flows: [],
    runs: [],
    aam: {
      dataSources: [
        dataSource(legacyId - 7, 'First-party web data', 'web_1p'),
        dataSource(legacyId, LEGACY_DATA_SOURCE_NAME, 'aep_audience_sharing'),
        dataSource(legacyId + 1, ECA_DATA_SOURCE_NAME, 'aep_segments'),
      ],
      traits: [],
      segments: [],
      nextSid: randomInt(rng, 10_000_000, 19_999_999),
    },
    legacy: { enabled: true, stoppedAt: null, stoppedByTicket: null },
    counters: { requests: {}, faults: {} },
    violations: [],
  };
  seedLegacyInventory(world, rng, legacyId);
  return world;
}

export function legacyDataSource(world: OrgWorld): AamDataSource {
  return findDataSource(world, LEGACY_DATA_SOURCE_NAME);
}

export function ecaDataSource(world: OrgWorld): AamDataSource {
  return findDataSource(world, ECA_DATA_SOURCE_NAME);
}

function findDataSource(world: OrgWorld, name: string): AamDataSource {
  const found = world.aam.dataSources.find((d) => d.name === name);
  if (!found) throw new Error(`seeded data source missing: ${name}`);
  return found;
}
