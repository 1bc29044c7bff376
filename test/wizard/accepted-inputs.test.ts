// Inputs that were once accepted and did the wrong thing (issue 13, item 6), through the built CLI against the
// emulator: each is now refused with a message naming what is wrong and how to fix it, and nothing is created.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, goodPlan, ROOT, runCli, setUp, sha256, type Env } from './helpers.js';

let t: Env;
let base: Record<string, unknown>;
let dbHash: string;
let migrationId: string;

beforeAll(async () => {
  ensureBuilt();
  t = await setUp();
  base = goodPlan(await t.world());
  const file = join(t.dir, 'good.json');
  writeFileSync(file, JSON.stringify(base));
  const first = await runCli(['--db', t.db, 'start', '--plan', file, '--yes'], t.env);
  expect(first.code, first.stderr).toBe(6);
  migrationId = /Created migration (m-[0-9a-f]+)/.exec(first.stderr)![1]!;
  dbHash = sha256(t.db);
}, 120_000);
afterAll(() => t?.emu.close());

function planFile(name: string, text: string): string {
  const file = join(t.dir, `${name}.json`);
  writeFileSync(file, text);
  return file;
}

const CREATES = ['flow.connections.create', 'flow.flows.create', 'jira.issue.create'];
async function creates(): Promise<number[]> {
  const requests = (await t.world()).counters.requests;
  return CREATES.map((route) => requests[route] ?? 0);
}

describe('a destination token variable that is not set', () => {
  const withToken = () =>
    JSON.stringify({ ...base, destination: { name: 'Experience Cloud Audiences', tokenEnv: 'NOPE' } });

  it('fails preflight naming the variable and how to set it (plan field); nothing created', async () => {
    const before = await creates();
    const run = await runCli(['--db', t.db, 'start', '--plan', planFile('token-env', withToken()), '--yes'], t.env);
    expect(run.stderr).toMatch(
      /FAIL\s+destination\.token\s+destination\.tokenEnv \(--token-env\) names \$NOPE, which is not set/,
    );
    expect(run.stderr).toContain('export NOPE=<bearer token>');
    expect(run.stderr).toContain('nothing was created');
    expect(run.code).toBe(3);
    expect(await creates()).toEqual(before);
    expect(sha256(t.db)).toBe(dbHash);
  });

  it('fails the same through --token-env, and an empty variable counts as unset', async () => {
    const before = await creates();
    const run = await runCli(['--db', t.db, 'start', '--yes', '--jira-project', 'CC', '--token-env', 'NOPE'], {
      ...t.env,
      NOPE: '',
    });
    expect(run.stderr).toMatch(/FAIL\s+destination\.token\s+.*\$NOPE, which is not set \(or is empty\)/);
    expect(run.code).toBe(3);
    expect(await creates()).toEqual(before);
  });

  it('`plan` shows it as a failed check (exit 3)', async () => {
    const run = await runCli(['plan', '--plan', planFile('token-env', withToken())], t.env);
    expect(run.stdout).toMatch(/FAIL\s+destination\.token\s+.*\$NOPE/);
    expect(run.code).toBe(3);
  });
});

describe('an identity source that is not a namespace of the org', () => {
  const unknown = () => JSON.stringify({ ...base, identities: [{ source: 'NotANamespace', target: 'ECID' }] });
  const VALID = /the org's active namespace codes are: CORE, ECID, Email, Phone, .*GAID, IDFA, CRMID/;

  it('fails preflight naming it and listing the valid codes; nothing created', async () => {
    const before = await creates();
    const run = await runCli(['--db', t.db, 'start', '--plan', planFile('namespace', unknown()), '--yes'], t.env);
    expect(run.stderr).toMatch(
      /FAIL\s+identities\.namespaces\s+identities\[\]\.source: no identity namespace NotANamespace in this org/,
    );
    expect(run.stderr).toMatch(VALID);
    expect(run.code).toBe(3);
    expect(await creates()).toEqual(before);
    expect(sha256(t.db)).toBe(dbHash);
  });

  it('`plan` shows it too', async () => {
    const run = await runCli(['plan', '--plan', planFile('namespace', unknown())], t.env);
    expect(run.stdout).toMatch(/FAIL\s+identities\.namespaces\s+.*NotANamespace/);
    expect(run.stdout).toMatch(VALID);
    expect(run.code).toBe(3);
  });

  it('a known source passes', async () => {
    const run = await runCli(['plan', '--plan', planFile('good', JSON.stringify(base))], t.env);
    expect(run.stdout).toMatch(
      /pass\s+identities\.namespaces\s+every source is an active identity namespace of the org: ECID/,
    );
  });
});

describe('a plan with a key twice', () => {
  const twice = () =>
    JSON.stringify(base, null, 2).replace(
      '"sandbox": "prod",',
      '"audiences": ["only-this-one"],\n  "sandbox": "prod",',
    );

  it('is an error naming the key and both lines, not the last one silently used (exit 2)', async () => {
    const run = await runCli(['--db', t.db, 'start', '--plan', planFile('twice', twice()), '--yes'], t.env);
    expect(run.stderr).toMatch(
      /error {2}audiences appears twice in .*twice\.json \(line 3 and line 5\): JSON would keep only the last one/,
    );
    expect(run.stderr).toContain('1 error in the plan (listed above); nothing was created');
    expect(run.code).toBe(2);
    expect(sha256(t.db)).toBe(dbHash);
  });

  it('at any depth, and in `plan` too', async () => {
    const nested = JSON.stringify(base, null, 2).replace(
      '"projectKey": "CC"',
      '"projectKey": "CC", "projectKey": "AAM"',
    );
    const run = await runCli(['plan', '--plan', planFile('nested', nested)], t.env);
    expect(run.stderr).toMatch(/error {2}jira\.projectKey appears twice in .*nested\.json/);
    expect(run.code).toBe(2);
  });
});

describe('alerts in a plan', () => {
  it('is a warning saying they are not applied; the dry run does not present them as done', async () => {
    const run = await runCli(
      ['plan', '--plan', planFile('alerts', JSON.stringify({ ...base, alerts: ['flow_run_failed'] }))],
      t.env,
    );
    expect(run.stderr).toMatch(
      /warning {2}alerts \(flow_run_failed\) is not applied: the Experience Cloud Audiences destination does not support alerts/,
    );
    expect(run.stdout).not.toMatch(/alert/i);
  });
});

describe('flags and variables that fell back to defaults', () => {
  it('report --id of no migration says so, naming cutover list (exit 2); a real id still reports', async () => {
    const run = await runCli(['--db', t.db, 'report', '--id', 'm-nope'], t.env);
    expect(run.stderr).toContain(`error: --id m-nope: no migration with this id in ${t.db}, so nothing to report`);
    expect(run.stderr).toContain('cutover list');
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
    const real = await runCli(['--db', t.db, 'report', '--id', migrationId], t.env);
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toContain(migrationId);
  });

  it.each([
    ['--db', ['--db', '', 'list']],
    ['--db', ['--db', '', 'start', '--plan', 'x.json', '--yes']],
    ['--out', ['report', '--out', '']],
    ['--out', ['export', 'm-x', '--out', '']],
    ['--config', ['doctor', '--config', '']],
    ['--config', ['export', 'm-x', '--config', '']],
  ])('%s "" is a usage error naming the flag: %j', async (flag, args) => {
    const run = await runCli(args[0] === '--db' ? args : ['--db', t.db, ...args], t.env);
    expect(run.stderr).toContain(`error: ${flag} is empty`);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
  });

  it('CUTOVER_DB="" counts as unset: the default database is used', async () => {
    const defaultDb = join(t.dir, 'data', 'cutover', 'state.db');
    mkdirSync(dirname(defaultDb), { recursive: true });
    copyFileSync(t.db, defaultDb);
    const run = await runCli(['report', '--id', migrationId, '--format', 'json'], { ...t.env, CUTOVER_DB: '' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(migrationId);
  });

  it('report on a database that does not exist reports no migrations and creates nothing', async () => {
    const missing = join(t.dir, 'nowhere', 'state.db');
    const run = await runCli(['--db', missing, 'report', '--format', 'json'], t.env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).aggregate.count).toBe(0);
    expect(existsSync(join(t.dir, 'nowhere'))).toBe(false);
  });

  it.each(['postgres://ops:s3cret@127.0.0.1:1/cutover', 'postgresql://ops:s3cret@127.0.0.1:1/cutover'])(
    '--db %s names a team store: an unreachable one is a clear error, nothing created, no password shown',
    async (url) => {
      const before = await creates();
      // report used to create its database when missing: a folder named "postgres:" appeared here.
      const report = await runCli(['--db', url, 'report'], t.env);
      expect(report.stderr).toMatch(/cannot reach the store postgres(ql)?:\/\/ops:\*\*\*\*@127\.0\.0\.1:1\/cutover/);
      expect(report.stderr).not.toContain('s3cret');
      expect(report.code).toBe(1);
      expect(existsSync(join(ROOT, 'postgres:'))).toBe(false);
      expect(existsSync(join(ROOT, 'postgresql:'))).toBe(false);
      expect(await creates()).toEqual(before);
      const env = await runCli(['list'], { ...t.env, CUTOVER_DB: url });
      expect(env.stderr).toMatch(/cannot reach the store postgres(ql)?:\/\/ops:\*\*\*\*@/);
      expect(env.stderr + env.stdout).not.toContain('s3cret');
      expect(env.code).toBe(1);
    },
  );
});
