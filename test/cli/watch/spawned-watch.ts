// `cutover watch` as a real process (bin/cutover.cjs → dist/, so `npm run build` first): for what only a real
// process shows, a SIGKILL from a failpoint and a SIGTERM from a service manager.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { until } from './emulator-harness.js';

const BIN = path.resolve(import.meta.dirname, '../../../bin/cutover.cjs');

export interface SpawnedWatch {
  stderr(): string;
  webhookUrl(): Promise<string>;
  serviceUrl(): Promise<string>;
  stop(): void;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnWatch(env: NodeJS.ProcessEnv, args: string[]): SpawnedWatch {
  const child = spawn(process.execPath, [BIN, 'watch', ...args], { env: { ...env, NO_COLOR: '1' }, stdio: 'pipe' });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    stderr: () => err,
    webhookUrl: () => until(() => /webhook receiver listening on (\S+)/.exec(err)?.[1], 15_000),
    serviceUrl: () => until(() => /service listening on (\S+)/.exec(err)?.[1], 15_000),
    stop: () => child.kill('SIGTERM'),
    exit,
  };
}
