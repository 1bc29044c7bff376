// Notifications of `cutover watch --notify` end to end: the emulator over real HTTP, a real SQLite file, a real
// receiver on 127.0.0.1. Each event of a migration arrives in order, signed, with one delivery id per event,
// also across a SIGKILL between the post and its mark; a receiver that is down delays nobody else and gets
// everything once it is back. The receiver's URL (it carries a token) and the secret show up nowhere.
import { readFileSync, existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { deliver, orgId, runWatch, until, watchRig, type WatchRig } from './emulator-harness.js';
import { startReceiver, validSignature, type TestReceiver } from './notify-receiver.js';
import { spawnWatch } from './spawned-watch.js';

const SECRET = 'notify-test-secret-0123456789';
let rig: WatchRig | null = null;
const receivers: TestReceiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
  await rig?.close();
  rig = null;
});

async function receiver(options: { failFirst?: number } = {}): Promise<TestReceiver> {
  const r = await startReceiver(options);
  receivers.push(r);
  return r;
}

async function waitingTicket(r: WatchRig, id: string): Promise<string> {
  return until(async () => {
    const m = await r.store.get(id);
    return m?.status === 'waiting' && m.ticketKey ? m.ticketKey : undefined;
  });
}

function dbBytes(r: WatchRig): string {
  return [r.dbFile, `${r.dbFile}-wal`]
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString('latin1'))
    .join('');
}

function expectNoSecret(texts: string[], url: string): void {
  const token = new URL(url).pathname;
  for (const text of texts) {
    expect(text).not.toContain(token);
    expect(text).not.toContain(SECRET);
  }
}

const typesOf = (rs: TestReceiver['received']) => rs.map((x) => x.body.type);

describe('cutover watch --notify', () => {
  it('posts each event of a migration once, in order, signed, with the event id as the delivery id', async () => {
    const org = orgId(701);
    rig = await watchRig([org]);
    const r = rig;
    r.env.CUTOVER_NOTIFY_SECRET = SECRET;
    const hook = await receiver();
    const id = await r.create(org);
    const watch = runWatch(r, ['--webhook-port', '0', '--notify', hook.url, '--notify-retry-ms', '50']);
    const url = await watch.webhookUrl();
    const key = await waitingTicket(r, id);
    r.emu.control.resolveTicket(key);
    expect(await deliver(url, key, 'delivery-1')).toBe(202);
    await until(() => hook.received.some((x) => x.body.type === 'cutover_completed'), 30_000);
    watch.stop();
    expect(await watch.exit).toBe(0);

    expect(typesOf(hook.received)).toEqual(['ticket_resolved', 'cutover_completed']);
    for (const x of hook.received) {
      expect(validSignature(SECRET, x)).toBe(true);
      expect(x.headers['x-cutover-event']).toBe(x.body.type);
      expect(x.headers['x-cutover-delivery']).toBe(x.body.id);
      expect(x.body).toMatchObject({ migrationId: id, orgId: org });
      expect(Object.keys(x.body)).toEqual(['id', 'type', 'migrationId', 'orgId', 'at', 'data']);
    }
    expect(new Set(hook.received.map((x) => x.body.id)).size).toBe(2);
    expect(hook.received[0]?.body.data).toMatchObject({ ticketKey: key });
    const downtime = hook.received[1]?.body.data.downtime as { ms: number; text: string };
    expect(downtime.ms).toBeGreaterThanOrEqual(0);
    expect((await r.store.deliveries()).every((d) => d.sentAt !== null)).toBe(true);
    expectNoSecret([watch.stderr(), watch.stdout(), dbBytes(r)], hook.url);
  }, 60_000);

  it('SIGKILLed between a post and its mark: the event comes again with the same id, never under a new one', async () => {
    const org = orgId(702);
    rig = await watchRig([org]);
    const r = rig;
    const hook = await receiver();
    const id = await r.create(org);
    const env = { ...r.env, CUTOVER_NOTIFY_SECRET: SECRET, CUTOVER_NOTIFY_CLAIM_MS: '300' };
    const args = ['--webhook-port', '0', '--notify', hook.url, '--notify-retry-ms', '50'];
    const first = spawnWatch({ ...env, CUTOVER_FAILPOINT: 'notify:after-call' }, args);
    const url = await first.webhookUrl();
    const key = await waitingTicket(r, id);
    r.emu.control.resolveTicket(key);
    expect(await deliver(url, key, 'delivery-1')).toBe(202);
    expect(await first.exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(typesOf(hook.received)).toEqual(['ticket_resolved']);

    // The next watch takes over the dead runner's migration and its unmarked delivery.
    const second = spawnWatch(env, args);
    await until(() => hook.received.some((x) => x.body.type === 'cutover_completed'), 30_000);
    await until(async () => (await r.store.get(id))?.status === 'completed');
    second.stop();
    expect(await second.exit).toEqual({ code: 0, signal: null });

    expect(typesOf(hook.received)).toEqual(['ticket_resolved', 'ticket_resolved', 'cutover_completed']);
    const [a, b, c] = hook.received.map((x) => x.body.id);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    for (const x of hook.received) expect(validSignature(SECRET, x)).toBe(true);
    expect(r.emu.world(org).flows).toHaveLength(1);
    expectNoSecret([first.stderr(), second.stderr(), dbBytes(r)], hook.url);
  }, 90_000);

  it('a receiver that keeps failing holds up no migration and no other receiver, and gets everything once back', async () => {
    const orgs = [orgId(703), orgId(704)];
    rig = await watchRig(orgs);
    const r = rig;
    r.env.CUTOVER_NOTIFY_SECRET = SECRET;
    r.env.CUTOVER_NOTIFY_RETRY_CAP_MS = '200';
    const down = await receiver({ failFirst: Number.POSITIVE_INFINITY });
    const up = await receiver();
    const ids = await Promise.all(orgs.map((o) => r.create(o)));
    const args = ['--webhook-port', '0', '--notify', down.url, '--notify', up.url, '--notify-retry-ms', '50'];
    const watch = runWatch(r, args);
    const url = await watch.webhookUrl();
    const keys = await Promise.all(ids.map((id) => waitingTicket(r, id)));
    for (const [i, key] of keys.entries()) {
      r.emu.control.resolveTicket(key);
      expect(await deliver(url, key, `delivery-${i}`)).toBe(202);
    }
    // While one receiver answers 500, both migrations complete and the other receiver gets all four events.
    await until(async () =>
      (await Promise.all(ids.map((id) => r.store.get(id)))).every((m) => m?.status === 'completed'),
    );
    await until(() => up.received.length === 4, 20_000);
    await until(() => down.received.length >= 6, 20_000);
    expect(down.accepted()).toEqual([]);
    expect((await r.store.deliveries({ failed: true })).length).toBeGreaterThan(0);

    down.failFirst = 0;
    await until(() => down.accepted().length === 4, 20_000);
    watch.stop();
    expect(await watch.exit).toBe(0);
    const idsOf = (rs: TestReceiver['received']) => rs.map((x) => x.body.id).sort();
    expect(idsOf(down.accepted())).toEqual(idsOf(up.received));
    expect(new Set(idsOf(down.accepted())).size).toBe(4);
    for (const id of ids) {
      const mine = down.accepted().filter((x) => x.body.migrationId === id);
      expect(typesOf(mine)).toEqual(['ticket_resolved', 'cutover_completed']);
    }
    expect(watch.stderr()).toMatch(/failed \(HTTP 500\)/);
    expectNoSecret([watch.stderr(), watch.stdout(), dbBytes(r)], down.url);
  }, 90_000);

  it('a migration that parks says so on Slack: the reason and the command that helps', async () => {
    const org = orgId(705);
    rig = await watchRig([org]);
    const r = rig;
    const slack = await receiver();
    const id = await r.create(org);
    // The platform refuses the flow: the cut-over parks in needs_attention (no secret needed for Slack bodies).
    r.emu.control.addFault({ kind: '403', route: 'flow.flows.create' });
    const watch = runWatch(r, ['--webhook-port', '0', '--notify', slack.url, '--notify-format', 'slack']);
    const url = await watch.webhookUrl();
    const key = await waitingTicket(r, id);
    r.emu.control.resolveTicket(key);
    expect(await deliver(url, key, 'delivery-1')).toBe(202);
    await until(() => slack.received.length === 2, 30_000);
    watch.stop();
    expect(await watch.exit).toBe(0);

    expect((await r.store.get(id))?.status).toBe('needs_attention');
    expect(slack.received.map((x) => x.headers['x-cutover-event'])).toEqual(['ticket_resolved', 'needs_attention']);
    const body = slack.received[1]?.body as unknown as { text: string; blocks: { text?: { text: string } }[] };
    expect(body.text).toMatch(new RegExp(`^${id} needs attention: `));
    expect(body.blocks[1]?.text?.text).toBe(`Next: \`cutover retry ${id} --reason "..."\``);
    expect(r.emu.world(org).flows).toHaveLength(0);
  }, 60_000);
});
