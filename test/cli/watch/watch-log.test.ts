// `watch --log-format json`: one JSON object per line, the level from the line or the event, the migration id
// and state attached, and the watch's secrets masked (in the text format too).
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { say } from '../../../src/cli/terminal/output.js';
import { watchLog } from '../../../src/cli/commands/watch-log.js';
import type { CliContext } from '../../../src/cli/wiring/context.js';
import { FakeClock } from '../../support/fakes/clock.js';

const URL_WITH_TOKEN = 'https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX';

function context(): { ctx: CliContext; stderr: () => string } {
  let err = '';
  const stderr = new PassThrough();
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const ctx: CliContext = {
    io: { stdout: new PassThrough(), stderr, stdin: Readable.from([]) },
    env: {},
    cwd: '/',
    clock: new FakeClock(Date.parse('2026-12-02T19:00:00.000Z')),
    signal: new AbortController().signal,
    actor: 'ops@test',
  };
  return { ctx, stderr: () => err };
}

describe('watch logs', () => {
  it('writes one JSON object per line with level, migration id and state, secrets masked', () => {
    const { ctx, stderr } = context();
    const log = watchLog(ctx, 'json', [URL_WITH_TOKEN, 'the-notify-secret']);
    say(log.ctx, 'warning: could not post to https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX');
    log.withFields({ migrationId: 'm-0123456789', state: 'verifying.sleeping', level: 'error' }, () =>
      say(log.ctx, '19:00:00Z  m-0123456789  ORG@AdobeOrg  failed: the-notify-secret leaked?'),
    );
    say(log.ctx, 'http retry {"service":"jira","attempt":2}');
    const lines = stderr()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { time: '2026-12-02T19:00:00.000Z', level: 'warn', message: 'warning: could not post to [REDACTED]' },
      {
        time: '2026-12-02T19:00:00.000Z',
        level: 'error',
        message: '19:00:00Z  m-0123456789  ORG@AdobeOrg  failed: [REDACTED] leaked?',
        migrationId: 'm-0123456789',
        state: 'verifying.sleeping',
      },
      {
        time: '2026-12-02T19:00:00.000Z',
        level: 'info',
        message: 'http retry {"service":"jira","attempt":2}',
        service: 'jira',
      },
    ]);
  });

  it('masks the same secrets in the text format', () => {
    const { ctx, stderr } = context();
    const log = watchLog(ctx, 'text', [URL_WITH_TOKEN]);
    say(log.ctx, `posting to ${URL_WITH_TOKEN}`);
    expect(stderr()).toBe('posting to [REDACTED]\n');
  });
});
