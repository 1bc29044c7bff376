// The re-enable ticket is waited on like the deprovisioning ticket: its service level, in business days from when
// it was filed, flags the rollback as stalled; days of silence within it are not "no progress".
import { describe, expect, it } from 'vitest';
import { stallReasons, type StallRecord } from '../../src/core/stall.js';

const filed = '2026-01-05T09:00:00.000Z';

function rollingBack(over: Partial<StallRecord> = {}): StallRecord {
  return {
    id: 'm-1',
    state: 'rolling_back.reenable.sleeping',
    status: 'waiting',
    progressAt: filed,
    lastError: null,
    ticketKey: 'CC-8',
    marks: {
      ticket_filed: { at: '2025-12-01T09:00:00.000Z', source: 'jira.created' },
      legacy_stopped: { at: '2025-12-02T09:00:00.000Z', source: 'jira.resolutiondate' },
      reenable_filed: { at: filed, source: 'jira.created' },
    },
    planSlaBusinessDays: 6,
    ...over,
  };
}

const codes = (r: StallRecord, now: string) => stallReasons(r, null, now).map((x) => x.code);

describe('stall verdict during a rollback', () => {
  it('counts the service level from the re-enable ticket, not the deprovisioning one', () => {
    expect(codes(rollingBack(), '2026-01-13T09:00:00Z')).toEqual([]);
    const late = stallReasons(rollingBack(), null, '2026-01-13T09:00:01Z');
    expect(late.map((x) => x.code)).toEqual(['ticket_past_sla']);
    expect(late[0]?.message).toContain(`CC-8 filed ${filed}`);
  });

  it('is over once rolled back', () => {
    expect(codes(rollingBack({ state: 'rolled_back', status: 'rolled_back' }), '2026-03-01T00:00:00Z')).toEqual([]);
  });
});
