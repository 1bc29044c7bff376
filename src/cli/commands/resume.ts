// cutover resume: drive a migration until it waits on the outside world, or to the end. In a terminal (stdout
// and stderr both a TTY) it follows by default, as the wizard does, so the command printed after a Ctrl-C
// continues the migration; --no-follow returns at the first wait (exit 6). Off a terminal (scripts, cron, CI)
// it returns at the first wait unless --follow is given, as before. Followed on a terminal, it asks for the
// manual confirmations verification waits on, as the wizard does.
import type { CliContext, GlobalOptions } from '../wiring/context.js';
import { driveAndReport } from '../operator/drive.js';
import { openRuntime } from '../wiring/runtime.js';

type Options = GlobalOptions & { follow?: boolean };

export function followsByDefault(ctx: CliContext): boolean {
  return Boolean(ctx.io.stdout.isTTY && ctx.io.stderr.isTTY);
}

export default async function resume([id]: string[], opts: Options, ctx: CliContext): Promise<number> {
  const follow = opts.follow ?? followsByDefault(ctx);
  const runtime = openRuntime(ctx, opts);
  try {
    if (follow && ctx.io.stdin.isTTY && followsByDefault(ctx)) {
      // Loaded only here: the prompt library is the heaviest module the CLI has.
      const [{ driveAttended }, { terminalPrompter }] = await Promise.all([
        import('../operator/attended.js'),
        import('../terminal/prompts.js'),
      ]);
      const attend = { prompter: terminalPrompter(ctx), confirm: [], json: opts.json, command: 'resume' as const };
      return await driveAttended(ctx, runtime, id!, 'until-done', attend);
    }
    return await driveAndReport(ctx, runtime, id!, { mode: follow ? 'until-done' : 'until-waiting', json: opts.json });
  } finally {
    await runtime.close();
  }
}
