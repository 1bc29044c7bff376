/**
 * Identity Service: `GET /data/core/idnamespace/identities`, the org's identity namespaces as a bare JSON array
 * (Adobe's "List available identity namespaces" example). Every org has Adobe's standard namespaces
 * (`custom: false`) and one custom CRMID namespace. Ids of the standard ones are those Adobe documents (the
 * Privacy Service appendix) where it does; the others are the emulator's own.
 */
import type { Ctx, Reply } from './http.js';
import { json } from './http.js';
import { orgId } from './flow-common.js';
import type { IdentityNamespace } from './model.js';
import type { World } from './world.js';

/** Seeded namespaces are dated from here, never from the clock. */
const NAMESPACE_EPOCH_MS = Date.UTC(2015, 8, 1, 12, 0, 0);

type Seed = [id: number, code: string, name: string, idType: IdentityNamespace['idType'], custom?: boolean];
const SEEDS: readonly Seed[] = [
  [0, 'CORE', 'CORE', 'COOKIE'],
  [4, 'ECID', 'ECID', 'COOKIE'],
  [6, 'Email', 'Email', 'EMAIL'],
  [7, 'Phone', 'Phone', 'PHONE'],
  [8, 'WAID', 'Windows AID', 'DEVICE'],
  [9, 'TNTID', 'TNTID', 'CROSS_DEVICE'],
  [11, 'Email_LC_SHA256', 'Emails (SHA256, lowercased)', 'EMAIL_LC_SHA256'],
  [12, 'Phone_SHA256', 'Phone (SHA256)', 'PHONE_SHA256'],
  [411, 'AdCloud', 'AdCloud', 'COOKIE'],
  [20914, 'GAID', 'Google Ad ID (GAID)', 'DEVICE'],
  [20915, 'IDFA', 'Apple IDFA (ID for Advertisers)', 'DEVICE'],
  [34001, 'CRMID', 'CRM ID', 'CROSS_DEVICE', true],
];

export function seedNamespaces(): IdentityNamespace[] {
  return SEEDS.map(([id, code, name, idType, custom = false], i) => ({
    id,
    code,
    name,
    description: custom ? `${name} (custom namespace of this org)` : `${name} Namespace`,
    idType,
    status: 'ACTIVE',
    custom,
    createTime: NAMESPACE_EPOCH_MS + i * 86_400_000,
    updateTime: NAMESPACE_EPOCH_MS + i * 86_400_000,
  }));
}

export function listNamespaces(world: World) {
  return (ctx: Ctx): Reply => {
    const org = world.org(orgId(ctx));
    return json(
      200,
      org.namespaces.map((n) => ({ ...n })),
    );
  };
}
