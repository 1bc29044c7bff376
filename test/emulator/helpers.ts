// Shared set-up for the emulator tests: real HTTP over sockets with fetch, nothing mocked.
import { DEMO_CREDENTIALS, startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';

export const FS = '/data/foundation/flowservice';
export const ORG: string = DEMO_CREDENTIALS.orgId;
export const OTHER_ORG: string = '0123456789ABCDEF01234567@AdobeOrg';

export interface Harness {
  emu: Emulator;
  token: string;
  /** Fetch against the emulator; `body` objects are sent as JSON. */
  call(method: string, path: string, init?: CallInit): Promise<Called>;
  aep(method: string, path: string, init?: CallInit & { org?: string }): Promise<Called>;
  aam(path: string, init?: CallInit & { org?: string }): Promise<Called>;
  jira(method: string, path: string, init?: CallInit): Promise<Called>;
  control(method: string, path: string, body?: unknown): Promise<Called>;
}

export interface CallInit {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface Called {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read vendor answers of every shape
  json: any;
}

export async function start(options: EmulatorOptions = {}): Promise<Harness> {
  const emu = await startEmulator({ timeScale: 0.02, ...options });
  const call = async (method: string, path: string, init: CallInit = {}): Promise<Called> => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      if (typeof init.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
    }
    const res = await fetch(`${emu.url}${path}`, { method, headers, body, signal: init.signal });
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  const token = await issueToken(call);
  const jiraAuth = (): Record<string, string> =>
    emuFlavor(emu) === 'dc'
      ? { authorization: `Bearer ${DEMO_CREDENTIALS.jiraToken}` }
      : {
          authorization: `Basic ${Buffer.from(`${DEMO_CREDENTIALS.jiraEmail}:${DEMO_CREDENTIALS.jiraToken}`).toString('base64')}`,
        };
  return {
    emu,
    token,
    call,
    aep: (method, path, init = {}) =>
      call(method, path, { ...init, headers: { ...aepHeaders(token, init.org ?? ORG), ...(init.headers ?? {}) } }),
    aam: (path, init = {}) =>
      call('GET', path, { ...init, headers: { ...aepHeaders(token, init.org ?? ORG), ...(init.headers ?? {}) } }),
    jira: (method, path, init = {}) =>
      call(method, path, { ...init, headers: { ...jiraAuth(), ...(init.headers ?? {}) } }),
    control: (method, path, body) => call(method, `/_emulator${path}`, body === undefined ? {} : { body }),
  };
}

let flavors = new WeakMap<Emulator, 'cloud' | 'dc'>();
export function setFlavor(emu: Emulator, flavor: 'cloud' | 'dc'): void {
  flavors.set(emu, flavor);
  emu.control.setJiraFlavor(flavor);
}
function emuFlavor(emu: Emulator): 'cloud' | 'dc' {
  return flavors.get(emu) ?? 'cloud';
}
export function resetFlavors(): void {
  flavors = new WeakMap();
}

export function aepHeaders(token: string, org: string): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    'x-api-key': DEMO_CREDENTIALS.apiKey,
    'x-gw-ims-org-id': org,
    'x-sandbox-name': 'prod',
  };
}

export async function issueToken(call: Harness['call']): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: DEMO_CREDENTIALS.clientId,
    client_secret: DEMO_CREDENTIALS.clientSecret,
    scope: 'openid,AdobeID,read_organizations',
  });
  const res = await call('POST', '/ims/token/v3', {
    body: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
  return res.json.access_token as string;
}

export const adf = (text: string) => ({
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
});

export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('waitFor timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
