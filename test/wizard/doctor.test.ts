// `cutover doctor`: configuration with the source of each key, then one read per service with its fix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, setUp, type Env } from './helpers.js';

let t: Env;
beforeAll(async () => {
  ensureBuilt();
  t = await setUp();
}, 120_000);
afterAll(() => t?.emu.close());

describe('cutover doctor', () => {
  it('exits 0 when every service answers, naming where each key came from', async () => {
    const run = await runCli(['doctor'], t.env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/CUTOVER_JIRA_URL\s+env\s+http/);
    expect(run.stdout).toMatch(/CUTOVER_SANDBOX\s+default\s+prod/);
    expect(run.stdout).toMatch(/CUTOVER_CLIENT_SECRET\s+env\s+\(set, not shown\)/);
    expect(run.stdout).not.toContain('p8e-demo-secret');
    expect(run.stdout).toMatch(/✓ Jira \/myself: authenticated as/);
  });

  it('exits 4 with the fix when a service rejects the credentials', async () => {
    const run = await runCli(['doctor', '--json'], { ...t.env, CUTOVER_JIRA_TOKEN: 'wrong-token' });
    expect(run.code).toBe(4);
    const report = JSON.parse(run.stdout) as { ok: boolean; connectivity: { id: string; ok: boolean; rejected?: boolean; fix?: string }[] };
    const jira = report.connectivity.find((p) => p.id === 'jira');
    expect(jira).toMatchObject({ ok: false, rejected: true });
    expect(jira?.fix).toMatch(/API token/);
    expect(run.stdout).not.toContain('wrong-token');
  });

  it('exits 1 when the configuration is incomplete, naming the missing key', async () => {
    const env = { ...t.env, CUTOVER_CLIENT_ID: '' };
    const run = await runCli(['doctor'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/CUTOVER_CLIENT_ID: required, not set/);
  });

  it('exits 1 when a service cannot be reached', async () => {
    const run = await runCli(['doctor'], { ...t.env, CUTOVER_JIRA_URL: 'http://127.0.0.1:9', CUTOVER_HTTP_RETRIES: '0' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ Jira \/myself[\s\S]*fix: Check CUTOVER_JIRA_URL/);
  });
});
