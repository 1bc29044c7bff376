// The commander program: global flags, output and the lazy loading of a command's module. The commands
// themselves are registered in commands/index.ts.
import { Command } from 'commander';
import type { CliContext, GlobalOptions } from './wiring/context.js';
import { registerCommands } from './commands/index.js';

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
    const positional = args
      .slice(0, -2)
      .flat()
      .filter((a): a is string => typeof a === 'string');
    const mod = await load();
    result.exitCode = await mod.default(positional, command.optsWithGlobals(), ctx, command);
  };
}

export function createProgram(ctx: CliContext, result: ProgramResult, version: string): Command {
  const program = new Command('cutover')
    .description(
      'Migrate an AEP org from legacy segment sharing to the Experience Cloud Audiences destination, durably.',
    )
    .version(version, '-V, --version')
    .option(
      '--db <file|url>',
      'state store: a SQLite file or a postgres:// URL (default: $CUTOVER_DB or ~/.local/share/cutover/state.db)',
    )
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
