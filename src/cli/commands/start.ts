// cutover start: the guided migration. Interactive by default (a flag answers each question); `--plan FILE --yes`
// runs the same without prompts. Order matters for safety: the plan is validated, then preflight runs with reads
// only, and only a plan that passes both opens the state database and creates the migration. So a bad plan
// (exit 2) or a failing check (exit 3) leaves the database byte-for-byte as it was. Flags are checked before the
// first question (an unwritable --plan-out, a bad --poll-every), and the answers are kept in a draft until the
// migration is created, so no failure or Ctrl-C on the way throws them away.
import type { AcceptedCheck, Plan } from '../../core/types.js';
import { newMigrationId } from '../../engine/index.js';
import { InterruptedError, UsageError } from '../../errors.js';
import { databasePath, nonEmptyFlag, type CliContext } from '../wiring/context.js';
import { say } from '../terminal/output.js';
import { terminalPrompter } from '../terminal/prompts.js';
import { openRuntime, readServiceConfig } from '../wiring/runtime.js';
import { Asker } from '../wizard/ask.js';
import { acceptancesFromFlags, acceptWarnings, evaluate, printChecks, withAcceptances } from '../wizard/checks.js';
import { connect, readFacts, type Connection } from '../wizard/connect.js';
import { checkWritable, continueLine, Draft, draftFolder } from '../wizard/draft.js';
import { driveAttended, parseConfirmFlag, type Attendance } from '../operator/attended.js';
import { interview } from '../wizard/interview.js';
import type { StartOptions } from '../wizard/options.js';
import {
  loadPlanSource,
  parsePollEvery,
  printReview,
  savePlan,
  withPollEvery,
  type PlanSource,
} from '../wizard/review.js';

type Options = StartOptions & { pollEvery?: string; json?: boolean; confirm?: string };

function requireTerminalOrYes(ctx: CliContext, opts: Options): void {
  if (opts.yes || ctx.io.stdin.isTTY) return;
  const how = opts.plan
    ? `cutover start --plan ${opts.plan} --yes`
    : 'cutover start --plan FILE --yes (or a flag for every question, plus --yes)';
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

/** Who answers: flags and defaults only (--yes), or the terminal, with a draft of the answers as they come in. */
function asker(ctx: CliContext, opts: Options, source: PlanSource | null): Asker {
  if (opts.yes || (source && 'plan' in source)) return new Asker(ctx, opts.yes ? null : terminalPrompter(ctx));
  if (source)
    say(ctx, `Continuing from ${opts.plan}: its answers are kept; only the questions it does not answer are asked.`);
  return new Asker(ctx, terminalPrompter(ctx), new Draft(ctx, opts.plan ?? null, source?.answers));
}

type Gathered = { plan: Plan; id: string; conn: Connection };

async function gather(ctx: CliContext, opts: Options, ask: Asker, source: PlanSource | null): Promise<Gathered> {
  if (source && 'plan' in source) {
    return { plan: source.plan, id: newMigrationId(), conn: connect(ctx, readServiceConfig(ctx, opts), source.plan) };
  }
  return interview(ctx, opts, ask, readServiceConfig(ctx, opts), draftFolder(ctx, opts));
}

/** Where the answers are, said on the way out of any failure or refusal before the migration exists. */
function sayKept(ctx: CliContext, ask: Asker): void {
  if (ask.draft?.path) say(ctx, continueLine(ask.draft.path));
}

/** Ctrl-C at a question: the way back is the draft, so that is the hint (instead of "run cutover start again"). */
function keptOnTheWayOut(ctx: CliContext, ask: Asker, err: unknown): unknown {
  const file = ask.draft?.path;
  const hint = file ? continueLine(file).replace(/^Y/, 'y') : undefined;
  if (hint && err instanceof InterruptedError) Object.defineProperty(err, 'hint', { value: hint });
  else sayKept(ctx, ask);
  return err;
}

async function confirmed(ask: Asker): Promise<boolean> {
  return ask.prompter ? ask.prompter.confirm({ message: 'Create the migration and start?', default: true }) : true;
}

type Accepted = { plan: Plan; id: string };

/** From the answers to a plan the admin accepted, or the exit code of why not (nothing created either way). */
async function planned(
  ctx: CliContext,
  opts: Options,
  ask: Asker,
  source: PlanSource | null,
  acceptances: AcceptedCheck[],
): Promise<Accepted | number> {
  const follow = opts.follow ?? !opts.yes;
  const gathered = await gather(ctx, opts, ask, source);
  const { id, conn } = gathered;
  const plan = withPollEvery(withAcceptances(gathered.plan, acceptances), opts.pollEvery);
  const checked = await preflight(ctx, ask, conn, plan, id);
  if (opts.planOut) savePlan(ctx, opts.planOut, checked ?? plan);
  if (!checked) {
    say(ctx, 'A check failed (fix above): nothing was created.');
    return 3;
  }
  printReview(ctx, checked, id, follow);
  if (!(await confirmed(ask))) {
    say(ctx, 'Not started: nothing was created.');
    return 0;
  }
  return { plan: checked, id };
}

export default async function start(_args: string[], opts: Options, ctx: CliContext): Promise<number> {
  databasePath(ctx, opts); // a bad --db is refused now, not after every question and preflight
  nonEmptyFlag('--plan', opts.plan, 'give the plan file, or leave --plan out to be asked');
  requireTerminalOrYes(ctx, opts);
  if (opts.planOut !== undefined) checkWritable('--plan-out', opts.planOut);
  parsePollEvery(opts.pollEvery);
  const confirm = parseConfirmFlag(opts.confirm);
  const acceptances = acceptancesFromFlags(ctx, opts.accept, opts.reason);
  const source = opts.plan ? loadPlanSource(ctx, opts.plan, !opts.yes) : null;
  const ask = asker(ctx, opts, source);
  let accepted: Accepted | number;
  try {
    accepted = await planned(ctx, opts, ask, source, acceptances);
  } catch (err) {
    throw keptOnTheWayOut(ctx, ask, err);
  }
  if (typeof accepted === 'number') {
    sayKept(ctx, ask);
    return accepted;
  }
  return createAndDrive(ctx, opts, accepted.plan, accepted.id, opts.follow ?? !opts.yes, ask.draft, {
    prompter: ask.prompter,
    confirm,
  });
}

async function createAndDrive(
  ctx: CliContext,
  opts: Options,
  plan: Plan,
  id: string,
  follow: boolean,
  draft: Draft | null,
  attend: Attendance,
): Promise<number> {
  if (ctx.signal.aborted)
    throw new InterruptedError('interrupted before the migration was created: nothing was created', 'INTERRUPTED');
  const runtime = openRuntime(ctx, opts);
  try {
    await runtime.engineFor(plan).create(plan, ctx.actor, id);
    draft?.remove();
    say(ctx, `Created migration ${id} (state database ${runtime.dbPath}).`);
    const mode = follow ? 'until-done' : 'until-waiting';
    return await driveAttended(ctx, runtime, id, mode, { ...attend, json: opts.json });
  } finally {
    await runtime.close();
  }
}
