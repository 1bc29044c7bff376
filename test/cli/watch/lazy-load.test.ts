// prom-client is loaded by `watch --listen` only: `list` (and a watch without --listen) must not pay for it at
// start. The spawned CLI (bin/cutover.cjs → dist/: `npm run build` first) reports every module it required.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve(import.meta.dirname, '../../../bin/cutover.cjs');

function setUp(): { env: NodeJS.ProcessEnv; report: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-lazy-'));
  const report = path.join(dir, 'report.cjs');
  writeFileSync(
    report,
    "process.on('exit', () => process.stderr.write('\\nMODULES ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));",
  );
  const env = {
    ...process.env,
    CUTOVER_DB: path.join(dir, 'state.db'),
    HOME: dir,
    XDG_CONFIG_HOME: dir,
    NO_COLOR: '1',
  };
  return { env, report };
}

function modulesIn(stderr: string): string[] {
  const line = /MODULES (.*)/.exec(stderr)?.[1];
  if (!line) throw new Error(`no module report: ${stderr}`);
  return JSON.parse(line) as string[];
}

function loadedModules(args: string[]): string[] {
  const { env, report } = setUp();
  return modulesIn(spawnSync(process.execPath, ['--require', report, BIN, ...args], { env, encoding: 'utf8' }).stderr);
}

/** A running `watch --listen`, stopped with SIGTERM once it listens. */
function watchListenModules(): Promise<string[]> {
  const { env, report } = setUp();
  const child = spawn(process.execPath, ['--require', report, BIN, 'watch', '--listen', '127.0.0.1:0'], { env });
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (/service listening on/.test(err) && !child.killed) child.kill('SIGTERM');
    });
    child.on('exit', () => {
      try {
        resolve(modulesIn(err));
      } catch (error) {
        reject(error);
      }
    });
  });
}

const PROM = `${path.sep}prom-client${path.sep}`;

describe('start-up cost of the service parts', () => {
  it('list loads neither prom-client nor the notification sender', () => {
    const modules = loadedModules(['list']);
    expect(modules.some((m) => m.includes(PROM))).toBe(false);
    expect(modules.length).toBeGreaterThan(0);
  });

  it('watch --listen does load it (the check above can see it)', async () => {
    expect((await watchListenModules()).some((m) => m.includes(PROM))).toBe(true);
  }, 20_000);
});
