// What a completion script needs to know about the CLI, read from the commander program itself, so a command or
// flag added anywhere is completed without a second list to keep. Only types are imported from commander: this
// module is loaded by `cutover completion` alone.
import type { Argument, Command, Option } from 'commander';

export interface FlagModel {
  short?: string;
  long?: string;
  description: string;
  /** The flag takes a value (`--db <file>`): the next word is that value, not a command or flag. */
  takesValue: boolean;
  /** Values it accepts, when commander knows them. */
  choices?: string[];
  /** Its value is a path (`<file>`). */
  file: boolean;
}

export interface ArgModel {
  name: string;
  choices?: string[];
  file: boolean;
}

export interface CommandModel {
  name: string;
  description: string;
  flags: FlagModel[];
  args: ArgModel[];
}

export interface CliModel {
  name: string;
  version: string;
  /** Options of the program itself (--db, --config, --version); commander accepts them after a command too. */
  globals: FlagModel[];
  commands: CommandModel[];
}

/** commander adds -h, --help to every command without listing it among the options. */
const HELP: FlagModel = {
  short: '-h',
  long: '--help',
  description: 'display help for command',
  takesValue: false,
  file: false,
};

function valueName(option: Option): string {
  return /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? '';
}

function flagOf(option: Option): FlagModel {
  return {
    ...(option.short ? { short: option.short } : {}),
    ...(option.long ? { long: option.long } : {}),
    description: option.description,
    takesValue: option.required || option.optional,
    ...(option.argChoices ? { choices: [...option.argChoices] } : {}),
    file: /file/i.test(valueName(option)),
  };
}

function argOf(argument: Argument): ArgModel {
  const name = argument.name();
  return { name, ...(argument.argChoices ? { choices: [...argument.argChoices] } : {}), file: /file/i.test(name) };
}

function visible(options: readonly Option[]): FlagModel[] {
  return options.filter((o) => !o.hidden).map(flagOf);
}

export function modelOf(program: Command): CliModel {
  const commands = program.commands.map((cmd) => ({
    name: cmd.name(),
    description: cmd.description(),
    flags: [...visible(cmd.options), HELP],
    args: cmd.registeredArguments.map(argOf),
  }));
  const globals = [...visible(program.options), HELP];
  return { name: program.name(), version: program.version() ?? '', globals, commands };
}

/** Every spelling of a flag: `-y`, `--yes`. */
export function spellings(flag: FlagModel): string[] {
  return [flag.short, flag.long].filter((s): s is string => Boolean(s));
}

/** One line, no control characters: descriptions end up inside shell quotes. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
