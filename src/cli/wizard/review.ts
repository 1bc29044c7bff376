// The review screen and what `start` does before anything is written: plan files read and validated (every
// error printed), preflight with reads only, and the summary the admin confirms.
import { readFileSync, writeFileSync } from 'node:fs';
import { missingFields } from '../../core/plan-answers.js';
import { DRAFT_KEY, describePlan, parsePlanText } from '../../core/plan.js';
import type { Issue, Obj } from '../../core/plan-fields.js';
import { count } from '../../core/words.js';
import type { Plan } from '../../core/types.js';
import { formatDuration } from '../../core/downtime.js';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../wiring/context.js';
import { say, styleFor } from '../terminal/output.js';

/** A plan file that does not validate: every error has been printed, and nothing was opened or written. */
export class InvalidPlanError extends UsageError {}

function printIssues(ctx: CliContext, kind: 'error' | 'warning', issues: Issue[]): void {
  const s = styleFor(ctx, 'stderr');
  for (const issue of issues) {
    const text = issue.message.startsWith(issue.path) ? issue.message : `${issue.path}: ${issue.message}`;
    say(ctx, `  ${kind === 'error' ? s.red('error') : s.yellow('warning')}  ${text}`);
  }
}

function readPlanText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidPlanError(
      `cannot read the plan file ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      'check the --plan path',
    );
  }
}

function invalidPlan(ctx: CliContext, file: string, errors: Issue[]): InvalidPlanError {
  printIssues(ctx, 'error', errors);
  const found = count(errors.length, 'error');
  const hint = 'fix the fields named above; docs/guide.md shows a complete plan';
  return new InvalidPlanError(`${file}: ${found} in the plan (listed above); nothing was created`, hint);
}

export function loadPlanFile(ctx: CliContext, file: string): Plan {
  const { plan, errors, warnings } = parsePlanText(readPlanText(file), file);
  printIssues(ctx, 'warning', warnings);
  if (!plan) throw invalidPlan(ctx, file, errors);
  return plan;
}

/** The document as an object, or null when it is not JSON or not an object (parsePlanText has said why). */
function parsedObject(text: string): Obj | null {
  try {
    const doc: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Obj) : null;
  } catch {
    return null;
  }
}

/** A plan to run, or answers to complete: a draft, or (on a terminal) a plan file whose only errors are absences. */
export type PlanSource = { plan: Plan } | { answers: Obj; missing: string[] };

/**
 * `start --plan FILE`. A draft on a terminal goes back to the questions it has not answered; without a terminal
 * (--yes) an incomplete file is a usage error naming every missing field. A wrong value is an error either way.
 */
export function loadPlanSource(ctx: CliContext, file: string, interactive: boolean): PlanSource {
  const text = readPlanText(file);
  const { plan, errors, warnings } = parsePlanText(text, file);
  printIssues(ctx, 'warning', warnings);
  const doc = parsedObject(text);
  if (!doc) throw invalidPlan(ctx, file, errors);
  if (plan) return interactive && doc[DRAFT_KEY] !== undefined ? { answers: doc, missing: [] } : { plan };
  const missing = missingFields(doc, errors);
  if (missing.length < errors.length) throw invalidPlan(ctx, file, errors);
  if (interactive) return { answers: doc, missing };
  printIssues(ctx, 'error', errors);
  throw new InvalidPlanError(
    `${file}: ${count(errors.length, 'error')} in the plan (listed above); nothing was created. ` +
      `No answer yet for: ${missing.join(', ')}`,
    `run cutover start --plan ${file} on a terminal to answer only those, or add them to the file`,
  );
}

/** --poll-every SECONDS, in ms: whole seconds only ("5.5" is refused, not rounded), checked before any question. */
export function parsePollEvery(seconds: string | undefined): number | undefined {
  if (seconds === undefined) return undefined;
  const ms = /^\s*\d+\s*$/.test(seconds) ? Number(seconds) * 1000 : NaN;
  if (!(ms >= 5_000 && ms <= 86_400_000)) {
    const hint = 'e.g. --poll-every 60; polling Jira more often than every 5 s risks its rate limits';
    throw new UsageError(`--poll-every ${JSON.stringify(seconds)}: expected whole seconds from 5 to 86400`, hint);
  }
  return ms;
}

/** --poll-every SECONDS: how often the ticket (and later Audience Manager) is checked. */
export function withPollEvery(plan: Plan, seconds: string | undefined): Plan {
  const ms = parsePollEvery(seconds);
  if (ms === undefined) return plan;
  return { ...plan, polling: { ...plan.polling, ticketIntervalMs: ms, verifyIntervalMs: ms } };
}

export function nextSteps(plan: Plan, id: string, follow: boolean): string[] {
  const ticket = plan.jira.existingKey
    ? `attach ${plan.jira.existingKey}`
    : `file the ticket in ${plan.jira.projectKey}`;
  return [
    `What happens next (migration ${id}):`,
    '  1. preflight again, then stage the connection (nothing is exported yet)',
    `  2. ${ticket}, then check it every ${formatDuration(plan.polling.ticketIntervalMs)} until Adobe resolves it`,
    '  3. the moment it resolves: create the dataflow (one call), then verify the audiences reach Audience Manager',
    follow
      ? `  Ctrl-C at any time stops safely; \`cutover resume ${id}\` picks up where it stopped`
      : `  this command returns once the ticket is filed (exit 6); \`cutover resume ${id} --follow\` continues`,
  ];
}

export function printReview(ctx: CliContext, plan: Plan, id: string, follow: boolean): void {
  const s = styleFor(ctx, 'stderr');
  say(ctx, '');
  say(ctx, s.bold('Review'));
  for (const line of describePlan(plan)) say(ctx, `  ${line}`);
  say(ctx, '');
  for (const line of nextSteps(plan, id, follow)) say(ctx, line);
  say(ctx, '');
}

/** The plan as a file `cutover start --plan FILE --yes` accepts (no secrets: the token stays in the environment). */
export function savePlan(ctx: CliContext, file: string, plan: Plan): void {
  writeFileSync(file, `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o644 });
  say(ctx, `plan saved to ${file} (re-run with: cutover start --plan ${file} --yes)`);
}
