// The commander program. Each command's code lives in commands/<name>.ts and is imported only when that
// command runs, so `cutover --version` loads nothing but commander.
import { Argument, Command, Option } from 'commander';
import type { CliContext, GlobalOptions } from './context.js';
import { registerGuided } from './register-guided.js';
import { registerReporting } from './register-reporting.js';
import { registerSupport } from './register-support.js';
import { registerWatch } from './register-watch.js';

/** A command's module; `command` is the commander Command that ran it (completion reads the program from it). */
export type CommandModule = {
  default: (
    args: string[],
    opts: GlobalOptions & Record<string, unknown>,
    ctx: CliContext,
    command?: Command,
  ) => Promise<number>;
};

export interface ProgramResult {
  exitCode: number;
}

function lazy(ctx: CliContext, result: ProgramResult, load: () => Promise<CommandModule>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const positional = args.slice(0, -2).flat().filter((a): a is string => typeof a === 'string');
    const mod = await load();
    result.exitCode = await mod.default(positional, command.optsWithGlobals(), ctx, command);
  };
}

export function createProgram(ctx: CliContext, result: ProgramResult, version: string): Command {
  const program = new Command('cutover')
    .description('Migrate an AEP org from legacy segment sharing to the Experience Cloud Audiences destination, durably.')
    .version(version, '-V, --version')
    .option('--db <file>', 'state database (default: $CUTOVER_DB or ~/.local/share/cutover/state.db)')
    .option('--config <file>', 'configuration file (default: $CUTOVER_CONFIG or ~/.config/cutover/config.json)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => ctx.io.stdout.write(s), writeErr: (s) => ctx.io.stderr.write(s) })
    .exitOverride();
  const add = (name: string, description: string, load: () => Promise<CommandModule>) => {
    const cmd = program.command(name).description(description);
    cmd.action(lazy(ctx, result, load));
    return cmd;
  };
  registerCommands(add);
  return program;
}

export type Add = (name: string, description: string, load: () => Promise<CommandModule>) => Command;

function registerCommands(add: Add): void {
  registerCore(add);
  registerGuided(add);
  registerSupport(add);
  registerReporting(add);
  registerWatch(add);
}

function registerCore(add: Add): void {
  add('list', 'list migrations with their state, age, last error and lock holder', () => import('./commands/list.js'))
    .option('--status <status>', 'only this status: active, waiting, needs_attention, completed, cancelled')
    .option('--org <orgId>', 'only this org')
    .option('--stalled', 'only stalled migrations, each with its reason')
    .option('--stall-hours <n>', 'no progress for this many hours counts as stalled', '24')
    .option('--limit <n>', 'show at most this many, most recently updated first (default 50; 0: all)')
    .option('--json', 'print JSON');
  add('show <id>', 'show one migration: state, next action, downtime marks and its journal as a timeline', () => import('./commands/show.js'))
    .option('--json', 'print JSON');
  const resumed = 'drive a migration until it finishes (in a terminal) or first waits on the outside world';
  add('resume <id>', resumed, () => import('./commands/resume.js'))
    .option('--follow', 'keep going until the migration finishes, however long it takes (default in a terminal)')
    .option('--no-follow', 'return at the first wait, exit 6 (default without a terminal)')
    .option('--json', 'print the outcome as JSON');
  add('retry <id>', 'retry the step a migration is parked on', () => import('./commands/retry.js')).addOption(reasonOption());
  add('demo', 'run a whole migration against the built-in emulator, on this machine, in seconds', () => import('./commands/demo.js'))
    .option('--resolve-after-ms <ms>', 'when the simulated Customer Care resolves the ticket', '3000')
    .option('--json', 'print JSON');
  add('emulator', 'serve the built-in emulator of Jira, IMS, AEP and Audience Manager on 127.0.0.1', () => import('./commands/emulator.js'))
    .option('--port <n>', 'port (0 picks a free one)', '0')
    .option('--seed <n>', 'seed of the simulated orgs')
    .option('--latency-ms <ms>', 'added to every response')
    .option('--time-scale <x>', 'multiplies the simulated delays')
    .option('--jira-flavor <flavor>', 'cloud or dc', 'cloud')
    .option('--auto-resolve-after-ms <ms>', 'Customer Care resolves each new ticket after this long');
  const completion = 'print a shell completion script for every command and flag (bash, zsh or fish)';
  add('completion', completion, () => import('./commands/completion.js'))
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']));
}

export function reasonOption(): Option {
  return new Option('--reason <text>', 'why (required: written to the journal with who and when)');
}
