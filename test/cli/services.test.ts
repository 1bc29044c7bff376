// The destination's bearer token comes from the variable the plan names, not from the configuration: it must
// be masked like the configured secrets wherever the HTTP layer writes text (debug lines, errors).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/clock.js';
import { validateConfig } from '../../src/core/config.js';
import type { CliContext } from '../../src/cli/wiring/context.js';
import { connect } from '../../src/cli/wiring/org-clients.js';

describe('connect', () => {
  it('masks the destination token named by the plan', () => {
    const token = 'dest-bearer-token-5f2c9a';
    const ctx: CliContext = {
      io: { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough() },
      env: { ECA_TOKEN: token },
      cwd: '/',
      clock: systemClock,
      signal: new AbortController().signal,
      actor: 'tester@host',
    };
    const { config } = validateConfig({
      CUTOVER_JIRA_URL: 'http://127.0.0.1:9',
      CUTOVER_JIRA_EMAIL: 'a@example.com',
      CUTOVER_JIRA_TOKEN: 'jira-token-1',
      CUTOVER_CLIENT_ID: 'client',
      CUTOVER_CLIENT_SECRET: 'secret-1',
      CUTOVER_ORG_ID: 'ORG@AdobeOrg',
    });
    const { services } = connect(ctx, config, {
      orgId: 'ORG@AdobeOrg',
      sandbox: 'prod',
      destination: { tokenEnv: 'ECA_TOKEN' },
    });
    expect(services.redactor.text(`auth failed for ${token}`)).not.toContain(token);
    const without = connect(ctx, config, { orgId: 'ORG@AdobeOrg', sandbox: 'prod' });
    expect(without.services.redactor.text(token)).toContain(token);
  });
});
