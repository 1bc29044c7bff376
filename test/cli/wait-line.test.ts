// Issue 13 item 4 through the spawned CLI: while Jira answers garbage, `resume --follow` keeps waiting and says
// so on its waiting line, then cuts over once Jira answers; refused credentials end the wait with the fix (exit
// 4), and `retry` continues. Built CLI (bin/cutover.cjs) against the in-process emulator over real sockets.
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.js';
import { describeRun } from '../reliability/harness/cli.js';
import { createMigration, startRig, type Rig } from '../reliability/harness/rig.js';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

/** One request per poll, so each injected fault is one failed poll. */
const ONE_TRY = { CUTOVER_HTTP_RETRIES: '0' };

async function waitingOnTicket(r: Rig): Promise<{ id: string; key: string; issuePath: string }> {
  const id = await createMigration(r, (plan) => (plan.polling.maxAttempts = 2));
  const first = await r.cli(['resume', id], ONE_TRY);
  expect(first.code, describeRun(first)).toBe(6);
  const key = r.emulator.world(DEMO_CREDENTIALS.orgId).tickets[0]!.key;
  return { id, key, issuePath: `^/rest/api/\\d/issue/${key}$` };
}

describe('the waiting line while Jira answers garbage', () => {
  it('says what Jira answered and when it retries, keeps waiting, and completes once Jira answers', async () => {
    rig = await startRig();
    const { id, key, issuePath } = await waitingOnTicket(rig);
    rig.emulator.control.addFault({ kind: 'html', method: 'GET', path: issuePath, times: 2 });
    rig.emulator.control.addFault({ kind: 'wrong_shape', method: 'GET', path: issuePath, times: 1 });
    rig.emulator.control.resolveTicket(key);

    const run = await rig.cli(['resume', id, '--follow'], ONE_TRY);

    expect(run.code, describeRun(run)).toBe(0);
    const first = `waiting for ${key} \\(.*\\) · waited .* · Jira answered HTML \\(1 try since \\d\\d:\\d\\d:\\d\\dZ\\)`;
    expect(run.stderr).toMatch(new RegExp(`${first}, retrying in \\d+s`));
    expect(run.stderr).toMatch(/Jira answered HTML \(2 tries since/);
    expect(run.stderr).toMatch(/Jira answered without the expected fields \(3 tries since/);
    expect(run.stderr).toContain(`migration ${id} completed`);
    expect(run.stderr).not.toContain('needs attention');

    const shown = await rig.cli(['show', id]);
    expect(shown.stdout).toMatch(
      /event {7}html while awaiting_resolution, retried while the wait lasts: SERVER_ERROR: jira:/,
    );
    expect(shown.stdout).toMatch(
      /event {7}wrong_shape while awaiting_resolution, .*: UNEXPECTED_RESPONSE: jira: GET .* HTTP 200/,
    );
    expect(shown.stdout).toMatch(/event {7}failed reads over: 3 since .* \(html, wrong_shape\) \[awaiting_resolution]/);
  }, 120_000);

  it('refused Jira credentials end the wait after 3 tries with the fix (exit 4); retry continues', async () => {
    rig = await startRig();
    const { id, key, issuePath } = await waitingOnTicket(rig);
    rig.emulator.control.addFault({ kind: 'expired_token', method: 'GET', path: issuePath });

    const parked = await rig.cli(['resume', id, '--follow'], ONE_TRY);

    expect(parked.code, describeRun(parked)).toBe(4);
    expect(parked.stderr).toMatch(/Jira refused the credentials, try 1 of 3 \(1 try since \d\d:\d\d:\d\dZ\)/);
    expect(parked.stderr).toMatch(
      /needs attention: UNAUTHENTICATED: jira: GET .* HTTP 401: .*refused 3 times while polling/,
    );
    expect(parked.stderr).toMatch(
      /Fix: check CUTOVER_JIRA_TOKEN .*; run `cutover doctor`, then `cutover retry m-\w+ --reason/,
    );

    rig.emulator.control.clearFaults();
    rig.emulator.control.resolveTicket(key);
    const retried = await rig.cli(['retry', id, '--reason', 'Jira token rotated'], ONE_TRY);
    expect([0, 6], describeRun(retried)).toContain(retried.code);
    const done = await rig.cli(['resume', id, '--follow'], ONE_TRY);
    expect(done.code, describeRun(done)).toBe(0);
  }, 120_000);
});
