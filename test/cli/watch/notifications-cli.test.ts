// `cutover notifications` and `cutover doctor --notify-test`, run in-process against a real SQLite file, the
// emulator and a real receiver on 127.0.0.1. Neither shows a receiver's URL (it carries a token).
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/adapters/clock.js';
import { receiverId } from '../../../src/adapters/notify/receiver.js';
import { main } from '../../../src/cli/main.js';
import { orgId, watchRig, type WatchRig } from './emulator-harness.js';
import { startReceiver, validSignature, type TestReceiver } from './notify-receiver.js';

const SECRET = 'doctor-test-secret-0123456789';
let rig: WatchRig | null = null;
let hook: TestReceiver | null = null;
afterEach(async () => {
  await hook?.close();
  hook = null;
  await rig?.close();
  rig = null;
});

async function cli(r: WatchRig, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough();
  const err = new PassThrough();
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await main(['node', 'cutover', ...args], () => ({
    io: { stdout: out, stderr: err, stdin: Readable.from([]) },
    env: { ...r.env, NO_COLOR: '1' },
    cwd: process.cwd(),
    clock: systemClock,
    signal: new AbortController().signal,
    actor: 'ops@test',
  }));
  return { code, stdout, stderr };
}

/** One ticket_resolved event in the outbox, for receiver `rid`, written with a transition as the engine does. */
async function oneEvent(r: WatchRig, rid: string): Promise<string> {
  const id = await r.create(orgId(901));
  const m = (await r.store.get(id))!;
  await r.store.registerReceivers([rid]);
  const event = { id: `${id}.ticket_resolved.CC-1`, type: 'ticket_resolved' as const, migrationId: id, orgId: m.orgId };
  await r.store.commitTransition(id, {
    ...m,
    progressed: true,
    journal: [],
    at: new Date().toISOString(),
    outbox: [{ ...event, at: new Date().toISOString(), data: { ticketKey: 'CC-1' } }],
  });
  return event.id;
}

describe('cutover notifications', () => {
  it('lists what is pending, and with --failed what failed (exit 3), naming receivers by id only', async () => {
    rig = await watchRig([orgId(901)]);
    const r = rig;
    const url = 'https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX';
    const rid = receiverId(url);
    const eventId = await oneEvent(r, rid);
    expect(await cli(r, ['notifications', '--failed'])).toMatchObject({
      code: 0,
      stderr: expect.stringMatching(/nothing stuck/),
    });
    const [claimed] = await r.store.claimDeliveries({ receiverIds: [rid], worker: 'w', claimMs: 60_000, limit: 1 });
    expect(claimed?.event.id).toBe(eventId);
    await r.store.markDeliveryFailed({ eventId, receiverId: rid, worker: 'w', error: 'HTTP 500', retryInMs: 60_000 });

    const failed = await cli(r, ['notifications', '--failed', '--json']);
    expect(failed.code).toBe(3);
    expect(JSON.parse(failed.stdout)).toEqual([
      expect.objectContaining({
        id: eventId,
        type: 'ticket_resolved',
        receiver: rid,
        status: 'failing',
        attempts: 1,
        lastError: 'HTTP 500',
      }),
    ]);
    const listed = await cli(r, ['notifications']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/ticket_resolved .* failing .* HTTP 500/);
    for (const text of [listed.stdout, listed.stderr, failed.stdout]) expect(text).not.toContain('XXXXsecretXXXX');
  }, 30_000);
});

describe('cutover doctor --notify-test', () => {
  it('posts one signed test event to each receiver, only when asked', async () => {
    rig = await watchRig([orgId(902)]);
    const r = rig;
    r.env.CUTOVER_NOTIFY_SECRET = SECRET;
    hook = await startReceiver();
    expect((await cli(r, ['doctor'])).code).toBe(0);
    expect(hook.received).toEqual([]);

    const checked = await cli(r, ['doctor', '--notify-test', hook.url, '--json']);
    expect(checked.code).toBe(0);
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]?.body.type).toBe('test');
    expect(validSignature(SECRET, hook.received[0]!)).toBe(true);
    expect(JSON.parse(checked.stdout).receivers).toEqual([
      expect.objectContaining({ ok: true, receiver: receiverId(hook.url) }),
    ]);

    hook.failFirst = 99;
    const failing = await cli(r, ['doctor', '--notify-test', hook.url]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(
      /✗ notification receiver r-[0-9a-f]{12} \(json, http:\/\/127\.0\.0\.1:\d+\/…\): HTTP 500/,
    );
    for (const text of [checked.stdout, checked.stderr, failing.stdout, failing.stderr])
      expect(text).not.toContain(new URL(hook.url).pathname);
  }, 30_000);
});
