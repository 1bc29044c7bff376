// `cutover start --plan F --yes` with bad plan files: each gets a message naming the field, exit 2, and the state
// database is byte-for-byte unchanged. What only the services know (an unknown audience, a missing Jira project)
// surfaces in preflight, before anything is created: exit 3, database unchanged too.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, goodPlan, runCli, setUp, sha256, type Env } from './helpers.js';

let t: Env;
let base: Record<string, unknown>;
let dbHash: string;

beforeAll(async () => {
  ensureBuilt();
  t = await setUp();
  base = goodPlan(await t.world());
  // One real migration in the database first, so "unchanged" means something.
  const file = join(t.dir, 'good.json');
  writeFileSync(file, JSON.stringify(base));
  const first = await runCli(['--db', t.db, 'start', '--plan', file, '--yes'], t.env);
  expect(first.code, first.stderr).toBe(6);
  dbHash = sha256(t.db);
}, 120_000);
afterAll(() => t?.emu.close());

const TOO_MANY = Array.from({ length: 251 }, (_, i) => `segment-${i}`);
const with_ = (patch: Record<string, unknown>) => () => JSON.stringify({ ...base, ...patch });
const without = (key: string) => () => JSON.stringify({ ...base, [key]: undefined });

const BAD: [string, () => string, RegExp][] = [
  ['an empty file', () => '', /is empty: expected a JSON object/],
  ['not JSON', () => 'orgId: x', /is not valid JSON: unexpected "o" at line 1, column 1/],
  ['a trailing comma', () => JSON.stringify(base).replace(/}$/, ',}'), /not valid JSON.*a trailing comma\?/],
  ['an array instead of an object', () => '[]', /\(plan\) must be a JSON object/],
  ['orgId of the wrong type', with_({ orgId: 42 }), /orgId must be an IMS org id .*; found number 42/],
  ['a malformed orgId', with_({ orgId: 'acme' }), /orgId must be an IMS org id .*; found "acme"/],
  ['no audiences', without('audiences'), /audiences \(required\) must be a non-empty array/],
  [
    'an empty audience list',
    with_({ audiences: [] }),
    /audiences must be a non-empty array .*; found an array of 0 items/,
  ],
  [
    '251 audiences',
    with_({ audiences: TOO_MANY }),
    /audiences has 251 distinct audience ids: the destination allows at most 250 per dataflow \(1 too many\)/,
  ],
  [
    'an audience id of the wrong type',
    with_({ audiences: ['ok-id', 7] }),
    /audiences\[1\] must be an audience id .*; found number 7/,
  ],
  [
    'an identity not in the product table',
    with_({ identities: [{ source: 'Email', target: 'email_sha256' }] }),
    /identities\[0\]\.target must be one of GAID, IDFA, ECID, phone_sha256, email_lc_sha256, extern_id \(did you mean "email_lc_sha256"\?\)/,
  ],
  [
    'hashing an identity that cannot be hashed',
    with_({ identities: [{ source: 'ECID', target: 'ECID', applyHashing: true }] }),
    /identities\[0\]\.applyHashing is true, but ECID cannot be hashed/,
  ],
  ['an unknown solution', with_({ solutions: ['photoshop'] }), /solutions\[0\] must be one of audience_manager/],
  ['no jira section', without('jira'), /jira \(required\) must be an object/],
  [
    'no Jira project key',
    with_({ jira: { issueType: 'Task' } }),
    /jira\.projectKey \(required\) must be a Jira project key/,
  ],
  [
    'a malformed ticket key',
    with_({ jira: { projectKey: 'CC', existingKey: 'cc 12' } }),
    /jira\.existingKey must be a Jira issue key like "AAM-52354"; found "cc 12"/,
  ],
  [
    'a bad date in acceptedChecks',
    with_({ acceptedChecks: [{ check: 'legacy.inventory', reason: 'ok', by: 'me', at: '31/12/2026' }] }),
    /acceptedChecks\[0\]\.at must be an ISO-8601 instant/,
  ],
  [
    'a poll interval below the minimum',
    with_({ polling: { ticketIntervalMs: 1000 } }),
    /polling\.ticketIntervalMs must be at least 5000 \(polling Jira more often than every 5 s risks its rate limits\)/,
  ],
  [
    'a secret in the plan',
    with_({ destination: { name: 'x', bearerToken: 'abc' } }),
    /destination\.bearerToken: no secrets in a plan/,
  ],
  [
    'usesDataManagement of the wrong type',
    with_({ usesDataManagement: 'yes' }),
    /usesDataManagement must be true or false; found "yes"/,
  ],
];

describe('cutover start --plan F --yes with a bad plan file', () => {
  it.each(BAD)('%s: a specific message, exit 2, database unchanged', async (name, text, message) => {
    const file = join(t.dir, `${name.replace(/\W+/g, '-')}.json`);
    writeFileSync(file, text());
    const run = await runCli(['--db', t.db, 'start', '--plan', file, '--yes'], t.env);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(
      /error: .*error.* in the plan \(listed above\); nothing was created|error: .*is not valid JSON|error: .*is empty/,
    );
    expect(run.code).toBe(2);
    expect(sha256(t.db)).toBe(dbHash);
  });

  it('prints every error of a plan, not just the first', async () => {
    const file = join(t.dir, 'many.json');
    writeFileSync(file, JSON.stringify({ ...base, orgId: 1, audiences: [], jira: {} }));
    const run = await runCli(['--db', t.db, 'start', '--plan', file, '--yes'], t.env);
    expect(run.code).toBe(2);
    for (const field of ['orgId', 'audiences', 'jira.projectKey']) expect(run.stderr).toContain(`error  ${field}`);
    expect(run.stderr).toContain('3 errors in the plan');
  });

  it('a missing plan file is a usage error', async () => {
    const run = await runCli(['--db', t.db, 'start', '--plan', join(t.dir, 'nope.json'), '--yes'], t.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no such file');
    expect(sha256(t.db)).toBe(dbHash);
  });
});

describe('what only the services know surfaces in preflight, before anything is created', () => {
  const PREFLIGHT: [string, () => string, RegExp][] = [
    [
      'an unknown audience',
      () => JSON.stringify({ ...base, audiences: [...(base.audiences as string[]), 'no-such-segment'] }),
      /FAIL\s+audiences\.exist\s+1 of \d+ audiences does not exist in sandbox prod: no-such-segment/,
    ],
    [
      'a Jira project that does not exist',
      () => JSON.stringify({ ...base, jira: { projectKey: 'NOPE' } }),
      /FAIL\s+jira\.project\s+project NOPE does not exist or the Jira user cannot see it/,
    ],
  ];
  it.each(PREFLIGHT)('%s: the failed check with its fix, exit 3, database unchanged', async (name, text, message) => {
    const file = join(t.dir, `${name.replace(/\W+/g, '-')}.json`);
    writeFileSync(file, text());
    const before = (await t.world()).counters.requests;
    const run = await runCli(['--db', t.db, 'start', '--plan', file, '--yes'], t.env);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/fix: /);
    expect(run.stderr).toContain('nothing was created');
    expect(run.code).toBe(3);
    expect(sha256(t.db)).toBe(dbHash);
    const after = (await t.world()).counters.requests;
    for (const route of ['flow.connections.create', 'flow.flows.create', 'jira.issue.create'])
      expect(after[route] ?? 0).toBe(before[route] ?? 0);
  });
});

describe('without a terminal', () => {
  it('refuses to ask, naming --yes, instead of hanging', async () => {
    const run = await runCli(['--db', t.db, 'start'], t.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no terminal to ask on, and --yes was not given/);
    expect(run.stderr).toMatch(/--yes/);
    expect(sha256(t.db)).toBe(dbHash);
  });

  it('with --yes but no plan, names the flag a question without a default needs', async () => {
    const run = await runCli(['--db', t.db, 'start', '--yes'], t.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no answer for "Jira project key": pass --jira-project <key>/);
    expect(sha256(t.db)).toBe(dbHash);
  });
});
