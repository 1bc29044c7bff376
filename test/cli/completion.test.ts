// `cutover completion bash|zsh|fish`: scripts generated from the commander program, checked by the shells
// themselves (bash always; zsh and fish where installed) and by completing real words through them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/wiring/context.js';
import { createProgram } from '../../src/cli/program.js';
import { runCli } from '../wizard/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'cutover-completion-'));
const env = { PATH: process.env.PATH, HOME: dir };
const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

/** The commands and their long flags, read from the program the CLI builds. */
const ctx = { io: { stdout: process.stdout, stderr: process.stderr } } as unknown as CliContext;
const program = createProgram(ctx, { exitCode: 0 }, 'test');
const registered = program.commands.map((c) => ({
  name: c.name(),
  flags: c.options.flatMap((o) => (o.long ? [o.long] : [])),
}));

const scripts: Record<string, string> = {};
beforeAll(async () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    const run = await runCli(['completion', shell], env);
    expect(run.code, run.stderr).toBe(0);
    scripts[shell] = join(dir, `cutover.${shell}`);
    writeFileSync(scripts[shell], run.stdout);
  }
}, 60_000);

/** What bash completes for these words (the last is the word under the cursor), through the generated function. */
function bashComplete(...words: string[]): string[] {
  const array = words.map((w) => `'${w}'`).join(' ');
  const script =
    `source '${scripts.bash}'; COMP_WORDS=(cutover ${array}); COMP_CWORD=${words.length}; _cutover; ` +
    `printf '%s\\n' "\${COMPREPLY[@]}"`;
  const run = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.split('\n').filter(Boolean);
}

describe('cutover completion bash', () => {
  it('prints a script bash accepts (bash -n) that completes command names, flags and values', () => {
    expect(spawnSync('bash', ['-n', scripts.bash!]).status).toBe(0);
    expect(bashComplete('li')).toEqual(['list']);
    expect(bashComplete('--db', 'x.db', 'list', '--st')).toEqual(['--status', '--stalled', '--stall-hours']);
    expect(bashComplete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(bashComplete('start', '--plan', 'cutover.b')).toEqual(['cutover.bash']);
  });

  it('completes every registered command, and every flag of each', () => {
    expect(registered.length).toBeGreaterThan(15);
    expect(bashComplete('')).toEqual(expect.arrayContaining(registered.map((c) => c.name)));
    for (const command of registered) {
      const flags = [...command.flags, '--help', '--db'];
      expect(bashComplete(command.name, '--'), command.name).toEqual(expect.arrayContaining(flags));
    }
  });
});

describe('cutover completion zsh and fish', () => {
  it('name every registered command', async () => {
    for (const shell of ['zsh', 'fish']) {
      const text = (await runCli(['completion', shell], env)).stdout;
      for (const command of registered) {
        expect(text, `${shell}: ${command.name}`).toMatch(new RegExp(`\\b${command.name}\\b`));
      }
    }
  });

  it.runIf(has('zsh'))('zsh accepts the zsh script (zsh -n)', () => {
    const run = spawnSync('zsh', ['-n', scripts.zsh!], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
  });

  it.runIf(has('fish'))('fish accepts the fish script and completes commands and their flags through it', () => {
    const complete = (line: string) => {
      const run = spawnSync('fish', ['-c', `source '${scripts.fish}'; complete -C '${line}'`], { encoding: 'utf8' });
      return run.stdout.split('\n').map((l) => l.split('\t')[0]);
    };
    expect(spawnSync('fish', ['-n', scripts.fish!]).status).toBe(0);
    expect(complete('cutover li')).toContain('list');
    expect(complete('cutover resume m-1 --no')).toContain('--no-follow');
    expect(complete('cutover completion ')).toEqual(expect.arrayContaining(['bash', 'fish', 'zsh']));
  });
});

describe('cutover completion with an unknown shell', () => {
  it('is a usage error (exit 2) naming the shells, with nothing on stdout', async () => {
    const run = await runCli(['completion', 'tcsh'], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("error: command-argument value 'tcsh' is invalid for argument 'shell'.");
    expect(run.stderr).toContain('Allowed choices are bash, zsh, fish.');
  });
});
