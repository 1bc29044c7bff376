// Secrets: after full runs (one with CUTOVER_DEBUG=http, one SIGKILLed and resumed, one parked on an error),
// no configured secret appears in the database (every byte of the file and of its -wal, copied mid-run), the
// journal, the captured output of every CLI, the export, or any stored error. Files are 0600; the emulator
// and the webhook receiver listen on loopback; the receiver refuses unsigned and badly signed deliveries.
import { createHmac } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/adapters/sqlite/store.js';
import { DEMO_CREDENTIALS, startEmulator } from '../../src/emulator/index.js';
import { describeRun, transcript } from './harness/cli.js';
import { createMigration, customerCare, resumeUntilDone, startRig, type Rig } from './harness/rig.js';
import { startWatch } from './harness/spawn-watch.js';

const SECRETS = [
  DEMO_CREDENTIALS.clientSecret,
  DEMO_CREDENTIALS.jiraToken,
  Buffer.from(`${DEMO_CREDENTIALS.jiraEmail}:${DEMO_CREDENTIALS.jiraToken}`).toString('base64'),
];
const WEBHOOK_SECRET = 'reliability-webhook-secret-7d1f';

function expectNoSecret(what: string, text: string): void {
  for (const secret of [...SECRETS, WEBHOOK_SECRET])
    expect(text.includes(secret), `${what} contains a secret`).toBe(false);
}

let rig: Rig;
const ids: string[] = [];
const walCopy = () => join(rig.dir, 'midrun.db-wal');
const mode = (file: string) => statSync(file).mode & 0o777;

/** A run that waits on its ticket long enough to copy the live -wal and check the sidecars' modes. */
async function debugRunWithLiveWal(): Promise<void> {
  const id = await createMigration(rig);
  ids.push(id);
  const run = rig.cli(['resume', id, '--follow'], { CUTOVER_DEBUG: 'http' });
  while (rig.emulator.world(DEMO_CREDENTIALS.orgId).tickets.length === 0) await new Promise((r) => setTimeout(r, 50));
  for (const sidecar of ['-wal', '-shm']) expect(mode(`${rig.db}${sidecar}`), sidecar).toBe(0o600);
  copyFileSync(`${rig.db}-wal`, walCopy());
  rig.emulator.control.resolveTicket(rig.emulator.world(DEMO_CREDENTIALS.orgId).tickets[0]!.key);
  expect((await run).code, describeRun(await run)).toBe(0);
}

beforeAll(async () => {
  rig = await startRig({}, { CUTOVER_WEBHOOK_SECRET: WEBHOOK_SECRET });
  await debugRunWithLiveWal();
  // A second org-wide run in the same world would find our objects; a killed and resumed run and a parked
  // one each get a fresh migration on the same database, with the faults that make them do so.
  const killed = await createMigration(rig);
  ids.push(killed);
  const stop = customerCare(rig.emulator, 0);
  await rig.cli(['resume', killed, '--follow'], { CUTOVER_FAILPOINT: 'flow:after-call', CUTOVER_DEBUG: 'http' });
  await resumeUntilDone(rig, killed, { CUTOVER_DEBUG: 'http' });
  stop();
  rig.emulator.control.addFault({ kind: 'expired_token', route: 'jira.myself' });
  const parked = await createMigration(rig);
  ids.push(parked);
  await rig.cli(['resume', parked, '--follow'], { CUTOVER_DEBUG: 'http' });
  rig.emulator.control.clearFaults();
  for (const id of ids) await rig.cli(['export', id, '--out', join(rig.dir, `${id}.json`)]);
}, 180_000);
afterAll(() => rig.close());

describe('no secret anywhere', () => {
  it('not in the database file, its live -wal, or its -shm', () => {
    for (const file of [rig.db, walCopy(), `${rig.db}-wal`, `${rig.db}-shm`].filter(existsSync))
      expectNoSecret(file, readFileSync(file).toString('latin1'));
    expect(mode(rig.db)).toBe(0o600);
  });

  it('not in the journal, the stored errors, or the exports', async () => {
    const store = openStore(rig.db);
    try {
      for (const id of ids) {
        const record = await store.get(id);
        expectNoSecret(`record ${id}`, JSON.stringify(record));
        expectNoSecret(`journal ${id}`, JSON.stringify(await store.journal(id)));
        expectNoSecret(`effects ${id}`, JSON.stringify(await store.effects(id)));
        const exported = join(rig.dir, `${id}.json`);
        expect(existsSync(exported), `export of ${id}`).toBe(true);
        expect(mode(exported)).toBe(0o600);
        expectNoSecret(`export ${id}`, readFileSync(exported, 'utf8'));
      }
      expect((await store.get(ids[2]!))?.status).toBe('needs_attention');
    } finally {
      await store.close();
    }
  });

  it('not in the output of any CLI run, debug logging included', () => {
    expect(transcript.some((r) => r.stderr.includes('http request'))).toBe(true);
    for (const run of transcript) expectNoSecret(`cutover ${run.args.join(' ')}`, run.stdout + run.stderr);
  });
});

describe('loopback only', () => {
  it('the emulator listens on 127.0.0.1 and refuses any other host', async () => {
    expect(new URL(rig.emulator.url).hostname).toBe('127.0.0.1');
    await expect(startEmulator({ host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/only listens on 127.0.0.1/);
  });

  it('the webhook receiver refuses unsigned and badly signed deliveries', async () => {
    const watch = await startWatch(rig.db, rig.env);
    try {
      expect(new URL(watch.url).hostname).toBe('127.0.0.1');
      const body = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { key: 'CC-1' } });
      const post = (headers: Record<string, string>) =>
        fetch(watch.url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
      expect((await post({})).status).toBe(401);
      const forged = createHmac('sha256', 'wrong-secret').update(body).digest('hex');
      expect((await post({ 'x-hub-signature': `sha256=${forged}` })).status).toBe(401);
      const signed = createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');
      expect((await post({ 'x-hub-signature': `sha256=${signed}` })).status).not.toBe(401);
    } finally {
      await watch.stop();
    }
  });
});
