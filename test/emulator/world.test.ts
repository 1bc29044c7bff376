// The simulated world: resolving the ticket stops legacy sharing; the ECA flow makes audiences appear in
// Audience Manager after the delay; counters and violations; auto-resolve; reset.
import { afterEach, describe, expect, it } from 'vitest';
import { ECA_DATA_SOURCE_NAME } from '../../src/emulator/index.js';
import { FS, ORG, OTHER_ORG, adf, start, waitFor, type Harness } from './helpers.js';
import { createFlow, stage } from './staging.js';

let h: Harness;
afterEach(async () => h.emu.close());

async function fileTicket(harness: Harness, org: string, label: string): Promise<string> {
  const res = await harness.jira('POST', '/rest/api/3/issue', {
    body: {
      fields: {
        project: { key: 'CC' },
        issuetype: { name: 'Task' },
        summary: 'Please disable legacy audience sharing',
        description: adf(`IMS org: ${org}`),
        labels: [label],
      },
    },
  });
  return res.json.key as string;
}

describe('world simulation', () => {
  it('resolving a ticket (control API) stops legacy sharing for the org it names, at the resolution instant', async () => {
    h = await start();
    const key = await fileTicket(h, ORG, 'cutover-w1');
    expect(h.emu.world(ORG).legacySharing.enabled).toBe(true);
    expect(h.emu.world(ORG).tickets.map((t) => t.key)).toEqual([key]);
    const res = await h.control('POST', `/tickets/${key}/resolve`, { resolutiondate: '2026-03-04T05:06:07.890+0100' });
    expect(res.status).toBe(200);
    const legacy = h.emu.world(ORG).legacySharing;
    expect(legacy).toMatchObject({ enabled: false, stoppedByTicket: key, stoppedAt: '2026-03-04T04:06:07.890Z' });
    expect(h.emu.world(OTHER_ORG).legacySharing.enabled).toBe(true);
    // Reopening does not turn the pipe back on (only Adobe does that, by another ticket).
    await h.control('POST', `/tickets/${key}/reopen`);
    expect(h.emu.world(ORG).tickets[0]!.statusCategory).toBe('new');
    expect(h.emu.world(ORG).legacySharing.enabled).toBe(false);
  });

  it('a Jira transition to Done has the same effect', async () => {
    h = await start();
    const key = await fileTicket(h, OTHER_ORG, 'cutover-w2');
    await h.jira('POST', `/rest/api/3/issue/${key}/transitions`, { body: { transition: { id: '31' } } });
    expect(h.emu.world(OTHER_ORG).legacySharing.enabled).toBe(false);
  });

  it('auto-resolves new tickets after autoResolveAfterMs × timeScale', async () => {
    h = await start({ autoResolveAfterMs: 1000, timeScale: 0.05 });
    const key = await fileTicket(h, ORG, 'cutover-w3');
    await waitFor(() => (h.emu.world(ORG).legacySharing.enabled ? undefined : true), 3000);
    const issue = await h.jira('GET', `/rest/api/3/issue/${key}?fields=status,resolutiondate`);
    expect(issue.json.fields.status.statusCategory.key).toBe('done');
  });

  it('creating the ECA flow makes its audiences appear in "Experience Platform Segments" after the delay', async () => {
    h = await start({ timeScale: 0.05, delays: { aamPropagationMs: 4000, firstRunMs: 2000 } });
    const key = await fileTicket(h, ORG, 'cutover-w4');
    h.emu.control.resolveTicket(key);
    const staged = await stage(h);
    const selected = h.emu
      .world()
      .audiences.slice(0, 3)
      .map((a) => a.id);
    const started = Date.now();
    const flow = await createFlow(h, staged, selected);
    expect(h.emu.world().aam.ecaSegments).toEqual([]);
    const segments = await waitFor(() => {
      const found = h.emu.world().aam.ecaSegments;
      return found.length === 3 ? found : undefined;
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(segments.map((s) => s.integrationCode).sort()).toEqual([...selected].sort());
    const sources = (await h.aam('/v1/datasources/')).json as Array<{ name: string; dataSourceId: number }>;
    const eca = sources.find((d) => d.name === ECA_DATA_SOURCE_NAME)!;
    const listed = (await h.aam(`/v1/segments/?dataSourceId=${eca.dataSourceId}`)).json as Array<{
      integrationCode: string;
    }>;
    expect(listed.map((s) => s.integrationCode).sort()).toEqual([...selected].sort());
    expect(h.emu.world().runs.map((r) => r.flowId)).toEqual([flow.id]);
    expect(h.emu.world().violations).toEqual([]);

    // Audiences added later by PATCH propagate too.
    const more = h.emu.world().audiences[3]!.id;
    await h.aep('PATCH', `${FS}/flows/${flow.id}`, {
      body: [
        {
          op: 'add',
          path: '/transformations/0/params/segmentSelectors/selectors/-',
          value: { type: 'PLATFORM_SEGMENT', value: { id: more } },
        },
      ],
      headers: { 'if-match': flow.etag },
    });
    await waitFor(() => (h.emu.world().aam.ecaSegments.some((s) => s.integrationCode === more) ? true : undefined));
  });

  it('records a violation when the ECA flow is created while legacy sharing is still on', async () => {
    h = await start();
    const staged = await stage(h);
    await createFlow(h, staged, []);
    expect(h.emu.world().violations).toHaveLength(1);
    expect(h.emu.world().violations[0]).toMatch(/legacy sharing was still on/);
  });
});

describe('control world state', () => {
  it('counts requests per route (per org and globally), so tests can prove there were no duplicates', async () => {
    h = await start();
    await stage(h);
    await h.aep('GET', `${FS}/flows`, { org: OTHER_ORG });
    const res = await h.control('GET', `/world?org=${encodeURIComponent(ORG)}`);
    expect(res.status).toBe(200);
    expect(res.json.counters.requests['flow.connections.create']).toBe(2);
    expect(res.json.counters.requests['flow.sourceConnections.create']).toBe(1);
    expect(res.json.counters.requests['flow.flows.list']).toBeUndefined();
    expect(res.json.globalCounters.requests['flow.flows.list']).toBe(1);
    expect(res.json.globalCounters.requests['ims.token']).toBe(1);
    expect(res.json.connections.base).toHaveLength(2);
    expect(res.json.connections.source).toHaveLength(1);
    expect(res.json.connections.target).toHaveLength(1);
    expect(res.json.legacySharing).toEqual({
      enabled: true,
      stoppedAt: null,
      stoppedAtMs: null,
      stoppedByTicket: null,
      restoredAt: null,
      restoredAtMs: null,
      restoredByTicket: null,
    });
  });

  it('reset forgets objects, tokens and counters; latency delays vendor calls', async () => {
    h = await start();
    await stage(h);
    await h.control('POST', '/latency', { ms: 150 });
    const t0 = Date.now();
    await h.aep('GET', `${FS}/flows`);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    await h.control('POST', '/reset');
    expect(h.emu.world().connections.base).toEqual([]);
    expect(h.emu.world().globalCounters.requests).toEqual({});
    expect((await h.aep('GET', `${FS}/flows`)).status).toBe(401);
  });
});
