// The review screen and what `start` does before anything is written: plan files read and validated (every
// error printed), preflight with reads only, and the summary the admin confirms.
import { readFileSync, writeFileSync } from 'node:fs';
import { describePlan, parsePlanText } from '../../core/plan.js';
import type { Issue } from '../../core/plan-fields.js';
import type { Plan } from '../../core/types.js';
import { formatDuration } from '../../core/downtime.js';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { say, styleFor } from '../output.js';

/** A plan file that does not validate: every error has been printed, and nothing was opened or written. */
export class InvalidPlanError extends UsageError {}

function printIssues(ctx: CliContext, kind: 'error' | 'warning', issues: Issue[]): void {
  const s = styleFor(ctx, 'stderr');
  for (const issue of issues) {
    const text = issue.message.startsWith(issue.path) ? issue.message : `${issue.path}: ${issue.message}`;
    say(ctx, `  ${kind === 'error' ? s.red('error') : s.yellow('warning')}  ${text}`);
  }
}

export function loadPlanFile(ctx: CliContext, file: string): Plan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidPlanError(`cannot read the plan file ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, 'check the --plan path');
  }
  const { plan, errors, warnings } = parsePlanText(text, file);
  printIssues(ctx, 'warning', warnings);
  if (!plan) {
    printIssues(ctx, 'error', errors);
    throw new InvalidPlanError(`${file}: ${errors.length} error${errors.length === 1 ? '' : 's'} in the plan (listed above); nothing was created`, 'fix the fields named above; docs/guide.md shows a complete plan');
  }
  return plan;
}

/** --poll-every SECONDS: how often the ticket (and later Audience Manager) is checked. */
export function withPollEvery(plan: Plan, seconds: string | undefined): Plan {
  if (seconds === undefined) return plan;
  const ms = Number(seconds) * 1000;
  if (!Number.isInteger(ms) || ms < 5_000 || ms > 86_400_000) throw new UsageError(`--poll-every ${seconds}: expected whole seconds from 5 to 86400`, 'polling Jira more often than every 5 s risks its rate limits');
  return { ...plan, polling: { ...plan.polling, ticketIntervalMs: ms, verifyIntervalMs: ms } };
}

export function nextSteps(plan: Plan, id: string, follow: boolean): string[] {
  const ticket = plan.jira.existingKey ? `attach ${plan.jira.existingKey}` : `file the ticket in ${plan.jira.projectKey}`;
  return [
    `What happens next (migration ${id}):`,
    '  1. preflight again, then stage the connection (nothing is exported yet)',
    `  2. ${ticket}, then check it every ${formatDuration(plan.polling.ticketIntervalMs)} until Adobe resolves it`,
    '  3. the moment it resolves: create the dataflow (one call), then verify the audiences reach Audience Manager',
    follow
      ? '  Ctrl-C at any time stops safely; `cutover resume ' + id + '` picks up where it stopped'
      : '  this command returns once the ticket is filed (exit 6); `cutover resume ' + id + ' --follow` continues',
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
