// cutover completion bash|zsh|fish: prints a completion script generated from the commander program itself
// (every command, its flags and arguments), so it never drifts from the CLI. The shell is an argument with
// choices: commander refuses any other (usage error, exit 2) before this runs.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { bashScript } from '../completion/bash.js';
import { fishScript } from '../completion/fish.js';
import { modelOf, type CliModel } from '../completion/model.js';
import { zshScript } from '../completion/zsh.js';
import type { CliContext, GlobalOptions } from '../wiring/context.js';

export const SHELLS: Record<string, (model: CliModel) => string> = {
  bash: bashScript,
  zsh: zshScript,
  fish: fishScript,
};

export default async function completion(
  [shell]: string[],
  _opts: GlobalOptions,
  ctx: CliContext,
  command?: Command,
): Promise<number> {
  const render = shell ? SHELLS[shell] : undefined;
  if (!render) {
    const known = Object.keys(SHELLS).join(', ');
    throw new UsageError(`completion: unknown shell ${JSON.stringify(shell ?? '')}`, `use one of: ${known}`);
  }
  const program = command?.parent;
  if (!program) throw new Error('completion needs the program it completes');
  ctx.io.stdout.write(render(modelOf(program)));
  return 0;
}
