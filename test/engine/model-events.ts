// The events a model traversal of the migration machine may take: operator events, and the done/error events
// of every invoked actor with plausible outputs (plain data, as the engine's actors produce them).
import type { AnyEventObject } from 'xstate';
import type { CheckResult } from '../../src/core/preflight.js';
import type { StoredError } from '../../src/core/types.js';

export const MODEL_AT = '2026-01-05T09:00:00.000Z';
export const MODEL_RESOLVED_AT = '2026-01-05T12:00:00.000Z';
const op = { by: 'support@example.com', reason: 'model', at: MODEL_AT };

export function storedError(retryable: boolean, code = retryable ? 'SERVER_ERROR' : 'BAD_REQUEST'): StoredError {
  return { code, message: `${code}: from the model`, httpStatus: retryable ? 503 : 400, at: MODEL_AT, retryable };
}

const failedCheck: CheckResult = {
  id: 'credentials.jira',
  severity: 'error',
  title: 'Jira credentials',
  status: 'fail',
  message: 'Jira /myself failed',
};
/** A poll observes a resolution after it happened (an earlier observation would make the date implausible). */
const poll = (resolved: boolean, date: string | null) => ({
  observedAt: resolved ? '2026-01-05T12:05:00.000Z' : MODEL_AT,
  statusName: resolved ? 'Done' : 'Open',
  statusCategory: resolved ? 'done' : 'new',
  resolved,
  resolutionDate: date,
  doneTransitionAt: null,
});

/** Invoke ids of the machine (the `id` of each invoke), each with the outputs its actor may give. */
export const ACTOR_OUTPUTS: Record<string, unknown[]> = {
  runPreflight: [
    {
      observedAt: MODEL_AT,
      results: [],
      ecaSpecId: 'eca-spec',
      flowSpecId: 'eca-flow-spec',
      adoptedConnectionId: null,
    },
    {
      observedAt: MODEL_AT,
      results: [failedCheck],
      ecaSpecId: 'eca-spec',
      flowSpecId: 'eca-flow-spec',
      adoptedConnectionId: null,
    },
    { observedAt: MODEL_AT, results: [], ecaSpecId: null, flowSpecId: null, adoptedConnectionId: null },
  ],
  ensureBaseConnection: [{ id: 'base-1' }],
  ensureSourceConnection: [{ id: 'source-2' }],
  ensureTargetConnection: [{ id: 'target-3' }],
  fileTicket: [
    { key: 'CC-1', id: '10001', createdAt: MODEL_AT, attached: false },
    { key: 'CC-9', id: '10009', createdAt: MODEL_AT, attached: true },
  ],
  // The last: a resolutiondate before the ticket was filed, and no changelog (parks RESOLUTION_OUT_OF_BOUNDS).
  pollTicket: [
    poll(false, null),
    poll(true, MODEL_RESOLVED_AT),
    poll(true, null),
    poll(true, '2026-01-05T07:00:00.000Z'),
  ],
  waitForPoll: [undefined],
  createFlow: [{ id: 'flow-1', createdAt: MODEL_RESOLVED_AT }],
  checkVerification: [
    { observedAt: '2026-01-05T12:05:00.000Z', seen: {}, firstSuccessfulRunAt: null },
    {
      observedAt: '2026-01-05T12:05:00.000Z',
      seen: { 'seg-1': '2026-01-05T12:04:00.000Z', 'seg-2': '2026-01-05T12:04:00.000Z' },
      firstSuccessfulRunAt: null,
    },
    { observedAt: '2026-01-05T14:00:00.000Z', seen: {}, firstSuccessfulRunAt: null },
  ],
  waitForVerify: [undefined],
  postHandoff: [undefined],
  waitForRetry: [undefined],
  withdrawTicket: [undefined],
};

export function modelEvents(): AnyEventObject[] {
  const events: AnyEventObject[] = [
    { type: 'START' },
    { type: 'WAKE' },
    { type: 'RETRY', ...op },
    { type: 'CANCEL', ...op },
    { type: 'SKIP', check: 'credentials.jira', ...op },
    // After the instant it claims; refused while the ticket is not done, unless forced.
    { type: 'SET_RESOLUTION', resolvedAt: MODEL_RESOLVED_AT, ...op, at: '2026-01-05T12:30:00.000Z' },
    { type: 'SET_RESOLUTION', resolvedAt: MODEL_RESOLVED_AT, ...op, at: '2026-01-05T12:30:00.000Z', force: true },
    { type: 'CONFIRM', solution: 'target', by: op.by, at: op.at },
  ];
  for (const [id, outputs] of Object.entries(ACTOR_OUTPUTS)) {
    for (const output of outputs) events.push({ type: `xstate.done.actor.${id}`, output });
    if (!id.startsWith('waitFor')) {
      events.push({ type: `xstate.error.actor.${id}`, error: storedError(true) });
      events.push({ type: `xstate.error.actor.${id}`, error: storedError(false) });
      // Refused credentials: waited out a few times during a wait, parked with the fix (issue 13 item 4).
      events.push({
        type: `xstate.error.actor.${id}`,
        error: { ...storedError(false, 'UNAUTHENTICATED'), httpStatus: 401, kind: 'auth' },
      });
    }
  }
  return events;
}
