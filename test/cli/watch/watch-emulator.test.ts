// `cutover watch` end to end against the emulator: real HTTP to Jira/AEP/IMS/AAM, a real SQLite file, the
// CLI run in-process. Bounds on time are behaviour checks with generous margins, not benchmarks.
import { afterEach, describe, expect, it } from 'vitest';
import { deliver, orgId, runWatch, until, watchRig, type WatchRig } from './emulator-harness.js';

let rig: WatchRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

async function statusOf(r: WatchRig, id: string): Promise<string | undefined> {
  return (await r.store.get(id))?.status;
}

async function ticketOf(r: WatchRig, id: string): Promise<string> {
  return until(async () => {
    const m = await r.store.get(id);
    return m?.status === 'waiting' && m.ticketKey ? m.ticketKey : undefined;
  });
}

describe('cutover watch against the emulator', () => {
  it('cuts over within a second of a signed webhook; bad signatures change nothing; duplicates act once', async () => {
    const org = orgId(1);
    rig = await watchRig([org]);
    const r = rig;
    const id = await r.create(org);
    const watch = runWatch(r, ['--webhook-port', '0', '--concurrency', '4', '--rate', '10']);
    const url = await watch.webhookUrl();
    const key = await ticketOf(r, id);
    r.emu.control.resolveTicket(key);

    // Wrongly signed: refused, and with a 10-minute poll interval nothing else would wake the migration.
    const journalBefore = (await r.store.journal(id)).length;
    expect(await deliver(url, key, 'delivery-forged', 'not-the-secret')).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.emu.world(org).flows).toHaveLength(0);
    expect((await r.store.journal(id)).length).toBe(journalBefore);

    const sentAt = Date.now();
    expect(await deliver(url, key, 'delivery-1')).toBe(202);
    await until(() => r.emu.world(org).flows.length === 1, 1000, 5);
    expect(Date.now() - sentAt).toBeLessThan(1000);
    expect(await deliver(url, key, 'delivery-1')).toBe(202);

    await until(async () => (await statusOf(r, id)) === 'completed');
    watch.stop();
    expect(await watch.exit).toBe(0);
    expect(watch.stderr().match(/woken by a webhook/g)).toHaveLength(1);
    expect(watch.stderr()).toMatch(/completed/);
    expect(r.emu.world(org).flows).toHaveLength(1);
    expect(r.emu.world(org).violations).toEqual([]);
    const marks = (await r.store.get(id))!.marks;
    expect(marks.legacy_stopped?.source).toBeDefined();
  }, 60_000);

  it('drives 20 orgs with concurrency 4 and rate 10: all wait, then all complete, one flow per org', async () => {
    const orgs = Array.from({ length: 20 }, (_, i) => orgId(100 + i));
    rig = await watchRig(orgs);
    const r = rig;
    const ids = await Promise.all(orgs.map((o) => r.create(o)));
    const watch = runWatch(r, ['--webhook-port', '0', '--concurrency', '4', '--rate', '10']);
    const url = await watch.webhookUrl();
    const keys = await Promise.all(ids.map((id) => ticketOf(r, id)));
    expect(new Set(keys).size).toBe(20);

    for (const key of keys) r.emu.control.resolveTicket(key);
    const answers = await Promise.all(keys.map((key, i) => deliver(url, key, `delivery-${i}`)));
    expect(answers.every((s) => s === 202)).toBe(true);
    await until(
      async () => (await Promise.all(ids.map((id) => statusOf(r, id)))).every((s) => s === 'completed'),
      40_000,
      100,
    );

    watch.stop();
    expect(await watch.exit).toBe(0);
    for (const org of orgs) {
      expect(r.emu.world(org).flows).toHaveLength(1);
      expect(r.emu.world(org).violations).toEqual([]);
    }
    expect(watch.stderr()).toMatch(/watch: \d+ drives, 20 completed/);
  }, 90_000);

  it('stops cleanly on SIGTERM mid-drive: exit 0, every lease released, the receiver closed', async () => {
    const orgs = [orgId(201), orgId(202), orgId(203)];
    rig = await watchRig(orgs);
    const r = rig;
    const ids = await Promise.all(orgs.map((o) => r.create(o)));
    // Slow vendors: the drives are still in flight when the stop comes.
    r.emu.control.setLatency(400);
    // No grace period: the drives are stopped mid-drive (the drain is tested in watch-service.test.ts).
    const watch = runWatch(r, ['--webhook-port', '0', '--concurrency', '2', '--rate', '10', '--grace-seconds', '0']);
    const url = await watch.webhookUrl();
    await until(async () =>
      (await Promise.all(ids.map((id) => r.store.currentLease(id)))).some((lease) => lease !== null),
    );

    const stoppedAt = Date.now();
    watch.stop();
    expect(await watch.exit).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    for (const id of ids) expect(await r.store.currentLease(id)).toBeNull();
    expect(watch.stderr()).toMatch(/stopped mid-drive/);
    await expect(fetch(url, { method: 'POST', body: '{}' })).rejects.toThrow();
  }, 60_000);

  it('--once drives what is due, leaves sleeping migrations alone, and exits', async () => {
    const org = orgId(301);
    rig = await watchRig([org]);
    const r = rig;
    const id = await r.create(org);
    const first = runWatch(r, ['--once']);
    expect(await first.exit).toBe(0);
    expect(await statusOf(r, id)).toBe('waiting');
    const journal = (await r.store.journal(id)).length;

    const second = runWatch(r, ['--once', '--json']);
    expect(await second.exit).toBe(0);
    expect(JSON.parse(second.stdout())).toMatchObject({ drives: 0 });
    expect((await r.store.journal(id)).length).toBe(journal);
  }, 60_000);

  it('refuses to start the receiver without CUTOVER_WEBHOOK_SECRET (exit 2, naming the variable)', async () => {
    const org = orgId(401);
    rig = await watchRig([org]);
    rig.env = { ...rig.env, CUTOVER_WEBHOOK_SECRET: '' };
    const watch = runWatch(rig, ['--webhook-port', '0']);
    expect(await watch.exit).toBe(2);
    expect(watch.stderr()).toMatch(/CUTOVER_WEBHOOK_SECRET/);
  });

  it('leaves a migration another runner holds the lock of to it: not an error, not a drive, nothing touched', async () => {
    const org = orgId(501);
    rig = await watchRig([org]);
    const r = rig;
    const held = await r.create(org);
    const free = await r.create(orgId(502));
    const lease = { migrationId: held, nonce: 'abc123abc123', holder: 'support@other-host:4242', ttlMs: 3_600_000 };
    expect((await r.store.acquireLease(lease)).ok).toBe(true);
    const journal = (await r.store.journal(held)).length;

    const watch = runWatch(r, ['--once']);
    expect(await watch.exit).toBe(0);
    // Its claim went to the holder (engine/claims.ts): no drive was started only to be refused as locked.
    expect(watch.stderr()).toMatch(/watch: 1 drive, /);
    expect(watch.stderr()).not.toMatch(/skipped/);
    // ...and the summary says that one due migration was left to another runner.
    expect(watch.stderr()).toMatch(/watch: 1 drive, .*1 left to other runners/);
    expect((await r.store.journal(held)).length).toBe(journal);
    expect((await r.store.currentLease(held))?.nonce).toBe('abc123abc123');
    expect(await statusOf(r, free)).toBe('waiting');
  }, 60_000);

  it('rejects bad flags with exit 2', async () => {
    rig = await watchRig([orgId(601)]);
    for (const args of [
      ['--concurrency', '0'],
      ['--rate', 'fast'],
      ['--webhook-port', '70000'],
      ['--once', '--webhook-port', '0'],
    ]) {
      const watch = runWatch(rig, args);
      expect(await watch.exit).toBe(2);
      expect(watch.stderr()).toMatch(/error: /);
    }
  });
});
