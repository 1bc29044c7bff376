// The emulator as Customer Care on the way back: a resolved re-enable ticket turns legacy sharing on again for the
// org it names (the legacy data source's segments update after the propagation delay); a disabled flow sends
// nothing; re-enabling legacy sharing while the new flow is still enabled is recorded as a violation.
import { afterEach, describe, expect, it } from 'vitest';
import { LEGACY_DATA_SOURCE_NAME } from '../../src/emulator/index.js';
import { FS, ORG, OTHER_ORG, adf, start, waitFor, type Harness } from './helpers.js';
import { createFlow, stage } from './staging.js';

let h: Harness;
afterEach(async () => h.emu.close());

async function fileTicket(summary: string, org = ORG): Promise<string> {
  const body = {
    fields: { project: { key: 'CC' }, issuetype: { name: 'Task' }, summary, description: adf(`IMS org: ${org}`) },
  };
  return (await h.jira('POST', '/rest/api/3/issue', { body })).json.key as string;
}

async function disable(flowId: string): Promise<number> {
  const flow = (await h.aep('GET', `${FS}/flows/${flowId}`)).json.items[0];
  const res = await h.aep('POST', `${FS}/flows/${flowId}/action?op=disable`, { headers: { 'if-match': flow.etag } });
  return res.status;
}

describe('emulator: re-enabling legacy sharing', () => {
  it('a resolved re-enable ticket turns legacy sharing back on; legacy segments update later', async () => {
    h = await start({ timeScale: 0.05, delays: { aamPropagationMs: 2000, firstRunMs: 100_000 } });
    const stop = await fileTicket(`Deprovision legacy AEP segment sharing for org ${ORG}`);
    h.emu.control.resolveTicket(stop, { resolutiondate: '2026-03-04T05:00:00.000+0000' });
    const before = h.emu.world().aam.legacySegments;
    const back = await fileTicket(`Re-enable legacy AEP segment sharing for org ${ORG}`);
    h.emu.control.resolveTicket(back, { resolutiondate: '2026-03-05T06:00:00.000+0000' });
    expect(h.emu.world().legacySharing).toMatchObject({
      enabled: true,
      restoredAt: '2026-03-05T06:00:00.000Z',
      restoredByTicket: back,
    });
    expect(h.emu.world(OTHER_ORG).legacySharing.restoredAt).toBeNull();
    expect(h.emu.world().aam.legacySegments).toEqual(before); // not yet: propagation takes its delay
    const updated = await waitFor(() => {
      const s = h.emu.world().aam.legacySegments;
      return s.every((x) => x.updateTime > x.createTime) ? s : undefined;
    });
    const sources = (await h.aam('/v1/datasources/')).json as Array<{ name: string; dataSourceId: number }>;
    const legacy = sources.find((d) => d.name === LEGACY_DATA_SOURCE_NAME)!;
    const listed = (await h.aam(`/v1/segments/?dataSourceId=${legacy.dataSourceId}`)).json as Array<{
      updateTime: number;
    }>;
    expect(listed.map((s) => s.updateTime).sort()).toEqual(updated.map((s) => s.updateTime).sort());
    expect(h.emu.world().violations).toEqual([]);
  });

  it('a disabled flow sends nothing; re-enabling legacy while the flow is enabled is a violation', async () => {
    h = await start({ timeScale: 0.05, delays: { aamPropagationMs: 2000, firstRunMs: 2000 } });
    h.emu.control.resolveTicket(await fileTicket(`Deprovision legacy sharing for org ${ORG}`));
    const staged = await stage(h);
    const audiences = h.emu
      .world()
      .audiences.slice(0, 2)
      .map((a) => a.id);
    const disabled = await createFlow(h, staged, audiences);
    expect(await disable(disabled.id)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 250)); // past both delays (100 ms each, scaled)
    expect(h.emu.world().aam.ecaSegments).toEqual([]);
    expect(h.emu.world().runs).toEqual([]);
    expect(h.emu.world().flows[0]).toMatchObject({ state: 'disabled' });
    expect(h.emu.world().flows[0]!.updatedAt).toBeGreaterThanOrEqual(h.emu.world().flows[0]!.createdAt);

    const enabled = await createFlow(h, staged, audiences);
    h.emu.control.resolveTicket(await fileTicket(`Re-enable legacy sharing for org ${ORG}`));
    expect(h.emu.world().violations).toEqual([`legacy sharing re-enabled while flow ${enabled.id} was still enabled`]);
  });
});
