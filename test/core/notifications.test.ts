// The pure derivation of notifications from a transition's before and after (src/core/notifications.ts).
import { describe, expect, it } from 'vitest';
import { type MigrationView, notificationsFor, type NotificationInput } from '../../src/core/notifications.js';

const filed = { at: '2026-03-02T09:00:00.000Z', source: 'jira.created' };
const waiting: MigrationView = {
  state: 'awaiting_resolution.sleeping',
  status: 'waiting',
  marks: { ticket_filed: filed },
  lastError: null,
  ticketKey: 'CC-7',
};

function input(before: MigrationView | null, after: MigrationView, at = '2026-03-03T09:00:00.000Z'): NotificationInput {
  return { migrationId: 'm-1', orgId: 'ORG@AdobeOrg', slaBusinessDays: 2, slaTimeZone: null, before, after, at };
}

describe('notificationsFor', () => {
  it('says nothing for a poll that changed nothing that matters', () => {
    expect(notificationsFor(input(waiting, { ...waiting, state: 'awaiting_resolution.polling' }))).toEqual([]);
  });

  it('announces the resolution, then the completion with its downtime window', () => {
    const stopped = { at: '2026-03-03T10:00:00.000Z', source: 'jira.resolutiondate' };
    const cutting = { ...waiting, state: 'cutting_over.creating', status: 'active' as const };
    const resolved = { ...cutting, marks: { ...waiting.marks, legacy_stopped: stopped } };
    const [event] = notificationsFor(input(waiting, resolved));
    expect(event).toEqual({
      id: 'm-1.ticket_resolved.CC-7',
      type: 'ticket_resolved',
      migrationId: 'm-1',
      orgId: 'ORG@AdobeOrg',
      at: '2026-03-03T09:00:00.000Z',
      data: { ticketKey: 'CC-7', resolvedAt: stopped.at, source: stopped.source },
    });
    const connected = { at: '2026-03-03T10:00:42.000Z', source: 'flow.createdAt' };
    const done = { ...resolved, state: 'completed', status: 'completed' as const };
    done.marks = { ...resolved.marks, connection_established: connected };
    const [completed] = notificationsFor(input(resolved, done));
    expect(completed).toMatchObject({
      type: 'cutover_completed',
      data: { downtime: { from: stopped.at, to: connected.at, ms: 42_000, text: expect.any(String) } },
    });
  });

  it('gives needs attention its reason and the command that helps, once per parking', () => {
    const error = { code: 'RESOLUTION_TIME_UNKNOWN', message: 'no date', at: 'x', retryable: false };
    const parked = { ...waiting, state: 'needs_attention', status: 'needs_attention' as const, lastError: error };
    const [event] = notificationsFor(input(waiting, parked as MigrationView));
    expect(event?.data).toMatchObject({
      reason: 'RESOLUTION_TIME_UNKNOWN: no date',
      command: 'cutover set-resolution m-1 --at ISO --reason "..."',
    });
    expect(notificationsFor(input(parked as MigrationView, parked as MigrationView))).toEqual([]);
  });

  it('flags a ticket past its service level with one id however many polls see it', () => {
    const late = '2026-03-09T09:00:00.000Z';
    const a = notificationsFor(input(waiting, { ...waiting, state: 'awaiting_resolution.polling' }, late));
    const b = notificationsFor(input(waiting, waiting, '2026-03-10T09:00:00.000Z'));
    expect(a.map((e) => e.type)).toEqual(['ticket_stalled']);
    expect(b.map((e) => e.id)).toEqual(a.map((e) => e.id));
  });

  it('maps the rollback states to rollback_started and rollback_ended', () => {
    const active = { ...waiting, state: 'verifying.checking', status: 'active' as const };
    const rolling = { ...active, state: 'rolling_back.restoring' };
    expect(notificationsFor(input(active, rolling)).map((e) => e.type)).toEqual(['rollback_started']);
    expect(notificationsFor(input(rolling, { ...active, state: 'rolled_back' })).map((e) => e.type)).toEqual([
      'rollback_ended',
    ]);
  });
});
