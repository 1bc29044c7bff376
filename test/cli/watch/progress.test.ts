// What watch says about a fleet whose waits meet bad answers: the failure once when its kind appears, not once
// per drive, with when the next read is due; and once more when the reads answer again.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressPrinter } from '../../../src/cli/terminal/fleet-progress.js';
import type { CliContext } from '../../../src/cli/wiring/context.js';
import type { MigrationContext, WaitTrouble } from '../../../src/core/machine-types.js';
import type { ErrorKind } from '../../../src/core/types.js';
import type { DriveResult } from '../../../src/engine/engine.js';

const NOW = Date.parse('2026-01-05T14:02:30.000Z');

function printer() {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (d: Buffer) => (text += d.toString()));
  const ctx: CliContext = {
    io: { stdout: new PassThrough(), stderr, stdin: Readable.from([]) },
    env: { NO_COLOR: '1' },
    cwd: '/',
    clock: { now: () => NOW, sleepUntil: async () => {} } as unknown as CliContext['clock'],
    signal: new AbortController().signal,
    actor: 'test@host',
  };
  return { print: progressPrinter(ctx), lines: () => text.trim().split('\n').filter(Boolean) };
}

function trouble(kind: ErrorKind, tries: number, httpStatus?: number): WaitTrouble {
  const last = {
    code: 'SERVER_ERROR',
    message: 'jira: …',
    at: '2026-01-05T14:02:20.000Z',
    retryable: true,
    kind,
    service: 'jira',
    httpStatus,
  };
  return { step: 'awaiting_resolution', since: '2026-01-05T14:02:05.000Z', tries, kinds: { [kind]: tries }, last };
}

function finished(waitTrouble: WaitTrouble | null) {
  const context = { waitTrouble, attempts: 0, lastError: null, waitUntil: NOW + 40_000 } as unknown as MigrationContext;
  const result: DriveResult = { id: 'm-1', status: 'waiting', state: 'awaiting_resolution.sleeping', context };
  return { kind: 'finished' as const, id: 'm-1', orgId: 'ORG@AdobeOrg', result, nextAt: NOW + 40_000 };
}

describe('watch lines for a wait whose reads fail', () => {
  it('says each kind of failure once, with the next try, and says when the reads answer again', () => {
    const { print, lines } = printer();
    print(finished(null));
    print(finished(trouble('html', 1)));
    print(finished(trouble('html', 2)));
    print(finished(trouble('html', 3)));
    print(finished(trouble('server', 4, 503)));
    print(finished(null));
    expect(lines()).toEqual([
      '14:02:30Z  m-1  ORG@AdobeOrg  waiting: awaiting_resolution.sleeping, next check at 14:03:10Z',
      '14:02:30Z  m-1  ORG@AdobeOrg  waiting: awaiting_resolution.sleeping, Jira answered HTML (1 try since 14:02:05Z), retrying at 14:03:10Z',
      '14:02:30Z  m-1  ORG@AdobeOrg  waiting: awaiting_resolution.sleeping, Jira answered HTTP 503 (4 tries since 14:02:05Z), retrying at 14:03:10Z',
      '14:02:30Z  m-1  ORG@AdobeOrg  waiting: awaiting_resolution.sleeping, next check at 14:03:10Z',
    ]);
  });
});
