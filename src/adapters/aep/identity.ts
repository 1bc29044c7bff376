// Identity Service (https://platform.adobe.io/data/core/idnamespace): the org's identity namespaces. The list
// is a bare JSON array (no paging); `custom: false` marks Adobe's standard namespaces.
import type { IdentityNamespace } from '../../ports.js';
import type { HttpClient } from '../http/client.js';
import type { Raw } from './flow-service.js';

export const IDENTITY_PATH = '/data/core/idnamespace';

export function toNamespace(raw: Raw): IdentityNamespace | null {
  if (typeof raw.code !== 'string' || raw.code === '') return null;
  return {
    code: raw.code,
    id: Number(raw.id),
    status: typeof raw.status === 'string' ? raw.status : 'ACTIVE',
    custom: raw.custom === true,
  };
}

export class IdentityClient {
  constructor(private readonly http: HttpClient) {}

  async listNamespaces(): Promise<IdentityNamespace[]> {
    const body = await this.http.json<unknown>({ method: 'GET', path: `${IDENTITY_PATH}/identities` });
    if (!Array.isArray(body)) {
      const what = 'something other than a list of namespaces';
      throw new Error(`the Identity Service answered GET /idnamespace/identities with ${what}`);
    }
    return body.flatMap((raw) => {
      const ns = typeof raw === 'object' && raw !== null ? toNamespace(raw as Raw) : null;
      return ns ? [ns] : [];
    });
  }
}
