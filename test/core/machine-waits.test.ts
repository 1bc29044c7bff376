// Issue 13 item 4, on the pure machine: a wait on the ticket or on verification survives bad answers. Transient
// failures are retried for as long as the wait lasts (no bounded retries, no needs_attention), with a backoff
// capped at the wait's interval; refused credentials park after WAIT_AUTH_TRIES with the fix; a retry reads again
// at once and the verification deadline is neither reset nor extended.
import { describe, expect, it } from 'vitest';
import type { AnyEventObject, SnapshotFrom } from 'xstate';
import { initialTransition, transition } from 'xstate';
import { migrationMachine } from '../../src/core/machine.js';
import { retryDelayMs } from '../../src/core/machine-logic.js';
import type { MigrationEvent } from '../../src/core/machine-types.js';
import type { ErrorKind, StoredError } from '../../src/core/types.js';
import { WAIT_AUTH_TRIES, errorKind } from '../../src/core/wait-errors.js';
import { samplePlan } from '../engine/helpers.js';

type Snapshot = SnapshotFrom<typeof migrationMachine>;

const ID = 'm-waits';
const plan = samplePlan();
const T0 = Date.parse('2026-01-05T11:05:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const op = { by: 'support@example.com', reason: 'unit test', at: '2026-01-05T12:00:00.000Z' };
const FLOW_AT = '2026-01-05T11:06:00.000Z';

const done = (id: string, output?: unknown): AnyEventObject => ({ type: `xstate.done.actor.${id}`, output });
const failed = (id: string, error: StoredError): AnyEventObject => ({ type: `xstate.error.actor.${id}`, error });
const failure = (kind: ErrorKind, at: number, extra: Partial<StoredError> = {}): StoredError => ({
  code: kind === 'auth' ? 'UNAUTHENTICATED' : 'SERVER_ERROR',
  message: `jira: GET https://jira.example/rest/api/3/issue/CC-1 failed: ${kind}`,
  at: iso(at),
  retryable: kind === 'server',
  kind,
  service: 'jira',
  ...extra,
});
const poll = (resolved: boolean, at: number) =>
  done('pollTicket', {
    observedAt: iso(at),
    statusName: resolved ? 'Done' : 'Open',
    statusCategory: resolved ? 'done' : 'new',
    resolved,
    resolutionDate: resolved ? iso(at - 60_000) : null,
    doneTransitionAt: null,
  });

function send(s: Snapshot, ...events: (AnyEventObject | MigrationEvent)[]): Snapshot {
  for (const e of events) s = transition(migrationMachine, s, e as MigrationEvent)[0];
  return s;
}
const preflightOk = done('runPreflight', {
  observedAt: iso(T0 - 7_200_000),
  results: [],
  ecaSpecId: 'eca-spec',
  flowSpecId: 'eca-flow-spec',
  adoptedConnectionId: null,
});
/** Started, staged and filed: the first ticket poll is running. */
function polling(p = plan): Snapshot {
  const draft = initialTransition(migrationMachine, { migrationId: ID, plan: p })[0];
  return send(
    draft,
    { type: 'START' },
    preflightOk,
    done('ensureBaseConnection', { id: 'base-1' }),
    done('ensureSourceConnection', { id: 'source-2' }),
    done('ensureTargetConnection', { id: 'target-3' }),
    done('fileTicket', { key: 'CC-1', id: '10001', createdAt: iso(T0 - 7_000_000), attached: false }),
  );
}
/** One failed poll: the wait sleeps until its backoff deadline. */
function failPoll(s: Snapshot, error: StoredError): Snapshot {
  return send(s, failed('pollTicket', error));
}
/** Resolved, flow created, the first verification check running; Target needs a manual confirmation. */
function verifying(): Snapshot {
  const resolved = send(polling(samplePlan({ solutions: ['audience_manager', 'target'] })), poll(true, T0));
  return send(resolved, done('createFlow', { id: 'flow-1', createdAt: FLOW_AT }));
}

describe('a wait on the ticket takes failed polls', () => {
  it('stays waiting through every transient kind, far beyond maxAttempts, and never cuts over', () => {
    const kinds: ErrorKind[] = ['server', 'html', 'malformed', 'wrong_shape', 'timeout', 'network', 'rate_limited'];
    let s = polling();
    for (let i = 0; i < 30; i++) {
      s = failPoll(s, failure(kinds[i % kinds.length]!, T0 + i * 60_000));
      expect(s.matches({ awaiting_resolution: 'sleeping' }), JSON.stringify(s.value)).toBe(true);
      expect(s.hasTag('waiting')).toBe(true);
      expect(s.context.lastError).toBeNull();
      expect(s.context.marks.legacy_stopped).toBeUndefined();
      s = send(s, done('waitForPoll'));
      expect(s.matches({ awaiting_resolution: 'polling' })).toBe(true);
    }
    expect(30).toBeGreaterThan(plan.polling.maxAttempts);
    expect(s.context.waitTrouble).toMatchObject({ step: 'awaiting_resolution', since: iso(T0), tries: 30 });
    expect(Object.keys(s.context.waitTrouble!.kinds).sort()).toEqual([...kinds].sort());
    expect(s.context.waitTrouble!.last).toMatchObject({ kind: kinds[29 % kinds.length], at: iso(T0 + 29 * 60_000) });
    expect(s.context.attempts).toBe(0);
  });

  it('backs off exponentially from retryBaseMs, capped at the poll interval, timed from the failure', () => {
    let s = polling();
    const interval = plan.polling.ticketIntervalMs;
    for (let tries = 1; tries <= 12; tries++) {
      const at = T0 + tries * 3_600_000;
      s = send(failPoll(s, failure('html', at)), done('waitForPoll'));
      const delay = s.context.waitUntil! - at;
      expect(delay).toBe(retryDelayMs(plan.polling.retryBaseMs, tries - 1, ID, interval));
      expect(delay).toBeLessThanOrEqual(interval);
      expect(delay).toBeGreaterThanOrEqual(Math.min(interval, plan.polling.retryBaseMs * 2 ** (tries - 1)) / 2);
    }
  });

  it("a poll that answers again clears the trouble; a resolved one cuts over with Jira's instant", () => {
    let troubled = polling();
    for (const [i, kind] of (['html', 'server', 'server'] as ErrorKind[]).entries()) {
      troubled = send(failPoll(troubled, failure(kind, T0 + i * 1000)), done('waitForPoll'));
    }
    expect(troubled.context.waitTrouble?.tries).toBe(3);
    const open = send(troubled, poll(false, T0 + 5000));
    expect(open.matches({ awaiting_resolution: 'sleeping' })).toBe(true);
    expect(open.context.waitTrouble).toBeNull();
    expect(open.context.waitUntil).toBe(T0 + 5000 + plan.polling.ticketIntervalMs);

    const resolved = send(troubled, poll(true, T0 + 5000));
    expect(resolved.matches({ cutting_over: 'creating' })).toBe(true);
    const stopped = { at: iso(T0 + 5000 - 60_000), source: 'jira.resolutiondate' };
    expect(resolved.context.marks.legacy_stopped).toEqual(stopped);
  });

  it(`parks after ${WAIT_AUTH_TRIES} refused credentials with the fix; RETRY polls at once with a fresh count`, () => {
    let s = polling();
    for (let i = 1; i < WAIT_AUTH_TRIES; i++) {
      s = failPoll(s, failure('auth', T0 + i * 1000, { httpStatus: 401 }));
      expect(s.matches({ awaiting_resolution: 'sleeping' })).toBe(true);
      expect(s.context.attempts).toBe(i);
      s = send(s, done('waitForPoll'));
    }
    const parked = failPoll(s, failure('auth', T0 + 10_000, { httpStatus: 401 }));
    expect(parked.value).toBe('needs_attention');
    expect(parked.hasTag('attention')).toBe(true);
    expect(parked.context.resumeTarget).toBe('awaiting_resolution');
    expect(parked.context.waitUntil).toBeNull();
    expect(parked.context.lastError).toMatchObject({
      code: 'UNAUTHENTICATED',
      kind: 'auth',
      httpStatus: 401,
      retryable: false,
      step: 'awaiting_resolution',
    });
    expect(parked.context.lastError!.message).toContain(`refused ${WAIT_AUTH_TRIES} times while polling ticket CC-1`);
    expect(parked.context.lastError!.message).toContain('CUTOVER_JIRA_TOKEN');
    const fix = `run \`cutover doctor\`, then \`cutover retry ${ID} --reason ...\``;
    expect(parked.context.lastError!.message).toContain(fix);
    expect(parked.context.marks.legacy_stopped).toBeUndefined();

    const retried = send(parked, { type: 'RETRY', ...op });
    expect(retried.matches({ awaiting_resolution: 'polling' })).toBe(true);
    expect(retried.context).toMatchObject({ attempts: 0, lastError: null });
    expect(failPoll(retried, failure('auth', T0 + 20_000)).matches({ awaiting_resolution: 'sleeping' })).toBe(true);
  });

  it('refusals among transient failures wait, and park at the third; a 404 parks at once', () => {
    let s = polling();
    for (const kind of ['auth', 'server', 'auth', 'html'] as const) {
      s = failPoll(s, failure(kind, T0));
      expect(s.matches({ awaiting_resolution: 'sleeping' }), kind).toBe(true);
      s = send(s, done('waitForPoll'));
    }
    expect(s.context.attempts).toBe(2);
    expect(failPoll(s, failure('auth', T0)).value).toBe('needs_attention');
    // An error that is not transient (a 404: the ticket is gone) keeps the path of every other step.
    const notFound = { code: 'NOT_FOUND', httpStatus: 404, retryable: false };
    const gone = failPoll(s, failure('not_found', T0, notFound));
    expect(gone.value).toBe('needs_attention');
    expect(gone.context.lastError).toMatchObject({ code: 'NOT_FOUND', step: 'awaiting_resolution' });
  });

  it('errors stored before kinds existed get one from their status and code', () => {
    const legacy = (httpStatus: number | undefined, code: string): StoredError => ({
      code,
      message: 'x',
      at: iso(T0),
      retryable: false,
      httpStatus,
    });
    expect(errorKind(legacy(503, 'SERVER_ERROR'))).toBe('server');
    expect(errorKind(legacy(401, 'UNAUTHENTICATED'))).toBe('auth');
    expect(errorKind(legacy(undefined, 'NETWORK'))).toBe('network');
    expect(errorKind(legacy(400, 'BAD_REQUEST'))).toBe('client');
    expect(errorKind(legacy(undefined, 'INTERNAL'))).toBe('internal');
    // A legacy 503 in a wait is retried within it.
    const s = failPoll(polling(), legacy(503, 'SERVER_ERROR'));
    expect(s.matches({ awaiting_resolution: 'sleeping' })).toBe(true);
  });
});

describe('a wait on verification takes failed checks', () => {
  const checked = (at: number) =>
    done('checkVerification', { observedAt: iso(at), seen: {}, firstSuccessfulRunAt: null });

  it('stays waiting, backs off within the verify interval and keeps the deadline', () => {
    const v = verifying();
    const deadline = Date.parse(FLOW_AT) + v.context.plan.polling.verifyTimeoutMs;
    expect(v.context.verifyDeadline).toBe(deadline);
    let s = v;
    for (let i = 1; i <= 5; i++) {
      const at = Date.parse(FLOW_AT) + i * 60_000;
      s = send(s, failed('checkVerification', failure('html', at, { service: 'aam' })));
      expect(s.matches({ verifying: 'sleeping' }), JSON.stringify(s.value)).toBe(true);
      expect(s.context.waitUntil! - at).toBeLessThanOrEqual(v.context.plan.polling.verifyIntervalMs);
      expect(s.context.verifyDeadline).toBe(deadline);
      s = send(s, done('waitForVerify'));
    }
    expect(s.context.waitTrouble).toMatchObject({ step: 'verifying', tries: 5, kinds: { html: 5 } });
    const ok = send(s, checked(Date.parse(FLOW_AT) + 400_000));
    expect(ok.context.waitTrouble).toBeNull();
    expect(ok.context.waitUntil).toBe(Date.parse(FLOW_AT) + 400_000 + v.context.plan.polling.verifyIntervalMs);
  });

  it('a check failing past the deadline parks VERIFY_TIMEOUT, naming the failing reads', () => {
    const v = verifying();
    const late = v.context.verifyDeadline! + 1000;
    const unavailable = failure('server', late, { service: 'aam', httpStatus: 503 });
    const s = send(v, failed('checkVerification', unavailable));
    expect(s.value).toBe('needs_attention');
    expect(s.context.lastError?.code).toBe('VERIFY_TIMEOUT');
    expect(s.context.lastError?.message).toContain('the checks were failing: 1 failed read since');
  });

  it('refused IMS credentials park with the fix; RETRY checks at once, the deadline not reset or extended', () => {
    let s = verifying();
    const deadline = s.context.verifyDeadline;
    for (let i = 1; i <= WAIT_AUTH_TRIES; i++) {
      const refused = failure('auth', Date.parse(FLOW_AT) + i * 1000, { service: 'ims', httpStatus: 401 });
      s = send(s, failed('checkVerification', refused));
      if (i < WAIT_AUTH_TRIES) s = send(s, done('waitForVerify'));
    }
    expect(s.value).toBe('needs_attention');
    expect(s.context.lastError).toMatchObject({ kind: 'auth', step: 'verifying', service: 'ims' });
    expect(s.context.lastError!.message).toContain('CUTOVER_CLIENT_SECRET');
    const retried = send(s, { type: 'RETRY', ...op });
    expect(retried.matches({ verifying: 'checking' })).toBe(true);
    expect(retried.context.verifyDeadline).toBe(deadline);
    // Parked past the deadline: the first check after the retry reports the timeout rather than waiting on.
    const afterDeadline = send(retried, checked(deadline! + 60_000));
    expect(afterDeadline.value).toBe('needs_attention');
    expect(afterDeadline.context.lastError?.code).toBe('VERIFY_TIMEOUT');
  });
});
