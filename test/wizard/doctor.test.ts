// `cutover doctor`: configuration with the source of each key, then one read per service with its fix.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startServer } from '../adapters/support/server.js';
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
    const report = JSON.parse(run.stdout) as {
      ok: boolean;
      connectivity: { id: string; ok: boolean; rejected?: boolean; fix?: string }[];
    };
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
    const run = await runCli(['doctor'], {
      ...t.env,
      CUTOVER_JIRA_URL: 'http://127.0.0.1:9',
      CUTOVER_HTTP_RETRIES: '0',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ Jira \/myself[\s\S]*fix: Check CUTOVER_JIRA_URL/);
  });
});

/** A TCP server that accepts every connection and never answers: a Jira behind a proxy that holds requests. */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('cutover doctor against services that hang or lie', () => {
  it('names the Jira check as it starts and fails it after --timeout with the fix (exit 1)', async () => {
    const jira = await silentServer();
    try {
      const run = await runCli(['doctor', '--timeout', '1'], { ...t.env, CUTOVER_JIRA_URL: jira.url });
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(run.stderr).toContain(`checking Jira at ${jira.url} (GET /rest/api/3/myself)…`);
      expect(run.stdout).toContain(`✗ Jira /myself: no answer within 1 s from ${jira.url} (GET /rest/api/3/myself)`);
      expect(run.stdout).toContain(
        'fix: The server accepted the connection but did not answer: check that CUTOVER_JIRA_URL',
      );
      expect(run.stdout).toContain('give it longer with --timeout SECONDS');
      expect(run.stdout).toMatch(/✓ Adobe IMS token/);
    } finally {
      await jira.close();
    }
  }, 20_000);

  it('fails a Jira whose /myself answer is not a Jira user, saying it does not look like Jira', async () => {
    const liar = await startServer();
    liar.on('GET', '/rest/api/3/myself', (_req, res) => json(res, 200, { hello: 'world' }));
    try {
      const run = await runCli(['doctor', '--json'], { ...t.env, CUTOVER_JIRA_URL: liar.url });
      expect(run.code, run.stderr).toBe(1);
      type Check = { id: string; ok: boolean; detail: string; fix?: string };
      const report = JSON.parse(run.stdout) as { ok: boolean; connectivity: Check[] };
      const check = report.connectivity.find((p) => p.id === 'jira');
      expect(report.ok).toBe(false);
      expect(check).toMatchObject({ ok: false });
      expect(check?.detail).toContain('not a Jira user (expected an accountId, found only hello)');
      expect(check?.detail).toContain('this server does not look like Jira');
      expect(check?.fix).toMatch(/CUTOVER_JIRA_URL to your Jira site/);
    } finally {
      await liar.close();
    }
  });

  it('takes a Jira URL copied with /rest/api/3/ as the site, with a warning, not /rest/api/3/rest/api/3', async () => {
    const run = await runCli(['doctor'], { ...t.env, CUTOVER_JIRA_URL: `${t.emu.url}/rest/api/3/` });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const site = t.emu.url;
    const warning = `expected the Jira site without the REST path, found "${site}/rest/api/3"; using "${site}"`;
    expect(run.stdout).toContain(`warning CUTOVER_JIRA_URL: ${warning}`);
    expect(run.stderr).toContain(`checking Jira at ${t.emu.url} (GET /rest/api/3/myself)…`);
    expect(run.stdout).toMatch(/✓ Jira \/myself: authenticated as/);
  });

  it('refuses a --timeout that is not a whole number of seconds (exit 2)', async () => {
    const run = await runCli(['doctor', '--timeout', '0.5'], t.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--timeout: expected a whole number of seconds from 1 to 600, found "0.5"');
  });
});
