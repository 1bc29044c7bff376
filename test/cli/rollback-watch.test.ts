// The re-enable ticket is tracked like the deprovisioning ticket by `cutover watch`: a signed Jira webhook for it
// wakes the rolling-back migration at once (its next poll is ten minutes away), and watch drives it to rolled_back.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.js';
import { describeRun } from '../reliability/harness/cli.js';
import { createMigration, startRig, type Rig } from '../reliability/harness/rig.js';
import { startWatch } from '../reliability/harness/spawn-watch.js';
import { readRecord } from '../reliability/harness/world.js';

const SECRET = 'rollback-webhook-secret';
let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

async function until<T>(probe: () => Promise<T | undefined>, what: string, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('cutover watch and a rollback', () => {
  it('a webhook for the re-enable ticket wakes the rollback, and watch finishes it', async () => {
    rig = await startRig({}, { CUTOVER_WEBHOOK_SECRET: SECRET });
    const r = rig;
    const tickets = () => r.emulator.world(DEMO_CREDENTIALS.orgId).tickets;
    r.emulator.control.addFault({ kind: '403', route: 'flow.flows.create' });
    const id = await createMigration(r, (plan) => {
      plan.polling.ticketIntervalMs = 600_000;
    });
    expect((await r.cli(['resume', id])).code).toBe(6);
    r.emulator.control.resolveTicket(tickets()[0]!.key);
    const parked = await r.cli(['resume', id]);
    expect(parked.code, describeRun(parked)).toBe(3);
    const waiting = await r.cli(['rollback', id, '--reason', 'webhook test', '--no-follow']);
    expect(waiting.code, describeRun(waiting)).toBe(6);
    const reenable = tickets()[1]!.key;
    expect((await readRecord(r.db, id)).record).toMatchObject({
      state: 'rolling_back.reenable.sleeping',
      ticketKey: reenable,
    });

    r.emulator.control.resolveTicket(reenable);
    const watch = await startWatch(r.db, r.env);
    try {
      const body = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { key: reenable } });
      const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
      const res = await fetch(watch.url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-hub-signature': signature },
      });
      expect(await res.json()).toMatchObject({ migrations: [id] });
      const done = await until(async () => {
        const { record } = await readRecord(r.db, id);
        return record.status === 'rolled_back' ? record : undefined;
      }, 'the rollback to finish under watch');
      expect(done.marks.legacy_restored?.source).toBe('jira.resolutiondate');
    } finally {
      await watch.stop();
    }
  });
});
