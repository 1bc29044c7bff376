// Identity Service: every org lists Adobe's standard identity namespaces and its own custom one, as the bare
// array of Adobe's "List available identity namespaces" example.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_ORG, start, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await start({ seed: 7 });
});
afterAll(async () => h.emu.close());

describe('GET /data/core/idnamespace/identities', () => {
  it('answers a bare array of namespaces with the documented fields, standard and custom', async () => {
    const res = await h.aep('GET', '/data/core/idnamespace/identities');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.json)).toBe(true);
    const byCode = new Map(res.json.map((n: { code: string }) => [n.code, n]));
    for (const code of ['CORE', 'ECID', 'Email', 'Phone', 'GAID', 'IDFA', 'Email_LC_SHA256', 'Phone_SHA256', 'CRMID']) {
      expect(byCode.get(code), code).toMatchObject({ code, status: 'ACTIVE' });
    }
    expect(byCode.get('ECID')).toEqual({
      id: 4,
      code: 'ECID',
      name: 'ECID',
      description: 'ECID Namespace',
      idType: 'COOKIE',
      status: 'ACTIVE',
      custom: false,
      createTime: expect.any(Number),
      updateTime: expect.any(Number),
    });
    expect(byCode.get('CRMID')).toMatchObject({ custom: true });
  });

  it('serves each org its own list, and only to an authenticated caller', async () => {
    const other = await h.aep('GET', '/data/core/idnamespace/identities', { org: OTHER_ORG });
    expect(other.status).toBe(200);
    expect(other.json.map((n: { code: string }) => n.code)).toContain('ECID');
    const anonymous = await h.call('GET', '/data/core/idnamespace/identities');
    expect(anonymous.status).toBe(401);
  });
});
