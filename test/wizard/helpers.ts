// Shared set-up for the wizard tests: the built CLI spawned for real (plain pipes, or a real pseudo-terminal
// through on-terminal.py), configured for an in-process emulator by environment variables, with a temporary database.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emulatorEnv, startEmulator, type Emulator, type WorldState } from '../../src/emulator/index.js';

export const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'cutover.cjs');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** CI builds before testing; locally, rebuild when a source file is newer than the built start command. */
export function ensureBuilt(): void {
  const built = join(ROOT, 'dist', 'cli', 'commands', 'start.js');
  let builtAt = 0;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    builtAt = 0;
  }
  if (builtAt >= newestMtime(join(ROOT, 'src'))) return;
  const result = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}${result.stderr}`);
}

export interface Env {
  emu: Emulator;
  dir: string;
  db: string;
  env: NodeJS.ProcessEnv;
  world(): Promise<WorldState>;
  control(method: string, path: string, body?: unknown): Promise<unknown>;
}

export async function setUp(): Promise<Env> {
  const emu = await startEmulator({ timeScale: 0.02 });
  const dir = mkdtempSync(join(tmpdir(), 'cutover-wizard-'));
  const vars = emulatorEnv(emu.url);
  delete vars.CUTOVER_API_KEY;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'data'),
    TERM: 'xterm-256color',
    ...vars,
  };
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${emu.url}/_emulator${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.json() as Promise<unknown>;
  };
  return {
    emu,
    dir,
    db: join(dir, 'state.db'),
    env,
    world: () => control('GET', '/world') as Promise<WorldState>,
    control,
  };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Child {
  pid: number;
  /** Everything printed so far (both streams, ANSI sequences removed). */
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  send(keys: string): void;
  exited: Promise<Run>;
  kill(signal: NodeJS.Signals): void;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes is the point
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[()][A-Z0-9]|\r/g;
export const plain = (s: string): string => s.replace(ANSI, '');

function watch(command: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of waiters) w();
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
    notify();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
    notify();
  });
  const exited = new Promise<Run>((resolve) =>
    child.on('close', (code) => {
      notify();
      resolve({ code, stdout, stderr });
    }),
  );
  const output = () => plain(stdout + stderr);
  const waitFor = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = output().match(pattern);
        if (m) return done(() => resolve(m));
        if (child.exitCode !== null)
          done(() => reject(new Error(`exited (${child.exitCode}) before ${pattern}:\n${output()}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`timed out waiting for ${pattern}:\n${output()}`))),
        timeoutMs,
      );
      const done = (fn: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        fn();
      };
      waiters.add(check);
      check();
    });
  return {
    pid: child.pid!,
    output,
    waitFor,
    send: (keys) => child.stdin.write(keys),
    exited,
    kill: (signal) => child.kill(signal),
  };
}

/** The CLI with plain pipes: no terminal, as in CI or a cron job. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv): Child {
  const child = watch(process.execPath, [BIN, ...args], env);
  child.send('');
  return child;
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const child = spawnCli(args, env);
  return child.exited;
}

/** The CLI on a real pseudo-terminal (160x50), driven by keystrokes. */
export function spawnOnPty(args: string[], env: NodeJS.ProcessEnv): Child {
  return watch('python3', [join(import.meta.dirname, 'on-terminal.py'), process.execPath, BIN, ...args], env);
}

/** Answers a prompt once, when its text appears; a prompt re-renders on every key, so each regex fires once. */
export async function answer(child: Child, prompt: RegExp, keys: string | string[]): Promise<void> {
  await child.waitFor(prompt);
  for (const k of Array.isArray(keys) ? keys : [keys]) {
    child.send(k);
    await new Promise((r) => setTimeout(r, 60));
  }
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** A plan the emulator's default org accepts: its legacy audiences, ECID, the Customer Care project, fast polling. */
export function goodPlan(world: WorldState, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orgId: world.orgId,
    sandbox: 'prod',
    audiences: world.aam.legacySegments.map((s) => s.integrationCode),
    identities: [{ source: 'ECID', target: 'ECID' }],
    solutions: ['audience_manager'],
    destination: { name: 'Experience Cloud Audiences' },
    jira: { projectKey: 'CC' },
    polling: { ticketIntervalMs: 5_000, verifyIntervalMs: 5_000, verifyTimeoutMs: 120_000 },
    ...extra,
  };
}
