// cutover start: the guided migration. Interactive by default (a flag answers each question); `--plan FILE --yes`
// runs the same without prompts. Order matters for safety: the plan is validated, then preflight runs with reads
// only, and only a plan that passes both opens the state database and creates the migration. So a bad plan
// (exit 2) or a failing check (exit 3) leaves the database byte-for-byte as it was.
import type { Plan } from '../../core/types.js';
import { newMigrationId } from '../../engine/engine.js';
import { InterruptedError, UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { say } from '../output.js';
import { terminalPrompter } from '../prompts.js';
import { openRuntime, readServiceConfig } from '../runtime.js';
import { Asker } from '../wizard/ask.js';
import { acceptancesFromFlags, acceptWarnings, evaluate, printChecks, withAcceptances } from '../wizard/checks.js';
import { connect, readFacts, type Connection } from '../wizard/connect.js';
import { driveAttended, parseConfirmFlag, type Attendance } from '../attended.js';
import { interview } from '../wizard/interview.js';
import type { StartOptions } from '../wizard/options.js';
import { loadPlanFile, printReview, savePlan, withPollEvery } from '../wizard/review.js';

type Options = StartOptions & { pollEvery?: string; confirm?: string };

function requireTerminalOrYes(ctx: CliContext, opts: Options): void {
  if (opts.yes || ctx.io.stdin.isTTY) return;
  const how = opts.plan ? `cutover start --plan ${opts.plan} --yes` : 'cutover start --plan FILE --yes (or a flag for every question, plus --yes)';
  throw new UsageError('no terminal to ask on, and --yes was not given', `run ${how}`);
}

/** Preflight with reads only; false (after printing why) when a check fails. Warnings may be accepted here. */
async function preflight(ctx: CliContext, ask: Asker, conn: Connection, plan: Plan, id: string): Promise<Plan | null> {
  say(ctx, 'Preflight (reads only):');
  const facts = await readFacts(ctx, conn, plan, `cutover-${id}`);
  const { results, blocked } = evaluate(plan, facts);
  printChecks(ctx, results);
  if (blocked) return null;
  return acceptWarnings(ask, ctx, plan, results);
}

async function gather(ctx: CliContext, opts: Options, ask: Asker): Promise<{ plan: Plan; id: string; conn: Connection }> {
  if (opts.plan) {
    const plan = loadPlanFile(ctx, opts.plan);
    const config = readServiceConfig(ctx, opts);
    return { plan, id: newMigrationId(), conn: connect(ctx, config, plan) };
  }
  return interview(ctx, opts, ask, readServiceConfig(ctx, opts));
}

async function confirmed(ask: Asker): Promise<boolean> {
  return ask.prompter ? ask.prompter.confirm({ message: 'Create the migration and start?', default: true }) : true;
}

export default async function start(_args: string[], opts: Options, ctx: CliContext): Promise<number> {
  requireTerminalOrYes(ctx, opts);
  const confirm = parseConfirmFlag(opts.confirm);
  const acceptances = acceptancesFromFlags(ctx, opts.accept, opts.reason);
  const ask = new Asker(ctx, opts.yes ? null : terminalPrompter(ctx));
  const gathered = await gather(ctx, opts, ask);
  const { id, conn } = gathered;
  let plan = withPollEvery(withAcceptances(gathered.plan, acceptances), opts.pollEvery);
  const follow = opts.follow ?? !opts.yes;
  const checked = await preflight(ctx, ask, conn, plan, id);
  if (opts.planOut) savePlan(ctx, opts.planOut, checked ?? plan);
  if (!checked) {
    say(ctx, 'A check failed (fix above): nothing was created.');
    return 3;
  }
  plan = checked;
  printReview(ctx, plan, id, follow);
  if (!(await confirmed(ask))) {
    say(ctx, 'Not started: nothing was created.');
    return 0;
  }
  return createAndDrive(ctx, opts, plan, id, follow, { prompter: ask.prompter, confirm });
}

async function createAndDrive(
  ctx: CliContext,
  opts: Options,
  plan: Plan,
  id: string,
  follow: boolean,
  attend: Attendance,
): Promise<number> {
  if (ctx.signal.aborted) throw new InterruptedError('interrupted before the migration was created: nothing was created', 'INTERRUPTED');
  const runtime = openRuntime(ctx, opts);
  try {
    await runtime.engineFor(plan).create(plan, ctx.actor, id);
    say(ctx, `Created migration ${id} (state database ${runtime.dbPath}).`);
    return await driveAttended(ctx, runtime, id, follow ? 'until-done' : 'until-waiting', attend);
  } finally {
    await runtime.close();
  }
}
