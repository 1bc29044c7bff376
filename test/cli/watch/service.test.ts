// `cutover watch --listen` as a support team runs it: /metrics parsed by a strict exposition-format parser on
// every answer, counters that move by what really happened in a demo migration, /healthz that turns 503 while
// the store's folder is gone and 200 when it is back, JSON logs, and the drain on SIGTERM.
import { renameSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emulatorEnv } from '../../../src/emulator/index.js';
import { parsePrometheusText, total, type Family } from '../../support/prom-text.js';
import { countingProxy, type CountingProxy } from './counting-proxy.js';
import { deliver, orgId, runWatch, until, watchRig, type WatchRig } from './emulator-harness.js';
import { spawnWatch } from './spawned-watch.js';

let rig: WatchRig | null = null;
let proxy: CountingProxy | null = null;
afterEach(async () => {
  await proxy?.close();
  proxy = null;
  await rig?.close();
  rig = null;
});

async function scrape(base: string): Promise<Map<string, Family>> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const statusOf = async (url: string) => (await fetch(url)).status;

async function waitingTicket(r: WatchRig, id: string): Promise<string> {
  return until(async () => {
    const m = await r.store.get(id);
    return m?.status === 'waiting' && m.ticketKey ? m.ticketKey : undefined;
  });
}

describe('cutover watch --listen', () => {
  it('serves metrics whose counters move by what happened in one migration, on the webhook port', async () => {
    const org = orgId(801);
    rig = await watchRig([org]);
    const r = rig;
    proxy = await countingProxy(r.emu.url);
    Object.assign(r.env, emulatorEnv(proxy.url));
    const id = await r.create(org);
    const port = await freePort();
    const args = ['--webhook-port', String(port), '--listen', `127.0.0.1:${port}`, '--log-format', 'json'];
    const watch = runWatch(r, args);
    const base = await until(() => /"message":"service listening on (\S+) /.exec(watch.stderr())?.[1]);
    // One port: the webhook receiver serves the service routes too.
    const url = base;
    expect(base).toBe(`http://127.0.0.1:${port}`);
    const key = await waitingTicket(r, id);
    await until(async () => total(await scrape(base), 'cutover_drives_running') === 0);
    const before = await scrape(base);
    const sentBefore = proxy.count();
    expect(total(before, 'cutover_migrations', { status: 'waiting' })).toBe(1);
    expect(total(before, 'cutover_tickets_waiting')).toBe(1);
    expect(total(before, 'cutover_vendor_requests_total')).toBe(sentBefore);

    // Two 429s on the ticket read: two more attempts, both counted as rate-limited and as retries.
    r.emu.control.addFault({ kind: '429', method: 'GET', path: `/issue/${key}$`, times: 2, retryAfterSec: 0 });
    r.emu.control.resolveTicket(key);
    expect(await deliver(url, key, 'delivery-1')).toBe(202);
    await until(async () => (await r.store.get(id))?.status === 'completed', 30_000);
    await until(async () => total(await scrape(base), 'cutover_drives_running') === 0);
    const after = await scrape(base);
    watch.stop();
    expect(await watch.exit).toBe(0);

    const delta = (name: string, where: Record<string, string> = {}) =>
      total(after, name, where) - total(before, name, where);
    expect(delta('cutover_vendor_requests_total')).toBe(proxy.count() - sentBefore);
    expect(delta('cutover_vendor_requests_total', { service: 'jira', status: '429' })).toBe(2);
    expect(delta('cutover_vendor_rate_limited_total', { service: 'jira' })).toBe(2);
    expect(delta('cutover_vendor_retries_total', { service: 'jira' })).toBeGreaterThanOrEqual(2);
    for (const h of ['downtime_window', 'detection_lag', 'cutover_execution', 'time_to_first_data'])
      expect(delta(`cutover_${h}_seconds_count`)).toBe(1);
    expect(total(after, 'cutover_migrations', { status: 'completed' })).toBe(1);
    expect(total(after, 'cutover_migrations', { status: 'waiting' })).toBe(0);
    expect(total(after, 'cutover_tickets_waiting')).toBe(0);
    expect(delta('cutover_drives_total', { outcome: 'completed' })).toBe(1);
    expect(total(after, 'cutover_fenced_writes_refused_total')).toBe(0);

    // No label value is an org id, a ticket key or a migration id.
    for (const f of after.values())
      for (const s of f.samples) for (const v of Object.values(s.labels)) expect([org, key, id]).not.toContain(v);

    const lines = watch
      .stderr()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of lines) expect(Object.keys(l).slice(0, 3)).toEqual(['time', 'level', 'message']);
    expect(lines.some((l) => l.migrationId === id && typeof l.state === 'string')).toBe(true);
  }, 60_000);

  it('answers /healthz 503 while the store is out of reach and 200 when it is back', async () => {
    const org = orgId(802);
    rig = await watchRig([org]);
    const r = rig;
    await r.create(org);
    const watch = runWatch(r, ['--listen', '127.0.0.1:0']);
    const base = await until(() => /service listening on (\S+) /.exec(watch.stderr())?.[1]);
    await until(async () => (await statusOf(`${base}/readyz`)) === 200);
    expect(await statusOf(`${base}/healthz`)).toBe(200);
    const dir = path.dirname(r.dbFile);
    renameSync(dir, `${dir}-away`);
    try {
      const res = await fetch(`${base}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'unavailable' });
      // Metrics still answer, saying the store could not be read.
      expect(total(await scrape(base), 'cutover_scrape_store_ok')).toBe(0);
    } finally {
      renameSync(`${dir}-away`, dir);
    }
    expect(await statusOf(`${base}/healthz`)).toBe(200);
    expect(total(await scrape(base), 'cutover_scrape_store_ok')).toBe(1);
    expect(await statusOf(`${base}/nope`)).toBe(404);
    watch.stop();
    expect(await watch.exit).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  }, 60_000);

  it('drains on SIGTERM: running drives reach their wait, locks are released, exit 0', async () => {
    const orgs = [orgId(803), orgId(804)];
    rig = await watchRig(orgs);
    const r = rig;
    const ids = await Promise.all(orgs.map((o) => r.create(o)));
    r.emu.control.setLatency(300);
    const watch = spawnWatch(r.env, ['--listen', '127.0.0.1:0', '--grace-seconds', '30']);
    const base = await watch.serviceUrl();
    await until(async () => (await Promise.all(ids.map((id) => r.store.currentLease(id)))).some((l) => l !== null));
    watch.stop();
    expect(await watch.exit).toEqual({ code: 0, signal: null });
    expect(watch.stderr()).not.toMatch(/stopped mid-drive/);
    for (const id of ids) expect(await r.store.currentLease(id)).toBeNull();
    const drained = await Promise.all(ids.map((id) => r.store.get(id)));
    expect(drained.filter((m) => m?.status === 'waiting').length).toBeGreaterThan(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  }, 60_000);
});
