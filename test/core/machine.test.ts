// The migration machine, driven with the pure transition()/initialTransition() (no actors run): the rules a
// customer's downtime and a support engineer's options depend on.
import { describe, expect, it } from 'vitest';
import type { AnyEventObject, SnapshotFrom } from 'xstate';
import { initialTransition, transition } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import { migrationMachine } from '../../src/core/machine.js';
import { retryDelayMs } from '../../src/core/machine-logic.js';
import type { MigrationEvent } from '../../src/core/machine-types.js';
import type { StoredError } from '../../src/core/types.js';
import { samplePlan } from '../engine/helpers.js';
import { modelEvents } from '../engine/model-events.js';

type Snapshot = SnapshotFrom<typeof migrationMachine>;

const ID = 'm-unit';
const plan = samplePlan();
const AT = '2026-01-05T09:00:00.000Z';
const CREATED_AT = '2026-01-05T09:00:01.000Z';
const RESOLVED_AT = '2026-01-05T11:00:00.000Z';
const op = { by: 'support@example.com', reason: 'unit test', at: '2026-01-05T11:30:00.000Z' };

const done = (id: string, output?: unknown): AnyEventObject => ({ type: `xstate.done.actor.${id}`, output });
const failed = (id: string, error: StoredError): AnyEventObject => ({ type: `xstate.error.actor.${id}`, error });
const serverError: StoredError = {
  code: 'SERVER_ERROR',
  message: 'aep: HTTP 503',
  httpStatus: 503,
  at: AT,
  retryable: true,
};
const badRequest: StoredError = {
  code: 'BAD_REQUEST',
  message: 'aep: HTTP 400',
  httpStatus: 400,
  at: AT,
  retryable: false,
};
const poll = (
  resolved: boolean,
  resolutionDate: string | null,
  doneTransitionAt: string | null = null,
  observedAt = '2026-01-05T11:05:00.000Z',
) =>
  done('pollTicket', {
    observedAt,
    statusName: resolved ? 'Done' : 'Open',
    statusCategory: resolved ? 'done' : 'new',
    resolved,
    resolutionDate,
    doneTransitionAt,
  });
const preflightOk = done('runPreflight', {
  observedAt: AT,
  results: [],
  ecaSpecId: 'eca-spec',
  flowSpecId: 'eca-flow-spec',
  adoptedConnectionId: null,
});
const ticket = (attached = false) => done('fileTicket', { key: 'CC-1', id: '10001', createdAt: CREATED_AT, attached });

function send(s: Snapshot, ...events: (AnyEventObject | MigrationEvent)[]): Snapshot {
  for (const e of events) s = transition(migrationMachine, s, e as MigrationEvent)[0];
  return s;
}
const draft = (): Snapshot => initialTransition(migrationMachine, { migrationId: ID, plan })[0];
const staging = () => send(draft(), { type: 'START' }, preflightOk);
const filing = () =>
  send(
    staging(),
    done('ensureBaseConnection', { id: 'base-1' }),
    done('ensureSourceConnection', { id: 'source-2' }),
    done('ensureTargetConnection', { id: 'target-3' }),
  );
const polling = (attached = false) => send(filing(), ticket(attached));
const sleeping = () => send(polling(), poll(false, null));
const creating = () => send(polling(), poll(true, RESOLVED_AT));
const verifying = () => send(creating(), done('createFlow', { id: 'flow-1', createdAt: '2026-01-05T11:06:00.000Z' }));
const name = (s: Snapshot) => JSON.stringify(s.value);

describe('migration machine', () => {
  describe('the flow is never created before the legacy pipe is known to be off', () => {
    it('holds in every state the model reaches, whatever the events', () => {
      const adjacency = getAdjacencyMap(migrationMachine, {
        input: { migrationId: ID, plan },
        events: modelEvents() as unknown as MigrationEvent[],
        filterEvents: (s, e) => {
          const m = /^xstate\.(?:done|error)\.actor\.(.+)$/.exec(e.type);
          return !m || m[1]! in s.children;
        },
        stopWhen: (s) => s.status === 'done',
        serializeState: (s) =>
          JSON.stringify([
            s.value,
            s.status,
            s.context.resumeTarget,
            s.context.lastError?.code ?? null,
            s.context.attempts,
            s.context.ticket?.attached ?? null,
            Boolean(s.context.marks.legacy_stopped),
            Object.keys(s.context.remote).sort(),
            Object.keys(s.context.seenAudiences).length,
            s.context.skippedChecks.length > 0,
          ]),
        limit: 500_000,
      });
      const states = Object.values(adjacency).map((v) => v.state as Snapshot);
      const creatingStates = states.filter((s) => s.matches({ cutting_over: 'creating' }));
      expect(creatingStates.length).toBeGreaterThan(0);
      for (const s of creatingStates) expect(s.context.marks.legacy_stopped, name(s)).toBeDefined();
      for (const s of states.filter((x) => 'createFlow' in x.children))
        expect(s.context.marks.legacy_stopped).toBeDefined();
    });

    it('a poll that finds the ticket open goes to sleep until the next poll is due', () => {
      const s = sleeping();
      expect(s.matches({ awaiting_resolution: 'sleeping' })).toBe(true);
      expect(s.hasTag('waiting')).toBe(true);
      expect(s.context.marks.legacy_stopped).toBeUndefined();
      expect(s.context.waitUntil).toBe(Date.parse('2026-01-05T11:05:00.000Z') + plan.polling.ticketIntervalMs);
      expect(send(s, { type: 'WAKE' }).matches({ awaiting_resolution: 'polling' })).toBe(true);
    });

    it('a ticket resolved without any date parks in needs_attention RESOLUTION_TIME_UNKNOWN', () => {
      const s = send(polling(), poll(true, null, null));
      expect(s.value).toBe('needs_attention');
      expect(s.context.marks.legacy_stopped).toBeUndefined();
      expect(s.context.lastError).toMatchObject({
        code: 'RESOLUTION_TIME_UNKNOWN',
        step: 'awaiting_resolution',
        retryable: false,
      });
      expect(s.context.resumeTarget).toBe('awaiting_resolution');
      // A retry polls again rather than creating anything.
      expect(send(s, { type: 'RETRY', ...op }).matches({ awaiting_resolution: 'polling' })).toBe(true);
    });

    it('a resolutiondate before the ticket was filed is not used: the consistent changelog time is, and says so', () => {
      const s = send(polling(), poll(true, '2026-01-05T07:00:01.000Z', '2026-01-05T11:00:00.000Z'));
      expect(s.matches({ cutting_over: 'creating' })).toBe(true);
      expect(s.context.marks.legacy_stopped).toEqual({
        at: '2026-01-05T11:00:00.000Z',
        source: 'jira.changelog',
        note: `resolutiondate 2026-01-05T07:00:01.000Z is before the ticket was filed (${CREATED_AT}); the changelog's Done time was used`,
      });
    });

    it('parks RESOLUTION_OUT_OF_BOUNDS when neither Jira time is plausible, naming the set-resolution command', () => {
      const late = '2026-01-05T11:10:00.001Z'; // observed 11:05: beyond the 5-minute clock-skew tolerance
      const s = send(polling(), poll(true, '2026-01-05T07:00:00.000Z', late));
      expect(s.value).toBe('needs_attention');
      expect(s.context.marks.legacy_stopped).toBeUndefined();
      expect(s.context.lastError).toMatchObject({ code: 'RESOLUTION_OUT_OF_BOUNDS', step: 'awaiting_resolution' });
      expect(s.context.lastError?.message).toContain('is before the ticket was filed');
      expect(s.context.lastError?.message).toContain('clock-skew tolerance');
      expect(s.context.lastError?.message).toContain(`cutover set-resolution ${ID} --at ISO --reason`);
      const set = send(s, { type: 'SET_RESOLUTION', resolvedAt: RESOLVED_AT, ...op });
      expect(set.matches({ cutting_over: 'creating' })).toBe(true);
    });

    it('takes a resolutiondate within the clock-skew tolerance after the poll observed it', () => {
      const s = send(polling(), poll(true, '2026-01-05T11:09:59.000Z'));
      expect(s.context.marks.legacy_stopped).toEqual({ at: '2026-01-05T11:09:59.000Z', source: 'jira.resolutiondate' });
    });

    it('a resolution known only from the changelog is enough, and is recorded as such', () => {
      const s = send(polling(), poll(true, null, RESOLVED_AT));
      expect(s.matches({ cutting_over: 'creating' })).toBe(true);
      expect(s.context.marks.legacy_stopped).toEqual({ at: RESOLVED_AT, source: 'jira.changelog' });
    });

    it('RETRY into cutting_over without legacy_stopped goes back to awaiting the ticket', () => {
      const parked = send(creating(), failed('createFlow', badRequest));
      expect(parked.value).toBe('needs_attention');
      expect(parked.context.resumeTarget).toBe('cutting_over');
      const { legacy_stopped: _gone, ...marks } = parked.context.marks;
      const tampered = migrationMachine.resolveState({
        value: 'needs_attention',
        context: { ...parked.context, marks },
      });
      const s = send(tampered, { type: 'RETRY', ...op });
      expect(s.matches({ awaiting_resolution: 'polling' })).toBe(true);
      // With the mark, the same retry creates.
      expect(send(parked, { type: 'RETRY', ...op }).matches({ cutting_over: 'creating' })).toBe(true);
    });

    it('ignores WAKE and SET_RESOLUTION before the ticket is filed', () => {
      const s = staging();
      expect(send(s, { type: 'WAKE' }).value).toEqual(s.value);
      const set = send(s, { type: 'SET_RESOLUTION', resolvedAt: RESOLVED_AT, ...op });
      expect(set.value).toEqual(s.value);
      expect(set.context.marks).toEqual({});
    });
  });

  describe('polling', () => {
    it('times the next ticket poll from when the last one was sent, less its round trip, so detection stays within the interval', () => {
      const sent = '2026-01-05T11:04:59.000Z'; // the poll's answer was observed at 11:05:00.000: a 1 s round trip
      const s = send(polling(), {
        ...poll(false, null),
        output: { ...(poll(false, null) as unknown as { output: object }).output, startedAt: sent },
      });
      expect(s.context.waitUntil).toBe(Date.parse(sent) + plan.polling.ticketIntervalMs - 1000);
    });

    it('never brings the next poll forward by more than half the interval, however slow the last answer', () => {
      const sent = '2026-01-05T10:00:00.000Z';
      const s = send(polling(), {
        ...poll(false, null),
        output: { ...(poll(false, null) as unknown as { output: object }).output, startedAt: sent },
      });
      expect(s.context.waitUntil).toBe(Date.parse(sent) + plan.polling.ticketIntervalMs / 2);
    });

    it('dates the detection of a resolution a batch search saw when that search answered, not the full read after', () => {
      const seenDoneAt = '2026-01-05T11:04:58.500Z'; // the search; the full read answered at 11:05:00.000
      const output = { ...(poll(true, RESOLVED_AT) as unknown as { output: object }).output, seenDoneAt };
      const s = send(polling(), { ...poll(true, RESOLVED_AT), output });
      expect(s.context.marks.resolution_detected?.at).toBe(seenDoneAt);
      expect(s.context.marks.legacy_stopped?.at).toBe(RESOLVED_AT);
      // Without a batch's sighting, the full read's answer is the detection.
      expect(creating().context.marks.resolution_detected?.at).toBe('2026-01-05T11:05:00.000Z');
    });
  });

  describe('cancel', () => {
    it('before the ticket is filed: cancelled at once, nothing to withdraw', () => {
      expect(send(draft(), { type: 'CANCEL', ...op }).value).toBe('cancelled');
      expect(send(staging(), { type: 'CANCEL', ...op }).value).toBe('cancelled');
    });

    it('while awaiting a ticket we filed: withdraws it, then cancelled', () => {
      const s = send(sleeping(), { type: 'CANCEL', ...op });
      expect(s.matches({ cancelling: 'withdrawing' })).toBe(true);
      expect(s.context.resumeTarget).toBe('cancelling');
      expect(s.context.waitUntil).toBeNull();
      expect('withdrawTicket' in s.children).toBe(true);
      expect(send(s, done('withdrawTicket')).value).toBe('cancelled');
    });

    it('with an attached ticket (not ours): cancelled without withdrawing it', () => {
      const s = send(polling(true), poll(false, null), { type: 'CANCEL', ...op });
      expect(s.value).toBe('cancelled');
    });

    // A ticket seen done without a resolution date still means the pipe is off; only the instant is unknown.
    it('is refused once a poll has seen the ticket done, even when the resolution instant is unknown', () => {
      const s = send(polling(), poll(true, null, null));
      expect(s.context.lastError?.code).toBe('RESOLUTION_TIME_UNKNOWN');
      expect(s.context.lastPoll?.statusCategory).toBe('done');
      expect(send(s, { type: 'CANCEL', ...op }).value).toBe('needs_attention');
    });

    it('is refused once the legacy pipe is off', () => {
      for (const s of [
        creating(),
        verifying(),
        send(creating(), failed('createFlow', badRequest)),
        send(creating(), failed('createFlow', serverError)),
      ]) {
        const after = send(s, { type: 'CANCEL', ...op });
        expect(after.value, name(s)).toEqual(s.value);
        expect(after.context).toEqual(s.context);
      }
    });
  });

  describe('errors', () => {
    it('retryable errors retry with a growing backoff deadline until maxAttempts, then park with the stored error', () => {
      const base = plan.polling.retryBaseMs;
      let s = send(staging(), failed('ensureBaseConnection', serverError));
      expect(s.value).toBe('retrying');
      expect(s.context).toMatchObject({
        attempts: 1,
        resumeTarget: 'staging',
        lastError: { ...serverError, step: 'staging' },
      });
      expect(s.context.waitUntil).toBe(Date.parse(AT) + retryDelayMs(base, 0, ID));
      s = send(s, done('waitForRetry'));
      expect(s.matches({ staging: 'base' })).toBe(true);
      s = send(s, failed('ensureBaseConnection', serverError));
      expect(s.value).toBe('retrying');
      expect(s.context.attempts).toBe(2);
      expect(s.context.waitUntil).toBe(Date.parse(AT) + retryDelayMs(base, 1, ID));
      s = send(s, done('waitForRetry'), failed('ensureBaseConnection', serverError));
      expect(plan.polling.maxAttempts).toBe(3);
      expect(s.value).toBe('needs_attention');
      expect(s.hasTag('attention')).toBe(true);
      expect(s.context.lastError).toEqual({ ...serverError, step: 'staging' });
      expect(JSON.parse(JSON.stringify(s.context.lastError))).toEqual(s.context.lastError);

      const retried = send(s, { type: 'RETRY', ...op });
      expect(retried.matches({ staging: 'base' })).toBe(true);
      expect(retried.context).toMatchObject({ attempts: 0, lastError: null });
    });

    it('the backoff has jitter within [50%, 100%] of the exponential ceiling, capped at five minutes', () => {
      for (let attempt = 0; attempt < 12; attempt++) {
        const ceiling = Math.min(5 * 60_000, 1000 * 2 ** attempt);
        const d = retryDelayMs(1000, attempt, ID);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    });

    it('a non-retryable error parks at once; a success resets the attempts', () => {
      const parked = send(filing(), failed('fileTicket', badRequest));
      expect(parked.value).toBe('needs_attention');
      expect(parked.context).toMatchObject({
        attempts: 0,
        resumeTarget: 'filing',
        lastError: { ...badRequest, step: 'filing' },
      });
      const recovered = send(
        staging(),
        failed('ensureBaseConnection', serverError),
        done('waitForRetry'),
        done('ensureBaseConnection', { id: 'base-1' }),
      );
      expect(recovered.matches({ staging: 'source' })).toBe(true);
      expect(recovered.context).toMatchObject({ attempts: 0, lastError: null, resumeTarget: null });
    });

    it('a thrown Error (not stored data) is kept as plain data, not retried', () => {
      const s = send(staging(), { type: 'xstate.error.actor.ensureBaseConnection', error: new Error('boom') });
      expect(s.value).toBe('needs_attention');
      expect(s.context.lastError).toMatchObject({
        code: 'INTERNAL',
        message: 'boom',
        retryable: false,
        step: 'staging',
      });
      expect(s.context.lastError).not.toBeInstanceOf(Error);
    });
  });

  describe('SKIP', () => {
    const preflightFailed = () =>
      send(
        draft(),
        { type: 'START' },
        done('runPreflight', {
          observedAt: AT,
          results: [
            {
              id: 'credentials.jira',
              severity: 'error',
              title: 'Jira',
              status: 'fail',
              message: 'Jira /myself failed',
            },
          ],
          ecaSpecId: 'eca-spec',
          flowSpecId: 'eca-flow-spec',
          adoptedConnectionId: null,
        }),
      );
    const verifyTimedOut = () =>
      send(
        verifying(),
        done('checkVerification', {
          observedAt: new Date(Date.parse('2026-01-05T11:06:00.000Z') + plan.polling.verifyTimeoutMs).toISOString(),
          seen: {},
          firstSuccessfulRunAt: null,
        }),
      );

    it('gets past a failed preflight check, recording who and why', () => {
      const s = preflightFailed();
      expect(s.context.lastError?.code).toBe('PREFLIGHT_FAILED');
      const skipped = send(s, { type: 'SKIP', check: 'credentials.jira', ...op });
      expect(skipped.value).toBe('preflight');
      expect(skipped.context.skippedChecks).toEqual([{ check: 'credentials.jira', by: op.by, reason: op.reason }]);
      expect(skipped.context.lastError).toBeNull();
      // The skipped check no longer blocks.
      const again = send(
        skipped,
        done('runPreflight', {
          observedAt: AT,
          results: s.context.preflight,
          ecaSpecId: 'eca-spec',
          flowSpecId: 'eca-flow-spec',
          adoptedConnectionId: null,
        }),
      );
      expect(again.matches({ staging: 'base' })).toBe(true);
    });

    it('gets past a verification timeout to the hand-off', () => {
      const s = verifyTimedOut();
      expect(s.value).toBe('needs_attention');
      expect(s.context.lastError?.code).toBe('VERIFY_TIMEOUT');
      expect(send(s, { type: 'SKIP', check: 'verification', ...op }).value).toBe('handoff');
    });

    it('does nothing anywhere else', () => {
      const others = [
        send(staging(), failed('ensureBaseConnection', badRequest)),
        send(polling(), poll(true, null)),
        send(creating(), failed('createFlow', badRequest)),
        sleeping(),
        verifying(),
      ];
      for (const s of others) {
        const after = send(s, { type: 'SKIP', check: 'credentials.jira', ...op });
        expect(after.value, name(s)).toEqual(s.value);
        expect(after.context.skippedChecks).toEqual([]);
      }
    });
  });

  describe('SET_RESOLUTION', () => {
    const override = { by: op.by, reason: op.reason };

    it('while awaiting an open ticket: refused without force, whatever the reason (no mark, no cut-over)', () => {
      const before = sleeping();
      const s = send(before, { type: 'SET_RESOLUTION', resolvedAt: RESOLVED_AT, ...op });
      expect(s.value).toEqual(before.value);
      expect(s.context.marks.legacy_stopped).toBeUndefined();
      const claimedOpen = {
        statusName: 'In Progress',
        statusCategory: 'indeterminate',
        source: 'jira' as const,
        observedAt: op.at,
      };
      const stillOpen = send(before, {
        type: 'SET_RESOLUTION',
        resolvedAt: RESOLVED_AT,
        ...op,
        ticketStatus: claimedOpen,
      });
      expect(stillOpen.context.marks.legacy_stopped).toBeUndefined();
    });

    it('while awaiting, forced: records the stop as a forced operator override, and cuts over', () => {
      const s = send(sleeping(), { type: 'SET_RESOLUTION', resolvedAt: RESOLVED_AT, ...op, force: true });
      expect(s.matches({ cutting_over: 'creating' })).toBe(true);
      expect(s.context.marks.legacy_stopped).toEqual({ at: RESOLVED_AT, source: 'operator.forced', override });
      expect(s.context.marks.resolution_detected).toEqual({ at: op.at, source: 'operator', override });
    });

    it('while awaiting, with a ticket Jira shows done: takes the override unforced', () => {
      const doneNow = { statusName: 'Done', statusCategory: 'done', source: 'jira' as const, observedAt: op.at };
      const s = send(sleeping(), { type: 'SET_RESOLUTION', resolvedAt: RESOLVED_AT, ...op, ticketStatus: doneNow });
      expect(s.matches({ cutting_over: 'creating' })).toBe(true);
      expect(s.context.marks.legacy_stopped).toEqual({ at: RESOLVED_AT, source: 'operator', override });
    });

    it("refuses an instant before the ticket was filed or after the operator's now, even forced", () => {
      for (const resolvedAt of ['2020-01-01T00:00:00.000Z', '2026-01-05T09:00:00.000Z', '2026-01-05T11:30:00.001Z']) {
        const s = send(sleeping(), { type: 'SET_RESOLUTION', resolvedAt, ...op, force: true });
        expect(s.matches({ awaiting_resolution: 'sleeping' }), resolvedAt).toBe(true);
        const parked = send(polling(), poll(true, null), { type: 'SET_RESOLUTION', resolvedAt, ...op, force: true });
        expect(parked.value, resolvedAt).toBe('needs_attention');
        expect(send(verifying(), { type: 'SET_RESOLUTION', resolvedAt, ...op }).context.marks.legacy_stopped?.at).toBe(
          RESOLVED_AT,
        );
      }
    });

    it('from RESOLUTION_TIME_UNKNOWN: records the mark, clears the error and cuts over', () => {
      const s = send(polling(), poll(true, null), { type: 'SET_RESOLUTION', resolvedAt: RESOLVED_AT, ...op });
      expect(s.matches({ cutting_over: 'creating' })).toBe(true);
      expect(s.context.lastError).toBeNull();
      expect(s.context.marks.legacy_stopped).toEqual({ at: RESOLVED_AT, source: 'operator', override });
    });

    it('after the resolution was detected: corrects the mark, keeps the state and the detection instant', () => {
      const before = verifying();
      const s = send(before, { type: 'SET_RESOLUTION', resolvedAt: '2026-01-05T10:45:00.000Z', ...op });
      expect(s.value).toEqual(before.value);
      expect(s.context.marks.legacy_stopped).toEqual({ at: '2026-01-05T10:45:00.000Z', source: 'operator', override });
      expect(s.context.marks.resolution_detected).toEqual(before.context.marks.resolution_detected);
    });

    it('does nothing in needs_attention for an unrelated step', () => {
      const s = send(staging(), failed('ensureBaseConnection', badRequest));
      const after = send(s, { type: 'SET_RESOLUTION', resolvedAt: RESOLVED_AT, ...op });
      expect(after.value).toBe('needs_attention');
      expect(after.context.marks.legacy_stopped).toBeUndefined();
    });
  });
});
