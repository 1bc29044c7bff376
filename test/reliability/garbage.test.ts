// Garbage from the services: an HTML error page, a JSON answer cut in half after the write landed, and
// answers with wrong types or missing fields. Each must park the migration with a message naming the
// service (exit 3, needs attention), leave the database intact, and resume to exactly one of everything
// once the garbage stops.
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.js';
import { describeRun } from './harness/cli.js';
import { recordFigure } from './harness/figures.js';
import { startProxy, type Mangle, type Proxy as ManglingProxy } from './harness/proxy.js';
import { createMigration, customerCare, resumeUntilDone, startRig, type Rig } from './harness/rig.js';
import { expectCompleted, integrityCheck, readRecord } from './harness/world.js';

let rig: Rig | null = null;
let proxy: ManglingProxy | null = null;
afterEach(async () => {
  await proxy?.close();
  await rig?.close();
  rig = proxy = null;
});

/** No HTTP-level retries and two machine attempts: garbage reaches needs_attention in seconds. */
const QUICK = { CUTOVER_HTTP_RETRIES: '0' };

async function parkThenRecover(
  r: Rig,
  message: RegExp,
  lift: () => void,
  extra: Record<string, string> = {},
): Promise<void> {
  const id = await createMigration(r, (plan) => (plan.polling.maxAttempts = 2));
  const stop = customerCare(r.emulator);
  try {
    const parked = await r.cli(['resume', id, '--follow'], { ...QUICK, ...extra });
    expect(parked.code, describeRun(parked)).toBe(3);
    expect(parked.stderr).toMatch(message);
    expect(integrityCheck(r.db)).toBe('ok');
    const { record, journal } = await readRecord(r.db, id);
    expect(record.status).toBe('needs_attention');
    expect(journal).toBeGreaterThan(3);
    recordFigure('garbage', { message: parked.stderr.match(/needs attention: (.*)/)?.[1] ?? '' });
    lift();
    const retried = await r.cli(['retry', id, '--reason', 'reliability: garbage stopped'], extra);
    expect([0, 6], describeRun(retried)).toContain(retried.code);
    const runs = await resumeUntilDone(r, id, extra);
    expect(runs.at(-1)!.code, runs.map(describeRun).join('\n')).toBe(0);
  } finally {
    stop();
  }
  await expectCompleted(r.emulator, r.db, id);
}

describe('garbage from the emulator', () => {
  it('an HTML 502 page from the target connection create', async () => {
    rig = await startRig();
    const fault = rig.emulator.control.addFault({ kind: 'html', route: 'flow.targetConnections.create' });
    await parkThenRecover(
      rig,
      /needs attention: SERVER_ERROR: aep: POST \S+\/targetConnections failed: HTTP 502: .*HTML page/,
      () => rig!.emulator.control.clearFaults(),
    );
    expect(fault).toBeTruthy();
  });

  it('a JSON answer cut in half after the source connection was created', async () => {
    rig = await startRig();
    rig.emulator.control.addFault({ kind: 'truncated', route: 'flow.sourceConnections.create', times: 1 });
    await parkThenRecover(
      rig,
      /needs attention: \w+: aep: POST \S+\/sourceConnections failed: .*unexpected response: invalid JSON/,
      () => {},
    );
  });
});

describe('garbage with wrong types or missing fields (mangling proxy)', () => {
  const mangles: Array<[string, Mangle, RegExp, 'platform' | 'jira']> = [
    [
      'a flow without createdAt',
      {
        method: 'GET',
        path: /\/flows\/[^/]+$/,
        rewrite: (b) => ({ items: (b.items as Record<string, unknown>[]).map(({ createdAt: _c, ...f }) => f) }),
      },
      /needs attention: \w+: aep: GET \S+\/flows\/\S+ failed: .*createdAt/,
      'platform',
    ],
    [
      'a connection create answering a numeric id',
      { method: 'POST', path: /\/connections$/, rewrite: (b) => ({ ...b, id: 12345 }) },
      /needs attention: \w+: aep: POST \S+\/connections failed: .*id/,
      'platform',
    ],
    [
      'a Jira issue without its created field',
      {
        method: 'GET',
        path: /\/issue\/[A-Z]+-\d+$/,
        rewrite: (b) => ({ ...b, fields: { ...(b.fields as object), created: undefined } }),
      },
      /needs attention: \w+: jira: GET \S+\/issue\/\S+ failed: .*created/,
      'jira',
    ],
  ];
  it.each(mangles)('%s', async (_name, mangle, message, service) => {
    rig = await startRig();
    proxy = await startProxy(rig.emulator.url, mangle);
    const extra: Record<string, string> = {
      [service === 'platform' ? 'CUTOVER_PLATFORM_URL' : 'CUTOVER_JIRA_URL']: proxy.url,
    };
    await parkThenRecover(rig, message, () => proxy!.lift(), extra);
    expect(proxy.mangled).toBeGreaterThan(0);
    expect(rig.emulator.world(DEMO_CREDENTIALS.orgId).violations).toEqual([]);
  });
});

describe('a Jira resolutiondate of the wrong type', () => {
  // Documented fallback, not an error: the resolution time is then read from the changelog's Done transition,
  // which the emulator records at the same instant.
  it('falls back to the changelog and still records the true instant', async () => {
    rig = await startRig();
    proxy = await startProxy(rig.emulator.url, {
      method: 'GET',
      path: /\/issue\/[A-Z]+-\d+$/,
      rewrite: (b) => ({ ...b, fields: { ...(b.fields as object), resolutiondate: 1234 } }),
    });
    const id = await createMigration(rig);
    const stop = customerCare(rig.emulator);
    const runs = await resumeUntilDone(rig, id, { CUTOVER_JIRA_URL: proxy.url }, 1).finally(stop);
    expect(runs[0]!.code, describeRun(runs[0]!)).toBe(0);
    const record = await expectCompleted(rig.emulator, rig.db, id);
    expect(record.marks.legacy_stopped?.source).not.toBe('jira.resolutiondate');
  });
});
