// Issue 13 item 4: a long wait survives a bad answer. Real clients over real sockets to the emulator, a real
// SQLite file: the ticket poll and the verification check meet HTML pages, broken JSON, an answer that is not
// Jira's and 503s; the wait goes on and sees the resolution once they stop. Refused credentials park with the fix.
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/emulator/faults.js';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.js';
import type { JournalRow } from '../../src/ports.js';
import { emulatorPlan, emulatorRig, type EmulatorRig } from './helpers.js';

let rig: EmulatorRig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

const op = () => ({ by: 'support@example.com', reason: 'integration: fixed', at: new Date().toISOString() });

/** A migration driven to its first wait on the ticket; bounded retries of 2, so the old behaviour parks fast. */
async function waitingOnTicket(r: EmulatorRig, solutions?: string[]) {
  const plan = emulatorPlan(r.emulator);
  plan.polling.maxAttempts = 2;
  if (solutions) plan.solutions = solutions as typeof plan.solutions;
  const id = await r.engine.create(plan, 'tester');
  const first = await r.engine.drive(id, { mode: 'until-waiting' });
  expect(first.state).toBe('awaiting_resolution.sleeping');
  const key = r.emulator.world(DEMO_CREDENTIALS.orgId).tickets[0]!.key;
  return { id, key, issuePath: `^/rest/api/\\d/issue/${key}$` };
}

const waitErrors = (journal: JournalRow[]) => journal.filter((j) => j.name === 'wait_error');
const kindsOf = (rows: JournalRow[]) => rows.map((j) => (j.data as { kind: string }).kind);

describe('a wait on the ticket survives bad answers', () => {
  it('keeps waiting through HTML, broken JSON, a non-Jira answer and 503s, then sees the resolution', async () => {
    rig = await emulatorRig();
    const { id, key, issuePath } = await waitingOnTicket(rig);
    const faults: FaultRule[] = [
      { kind: 'html', method: 'GET', path: issuePath, times: 10 }, // 502 page, retried by the HTTP layer too: 2 polls
      { kind: 'truncated', method: 'GET', path: issuePath, times: 2 },
      { kind: 'wrong_shape', method: 'GET', path: issuePath, times: 2 },
      { kind: '503', method: 'GET', path: issuePath, times: 10 },
      { kind: 'html', method: 'GET', path: issuePath, times: 5 }, // the same kind again, later in the same run
    ];
    for (const f of faults) rig.emulator.control.addFault(f);
    // Resolved while every poll fails: nothing may cut over until a poll actually reads it.
    rig.emulator.control.resolveTicket(key);

    const result = await rig.engine.drive(id, { mode: 'until-done' });

    expect(result.status, JSON.stringify(result.context.lastError)).toBe('completed');
    expect(rig.emulator.control.listFaults().every((f) => f.remaining === 0)).toBe(true);
    const ticket = rig.emulator.world(DEMO_CREDENTIALS.orgId).tickets[0]!;
    expect(result.context.marks.legacy_stopped?.source).toBe('jira.resolutiondate');
    const resolvedAt = Date.parse(ticket.resolutiondate!.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
    expect(Date.parse(result.context.marks.legacy_stopped!.at)).toBe(resolvedAt);
    expect(rig.emulator.world(DEMO_CREDENTIALS.orgId).violations).toEqual([]);

    const journal = await rig.store.journal(id);
    expect(kindsOf(waitErrors(journal)).sort()).toEqual(['html', 'malformed', 'server', 'wrong_shape']);
    expect(journal.filter((j) => j.name === 'error')).toEqual([]);
    const cleared = journal.filter((j) => j.name === 'wait_error_cleared');
    expect(cleared).toHaveLength(1);
    expect((cleared[0]!.data as { tries: number }).tries).toBeGreaterThanOrEqual(7);
  }, 60_000);

  it('parks after 3 refused Jira credentials with the fix, and a retry polls at once and completes', async () => {
    rig = await emulatorRig();
    const { id, key, issuePath } = await waitingOnTicket(rig);
    const refusal = rig.emulator.control.addFault({ kind: 'expired_token', method: 'GET', path: issuePath });

    const parked = await rig.engine.drive(id, { mode: 'until-done' });

    expect(parked.status).toBe('needs_attention');
    expect(rig.emulator.control.listFaults().find((f) => f.id === refusal)?.fired).toBe(3);
    const e = parked.context.lastError!;
    expect(e).toMatchObject({ code: 'UNAUTHENTICATED', kind: 'auth', httpStatus: 401, step: 'awaiting_resolution' });
    expect(e.message).toMatch(/refused 3 times while polling ticket/);
    expect(e.message).toMatch(/CUTOVER_JIRA_TOKEN/);
    expect(e.message).toMatch(/cutover doctor.*cutover retry/);
    expect(parked.context.marks.legacy_stopped).toBeUndefined();

    rig.emulator.control.clearFaults();
    rig.emulator.control.resolveTicket(key);
    const retried = await rig.engine.drive(id, { mode: 'until-done', event: { type: 'RETRY', ...op() } });
    expect(retried.status).toBe('completed');
    expect(retried.context.marks.legacy_stopped?.source).toBe('jira.resolutiondate');
    const journal = await rig.store.journal(id);
    expect(kindsOf(waitErrors(journal))).toEqual(['auth']);
    expect(journal.filter((j) => j.name === 'error')).toHaveLength(1);
  }, 60_000);
});

describe('a wait on verification survives bad answers', () => {
  it('parks after 3 refused IMS tokens, keeps the verification deadline, and resumes checking at once', async () => {
    rig = await emulatorRig();
    const { id, key } = await waitingOnTicket(rig, ['audience_manager', 'target']);
    rig.emulator.control.resolveTicket(key);
    const verifying = await rig.engine.drive(id, { mode: 'until-waiting' });
    expect(verifying.state).toBe('verifying.sleeping');
    const deadline = verifying.context.verifyDeadline;
    const established = Date.parse(verifying.context.marks.connection_established!.at);
    expect(deadline).toBe(established + verifying.context.plan.polling.verifyTimeoutMs);

    // Audience Manager answers a proxy's HTML page: the check fails, the migration keeps waiting.
    rig.emulator.control.addFault({ kind: 'html', route: 'aam.datasources.list', times: 5 });
    const failing = await rig.engine.drive(id, { mode: 'until-waiting' });
    expect(failing).toMatchObject({ status: 'waiting', state: 'verifying.sleeping' });
    expect(failing.context.waitTrouble).toMatchObject({ step: 'verifying', tries: 1, kinds: { html: 1 } });
    expect(failing.context.lastError).toBeNull();
    // Then IMS refuses to issue a token: parks after 3 tries.
    rig.emulator.control.addFault({ kind: 'expired_token', route: 'ims.token' });
    rig.emulator.control.expireTokens();
    const parked = await rig.engine.drive(id, { mode: 'until-done' });

    expect(parked.status).toBe('needs_attention');
    expect(parked.context.lastError).toMatchObject({ kind: 'auth', step: 'verifying', service: 'ims' });
    expect(parked.context.lastError!.message).toMatch(/CUTOVER_CLIENT_SECRET.*cutover doctor.*cutover retry/);
    expect(parked.context.verifyDeadline).toBe(deadline);

    rig.emulator.control.clearFaults();
    const retried = await rig.engine.drive(id, { mode: 'until-waiting', event: { type: 'RETRY', ...op() } });
    expect(retried.state).toBe('verifying.sleeping');
    expect(retried.context.verifyDeadline).toBe(deadline);
    expect(retried.context.waitTrouble).toBeNull();
    const confirm = { type: 'CONFIRM' as const, solution: 'target' as const, ...op() };
    const done = await rig.engine.drive(id, { mode: 'until-done', event: confirm });
    expect(done.status).toBe('completed');
    const journal = await rig.store.journal(id);
    expect(kindsOf(waitErrors(journal)).sort()).toEqual(['auth', 'html']);
  }, 60_000);
});
