// `run` (for `cutover emulator`) and the emulator's independence from the code it tests.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, emulatorEnv, run } from '../../src/emulator/index.js';
import { repoRoot } from '../support/openapi.js';

describe('run', () => {
  it('prints the URL and the variables to export, serves until told to stop', async () => {
    const lines: string[] = [];
    let stop!: () => void;
    const until = new Promise<void>((resolve) => (stop = resolve));
    const finished = run({ out: (line) => lines.push(line), until });
    await new Promise((r) => setTimeout(r, 100));
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(lines[0] ?? '')?.[1];
    expect(url).toBeDefined();
    expect(lines).toContain(`export CUTOVER_JIRA_URL=${url}`);
    expect(lines).toContain(`export CUTOVER_CLIENT_ID=${DEMO_CREDENTIALS.clientId}`);
    expect((await fetch(`${url}/_emulator/health`)).status).toBe(200);
    stop();
    expect(await finished).toBe(0);
    await expect(fetch(`${url}/_emulator/health`)).rejects.toThrow();
  });

  it('emulatorEnv points every service at the one base URL', () => {
    const env = emulatorEnv('http://127.0.0.1:1234', 'dc');
    expect(env).toMatchObject({
      CUTOVER_IMS_URL: 'http://127.0.0.1:1234',
      CUTOVER_PLATFORM_URL: 'http://127.0.0.1:1234',
      CUTOVER_AAM_URL: 'http://127.0.0.1:1234',
      CUTOVER_JIRA_FLAVOR: 'dc',
    });
  });
});

describe('independence', () => {
  it('imports nothing from adapters, engine, core or ports, and only node: built-ins', () => {
    const dir = path.join(repoRoot, 'src/emulator');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(path.join(dir, file), 'utf8');
      const specifiers = [...source.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);
      for (const specifier of specifiers) {
        expect(specifier.startsWith('./') || specifier.startsWith('node:'), `${file}: ${specifier}`).toBe(true);
      }
    }
  });
});
