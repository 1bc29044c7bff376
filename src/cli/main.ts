// Entry point: builds the program, installs signal handling, and maps every error to its documented exit
// code in one place. Nothing below this catch prints errors or calls process.exit.
import { CommanderError } from 'commander';
import { CutoverError, EXIT } from '../errors.js';
import { defaultContext, type CliContext } from './wiring/context.js';
import { createProgram } from './program.js';
import { VERSION } from './version.js';

export async function main(argv: string[], given?: (signal: AbortSignal) => CliContext): Promise<number> {
  const controller = new AbortController();
  const ctx = given ? given(controller.signal) : defaultContext(controller.signal);
  const detach = given ? () => {} : onSignals(ctx, controller);
  // `cutover show X | head` closes the pipe early: that is the reader's choice, not an error.
  if (!given) process.stdout.on('error', (err: NodeJS.ErrnoException) => err.code === 'EPIPE' && process.exit(EXIT.ok));
  const result = { exitCode: EXIT.ok as number };
  try {
    await createProgram(ctx, result, VERSION).parseAsync(argv);
    return result.exitCode;
  } catch (err) {
    return reportError(ctx, err);
  } finally {
    detach();
  }
}

/** First Ctrl-C: stop cleanly (commands persist and print how to resume). Second: leave at once. */
function onSignals(ctx: CliContext, controller: AbortController): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    ctx.io.stderr.write(`\n${signal}: stopping after the current step is saved…\n`);
    controller.abort(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

export function reportError(ctx: CliContext, err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
      return EXIT.ok;
    return EXIT.usage;
  }
  if (err instanceof CutoverError) {
    ctx.io.stderr.write(`error: ${err.message}\n`);
    if (err.hint) ctx.io.stderr.write(`hint: ${err.hint}\n`);
    if (ctx.env.CUTOVER_DEBUG && err.cause) ctx.io.stderr.write(`cause: ${String(err.cause)}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  ctx.io.stderr.write(`error: ${message}\n`);
  if (ctx.env.CUTOVER_DEBUG && err instanceof Error) ctx.io.stderr.write(`${err.stack}\n`);
  return EXIT.error;
}
