// Prompt-level tests, in process: the Asker's flag/default/prompt rules, flag parsing, and the real prompts
// module (including the searchable checkbox) driven through in-memory streams.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/clock.js';
import type { CliContext } from '../../src/cli/wiring/context.js';
import { terminalPrompter, type Prompter } from '../../src/cli/terminal/prompts.js';
import { Asker } from '../../src/cli/wizard/ask.js';
import { Draft } from '../../src/cli/wizard/draft.js';
import { parseAudiences, parseIdentity, parseSolutions } from '../../src/cli/wizard/options.js';
import { parsePollEvery } from '../../src/cli/wizard/review.js';
import { InterruptedError, UsageError } from '../../src/errors.js';
import { plain } from './helpers.js';

function context(signal = new AbortController().signal): { ctx: CliContext; input: PassThrough; screen: () => string } {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => (text += d.toString('utf8')));
  const ctx: CliContext = {
    io: { stdin: input, stdout: new PassThrough(), stderr: output },
    env: {},
    cwd: '/',
    clock: systemClock,
    signal,
    actor: 'test@host',
  };
  return { ctx, input, screen: () => plain(text) };
}

async function type(input: PassThrough, keys: string[]): Promise<void> {
  for (const k of keys) {
    await new Promise((r) => setTimeout(r, 20));
    input.write(k);
  }
}

describe('Asker', () => {
  const { ctx } = context();
  const never: Prompter = new Proxy({} as Prompter, { get: () => () => Promise.reject(new Error('must not prompt')) });

  it('a flag answers without prompting, and is validated like a typed answer', async () => {
    const ask = new Asker(ctx, never);
    await expect(ask.text({ flag: '--org <id>', given: 'X@AdobeOrg', message: 'Org' })).resolves.toBe('X@AdobeOrg');
    await expect(
      ask.text({ flag: '--org <id>', given: 'bad', message: 'Org', validate: () => 'expected an org id' }),
    ).rejects.toThrow(/--org "bad": expected an org id/);
  });

  it('without a prompter takes the default, and names the flag when there is none', async () => {
    const ask = new Asker(ctx, null);
    await expect(ask.text({ flag: '--sandbox <name>', message: 'Sandbox', default: 'prod' })).resolves.toBe('prod');
    await expect(
      ask.pickMany({
        flag: '--solutions <list>',
        message: 'Solutions',
        choices: [
          { value: 'a', name: 'A', checked: true },
          { value: 'b', name: 'B' },
        ],
      }),
    ).resolves.toEqual(['a']);
    const missing = ask.text({ flag: '--jira-project <key>', message: 'Jira project key' });
    await expect(missing).rejects.toBeInstanceOf(UsageError);
    await expect(missing).rejects.toThrow(/pass --jira-project <key>/);
  });
});

describe('Asker with a draft', () => {
  const { ctx } = context();
  const never: Prompter = new Proxy({} as Prompter, { get: () => () => Promise.reject(new Error('must not prompt')) });
  const isKey = (v: string) => (/^[A-Z][A-Z0-9_]{1,9}$/.test(v) ? true : 'upper-case');

  it('a kept answer is not asked again; a kept answer that fails its check is', async () => {
    const kept = new Asker(ctx, never, new Draft(ctx, null, { jira: { projectKey: 'CC' } }));
    await expect(
      kept.text({ flag: '--jira-project <key>', field: 'jira.projectKey', message: 'Key', validate: isKey }),
    ).resolves.toBe('CC');
    const typed: Prompter = { ...never, input: async () => 'AAM' };
    const wrong = new Asker(ctx, typed, new Draft(ctx, null, { jira: { projectKey: 'cc' } }));
    await expect(
      wrong.text({ flag: '--jira-project <key>', field: 'jira.projectKey', message: 'Key', validate: isKey }),
    ).resolves.toBe('AAM');
  });

  it('every answer, typed or given by a flag, is written to the draft file (0600) as it comes in', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cutover-draft-')), 'drafts', 'X@AdobeOrg.plan.json');
    const typed: Prompter = { ...never, confirm: async () => true };
    const ask = new Asker(ctx, typed, new Draft(ctx, file));
    await ask.text({ flag: '--org <id>', field: 'orgId', given: 'X@AdobeOrg', message: 'Org' });
    await ask.yesNo({ flag: '--data-management', field: 'usesDataManagement', message: 'DM?', default: false });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      $draft: expect.any(String),
      orgId: 'X@AdobeOrg',
      usesDataManagement: true,
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('flag parsing', () => {
  it('reads solutions, audiences and identities, naming what is wrong', () => {
    expect(parseSolutions('audience_manager,target')).toEqual(['audience_manager', 'target']);
    expect(() => parseSolutions('photoshop')).toThrow(/not a solution: photoshop/);
    expect(parseAudiences('legacy', ['a', 'b'], ['a'])).toEqual(['a']);
    expect(parseAudiences('all', ['a', 'b'], ['a'])).toEqual(['a', 'b']);
    expect(() => parseAudiences('legacy', ['a'], null)).toThrow(/no legacy data source/);
    expect(parseIdentity('Email:email_lc_sha256:hash')).toEqual({
      source: 'Email',
      target: 'email_lc_sha256',
      applyHashing: true,
    });
    expect(() => parseIdentity('ECID:ECID:hash')).toThrow(/only phone_sha256 and email_lc_sha256 can be hashed/);
    expect(() => parseIdentity('Email')).toThrow(/expected SOURCE:TARGET/);
  });
});

describe('--poll-every', () => {
  it('takes whole seconds from 5 to 86400 and refuses 5.5 (a usage error naming the flag), not rounding it', () => {
    expect(parsePollEvery('5')).toBe(5_000);
    expect(parsePollEvery('86400')).toBe(86_400_000);
    expect(parsePollEvery(undefined)).toBeUndefined();
    for (const bad of ['5.5', '60.0', '1e2', '4', '', 'soon']) {
      expect(() => parsePollEvery(bad), bad).toThrow(UsageError);
      expect(() => parsePollEvery(bad), bad).toThrow(
        `--poll-every ${JSON.stringify(bad)}: expected whole seconds from 5 to 86400`,
      );
    }
  });
});

describe('the prompts module', () => {
  it('the searchable checkbox narrows the list as you type and keeps earlier choices', async () => {
    const { ctx, input, screen } = context();
    const answer = terminalPrompter(ctx).search({
      message: 'Audiences',
      choices: [
        { value: 'a1', name: 'Loyal customers', checked: true },
        { value: 'a2', name: 'Cart abandoners' },
        { value: 'a3', name: 'Churn risk' },
      ],
    });
    await type(input, ['c', 'h', 'u', '\t', '\r']);
    await expect(answer).resolves.toEqual(['a1', 'a3']);
    expect(screen()).toMatch(/search "chu": 1 of 3 shown/);
  });

  it('in the searchable checkbox a space is part of a search; tab toggles, and so does space while the search is empty', async () => {
    const { ctx, input, screen } = context();
    const answer = terminalPrompter(ctx).search({
      message: 'Audiences',
      choices: [
        { value: 'a1', name: 'Cart abandoners' },
        { value: 'a2', name: 'Cartography fans' },
        { value: 'a3', name: 'Churn risk' },
      ],
    });
    await type(input, [' ', ...'Churn r', '\t', '\r']);
    await expect(answer).resolves.toEqual(['a1', 'a3']);
    expect(screen()).toMatch(/search "Churn r": 1 of 3 shown · ↑↓ move · tab select/);
    expect(screen()).toMatch(/type to search · ↑↓ move · space or tab select · ⏎ done · 1 selected/);
  });

  it('the searchable checkbox re-asks when the selection fails its check', async () => {
    const { ctx, input, screen } = context();
    const answer = terminalPrompter(ctx).search({
      message: 'Audiences',
      choices: [
        { value: 'a1', name: 'One', checked: true },
        { value: 'a2', name: 'Two', checked: true },
      ],
      validate: (ids) => (ids.length <= 1 ? true : 'at most 1'),
    });
    await type(input, ['\r', ' ', '\r']);
    await expect(answer).resolves.toEqual(['a2']);
    expect(screen()).toContain('at most 1');
  });

  it('Ctrl-C at a question is an interruption (exit 130), not a crash', async () => {
    const { ctx, input } = context();
    const answer = terminalPrompter(ctx).input({ message: 'Org' });
    await type(input, ['\u0003']);
    await expect(answer).rejects.toBeInstanceOf(InterruptedError);
  });

  it('aborting ctx.signal (SIGINT) ends a pending question the same way', async () => {
    const controller = new AbortController();
    const { ctx } = context(controller.signal);
    const answer = terminalPrompter(ctx).confirm({ message: 'Continue?' });
    controller.abort();
    await expect(answer).rejects.toMatchObject({ exitCode: 130 });
  });
});
