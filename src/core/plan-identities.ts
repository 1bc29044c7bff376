// The plan's identity mappings: an AEP namespace to one of the destination's target identities, and when a
// target may be hashed on activation.
import { IDENTITIES, type IdentityMapping, type IdentityName } from './types.js';
import { type Checker, isObj, join, nearest, type Obj } from './plan-fields.js';
import type { PlanDefaults } from './plan-defaults.js';
import { uniqueItems } from './plan-lists.js';

/** Identities that may be hashed on activation (applyHashing). */
export const HASHABLE_IDENTITIES: readonly IdentityName[] = ['phone_sha256', 'email_lc_sha256'];
/** In the beta table, but not listed for Experience Cloud Audiences by the GA documentation. */
const UNCONFIRMED_IDENTITIES: readonly IdentityName[] = ['phone_sha256', 'extern_id'];

function identityTarget(c: Checker, value: unknown, path: string): IdentityName | undefined {
  if (typeof value === 'string' && (IDENTITIES as readonly string[]).includes(value)) return value as IdentityName;
  const guess =
    typeof value === 'string'
      ? (IDENTITIES.find((i) => i.toLowerCase() === value.toLowerCase()) ?? nearest(value, IDENTITIES))
      : undefined;
  c.type(path, `one of ${IDENTITIES.join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}`, value);
  return undefined;
}

function mapping(c: Checker, item: unknown, path: string): IdentityMapping | undefined {
  if (!isObj(item)) return void c.type(path, 'an identity mapping {source, target, applyHashing?}', item);
  c.keys(item, path, ['source', 'target', 'applyHashing']);
  const source = c.str(item, 'source', path, {
    required: true,
    expected: 'an AEP identity namespace (e.g. "ECID", "Email")',
  });
  const target = identityTarget(c, item.target, join(path, 'target'));
  const hashing = item.applyHashing === undefined ? undefined : c.bool(item, 'applyHashing', path, false);
  if (hashing && target && !HASHABLE_IDENTITIES.includes(target)) {
    const expected = `applyHashing only with ${HASHABLE_IDENTITIES.join(' or ')}`;
    c.error(
      join(path, 'applyHashing'),
      `${join(path, 'applyHashing')} is true, but ${target} cannot be hashed on activation: ${expected}`,
      expected,
      `target ${target}`,
    );
  }
  if (target && UNCONFIRMED_IDENTITIES.includes(target)) {
    c.warn(
      join(path, 'target'),
      `${join(path, 'target')}: ${target} is in the beta table but not listed for Experience Cloud Audiences by the ` +
        'GA documentation; preflight checks the live spec',
      'ECID, GAID, IDFA or email_lc_sha256',
      target,
    );
  }
  if (source === undefined || target === undefined) return undefined;
  return { source, target, ...(hashing !== undefined ? { applyHashing: hashing } : {}) };
}

export function identities(c: Checker, input: Obj, d: PlanDefaults): IdentityMapping[] {
  const expected = 'a non-empty array of identity mappings {source, target, applyHashing?} (omit it for ECID -> ECID)';
  const list = c.array(input, 'identities', '', expected);
  if (!list) return d.identities.map((m) => ({ ...m }));
  if (list.length === 0) {
    c.type('identities', expected, list);
    return [];
  }
  return uniqueItems(
    c,
    'identities',
    list,
    (v, p) => mapping(c, v, p),
    (m) => `${m.source} -> ${m.target}`,
  );
}
