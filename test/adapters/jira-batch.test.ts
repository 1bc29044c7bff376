// Batched status reads against Atlassian's OpenAPI document: the client's search/jql requests use only documented
// query parameters and fields, and the emulator's answers (key in (...), field selection, the 400 for a deleted
// key) are valid SearchAndReconcileResults / ErrorCollection bodies.
import { afterEach, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/clock.js';
import { createServices } from '../../src/adapters/services.js';
import { validateConfig } from '../../src/core/config.js';
import { emulatorEnv, startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { Logger } from '../../src/ports.js';
import { findOperation, validateResponse } from '../support/openapi.js';
import { itWithSpecs } from '../support/specs.js';

const SPEC = 'jira-cloud-platform-v3.json';
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
let emu: Emulator | null = null;
afterEach(async () => {
  await emu?.close();
  emu = null;
});

/** A tracker on a fresh emulator (a budget well above what a test sends) and `n` tickets filed on it. */
async function trackerWithTickets(n: number, fetchImpl?: typeof fetch) {
  const started = await startEmulator({ port: 0 });
  emu = started;
  const { config } = validateConfig({ ...emulatorEnv(started.url), CUTOVER_JIRA_RATE: '1000' });
  const services = createServices(config, {
    logger: quiet,
    clock: systemClock,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const ticket = { projectKey: 'CC', issueType: 'Task', summary: `t${i}`, description: 'x', labels: [] };
    keys.push((await services.tracker.create(ticket)).key);
  }
  return { control: started.control, tracker: services.tracker, keys };
}

interface Seen {
  url: URL;
  status: number;
  body: unknown;
}

itWithSpecs('batch search requests and answers follow the Jira Cloud v3 document', async () => {
  const seen: Seen[] = [];
  const recording: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(String(input));
    if (url.pathname.endsWith('/search/jql')) seen.push({ url, status: res.status, body: await res.clone().json() });
    return res;
  };
  const { control, tracker, keys } = await trackerWithTickets(5, recording);
  control.resolveTicket(keys[1]!);
  control.deleteTicket(keys[2]!);
  const read = await tracker.prefetch(keys, Date.now() + 60_000);
  expect(read.missing).toEqual([keys[2]]);

  const operation = findOperation(SPEC, 'GET', '/rest/api/3/search/jql');
  expect(operation).not.toBeNull();
  const documented = new Set((operation!.operation.parameters as { name: string }[]).map((p) => p.name));
  expect(seen.map((s) => s.status)).toEqual([400, 200]);
  for (const s of seen) {
    for (const name of s.url.searchParams.keys()) expect(documented, `query parameter ${name}`).toContain(name);
    expect(s.url.searchParams.get('fields')).toBe('status,resolution,resolutiondate,updated');
    expect(Number(s.url.searchParams.get('maxResults'))).toBeLessThanOrEqual(100);
    expect(validateResponse(SPEC, 'GET', '/rest/api/3/search/jql', s.status, s.body)).toEqual({ ok: true, errors: [] });
  }
  expect(seen[0]!.body).toEqual({
    errorMessages: [`An issue with key '${keys[2]}' does not exist for field 'key'.`],
    errors: {},
  });
  const issues = (seen[1]!.body as { issues: { key: string; fields: Record<string, unknown> }[] }).issues;
  expect(issues.map((i) => i.key).sort()).toEqual(keys.filter((k) => k !== keys[2]).sort());
  for (const issue of issues) {
    expect(Object.keys(issue.fields).sort()).toEqual(['resolution', 'resolutiondate', 'status', 'updated']);
  }
});

it('a batch read returns its done tickets earliest resolved first, with Jira’s resolution instants', async () => {
  const { control, tracker, keys } = await trackerWithTickets(4);
  const resolvedAt = new Map<string, number>();
  for (const key of [keys[3]!, keys[0]!, keys[2]!]) {
    const view = control.resolveTicket(key);
    resolvedAt.set(key, Date.parse(view.resolutiondate!.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')));
    await new Promise((r) => setTimeout(r, 5));
  }
  const read = await tracker.prefetch!(keys, Date.now() + 60_000);
  expect(read.done).toEqual([keys[3], keys[0], keys[2]].map((key) => ({ key, resolvedAt: resolvedAt.get(key!) })));
});

it('a batch read reports each page of 100 keys as it is answered, its statuses already left for the polls', async () => {
  const { control, tracker, keys } = await trackerWithTickets(150);
  control.resolveTicket(keys[7]!);
  const pages: { keys: number; done: string[]; firstTaken: boolean | undefined }[] = [];
  const read = await tracker.prefetch!(keys, Date.now() + 60_000, (page) => {
    const taken = tracker.takeKnownStatus?.(page.keys[0]!, Date.now());
    pages.push({ keys: page.keys.length, done: page.done.map((d) => d.key), firstTaken: taken?.resolved });
  });
  expect(pages).toEqual([
    { keys: 100, done: [keys[7]], firstTaken: false },
    { keys: 50, done: [], firstTaken: false },
  ]);
  expect(read).toMatchObject({ found: 150, requests: 2, done: [{ key: keys[7] }] });
});
