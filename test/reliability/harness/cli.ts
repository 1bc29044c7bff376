// Spawns the built CLI (bin/cutover.cjs → dist/) as a real process. Asynchronous on purpose: the emulator runs
// in this test process, so a synchronous spawn would block the very server the child talks to.
// Every run goes through coreutils `timeout`, so a hung child ends the run (exit 124) instead of the suite;
// `timeout` re-raises a signal that killed its child, so a SIGKILLed child still reports signal SIGKILL.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** CUTOVER_RELIABILITY_BIN runs the suite against another build (e.g. an older one, to show a test fails there). */
const BIN = process.env.CUTOVER_RELIABILITY_BIN ?? `${ROOT}bin/cutover.cjs`;

export interface CliRun {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Everything every spawned CLI printed in this test file, for the secrets scan. */
export const transcript: CliRun[] = [];

export interface CliOptions {
  env: Record<string, string>;
  timeoutSec?: number;
}

export function runCli(args: string[], options: CliOptions): Promise<CliRun> {
  const started = Date.now();
  const timeoutSec = options.timeoutSec ?? 90;
  // -k: a child that ignores SIGTERM is SIGKILLed 5 s later, so nothing outlives the test.
  const child = spawn('timeout', ['-k', '5', String(timeoutSec), process.execPath, BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const run = { args, code, signal, stdout, stderr, ms: Date.now() - started };
      transcript.push(run);
      resolve(run);
    });
  });
}

/** A one-line account of a run for assertion messages. */
export function describeRun(run: CliRun): string {
  return `cutover ${run.args.join(' ')} → code ${run.code} signal ${run.signal} after ${run.ms} ms\n--- stderr ---\n${run.stderr.slice(-3000)}\n--- stdout ---\n${run.stdout.slice(-1000)}`;
}
