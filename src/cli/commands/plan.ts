// cutover plan: preflight plus everything `start` would create and call, with no side effects. Reads go to the
// services (that is how preflight knows); every write is recorded and shown instead of sent (wiring/dry-run.ts).
// Exit 0 when nothing blocks, 3 when a check fails, 2 for a plan file that does not validate.
import type { CheckResult } from '../../core/preflight.js';
import { rollbackRequests, type RollbackRequestLine } from '../../core/rollback-ticket.js';
import { ticketTemplate } from '../../core/ticket.js';
import type { Plan } from '../../core/types.js';
import { newMigrationId } from '../../engine/index.js';
import { EXIT } from '../../errors.js';
import type { CliContext, GlobalOptions } from '../wiring/context.js';
import { RecordingFetch, rehearseOnRecorder, type RecordedCall } from '../wiring/dry-run.js';
import { out, printJson, say } from '../terminal/output.js';
import { readServiceConfig } from '../wiring/runtime.js';
import { acceptancesFromFlags, evaluate, printChecks, withAcceptances } from '../wizard/checks.js';
import { connect, readFacts } from '../wizard/connect.js';
import { loadPlanFile } from '../wizard/review.js';

interface PlanOptions extends GlobalOptions {
  plan?: string;
  accept?: string[];
  reason?: string[];
}

interface DryRun {
  plan: Plan;
  migrationId: string;
  checks: CheckResult[];
  blocked: boolean;
  ticket: { summary: string; description: string } | { attach: string };
  /** The machine's steps in the order the rehearsal went through them, and where it ended. */
  steps: string[];
  endState: string;
  requests: RecordedCall[];
  /** What a later `cutover rollback` would request (nothing of it is rehearsed). */
  rollback: RollbackRequestLine[];
  rehearsalError?: string;
}

async function dryRun(ctx: CliContext, opts: PlanOptions, plan: Plan): Promise<DryRun> {
  const config = readServiceConfig(ctx, opts);
  const recorder = new RecordingFetch(fetch, () => ctx.clock.now());
  const conn = connect(ctx, config, plan, recorder.fetch);
  recorder.useRedactor(conn.services.redactor);
  const migrationId = newMigrationId();
  const marker = `cutover-${migrationId}`;
  const facts = await readFacts(ctx, conn, plan, marker);
  const { results, blocked } = evaluate(plan, facts);
  let rehearsal: { steps: string[]; state: string; error?: string };
  try {
    rehearsal = await rehearseOnRecorder(ctx, conn, recorder, plan, { migrationId, facts, path: 'start' });
  } catch (err) {
    const error = err instanceof Error ? err.message : String((err as { message?: unknown }).message ?? err);
    rehearsal = { steps: [], state: 'draft', error };
  }
  const ticket = plan.jira.existingKey ? { attach: plan.jira.existingKey } : ticketTemplate(plan, marker);
  return {
    plan,
    migrationId,
    checks: results,
    blocked,
    ticket,
    steps: rehearsal.steps,
    endState: rehearsal.state,
    requests: recorder.calls,
    rollback: rollbackRequests(plan, marker),
    ...(rehearsal.error ? { rehearsalError: rehearsal.error } : {}),
  };
}

/** Titles of the machine's steps; a step without one is shown by its name. The order is the rehearsal's. */
const STEP_TITLES: Record<string, string> = {
  staging: 'Staging (before the ticket; nothing is exported yet)',
  filing: 'Deprovisioning ticket',
  awaiting_resolution: 'Waiting for the ticket (reads only; rehearsed as resolved at once)',
  cutting_over: 'Cut-over (the moment the ticket resolves: one call)',
  verifying: 'Verification (reads only; rehearsed as every audience seen, every manual solution confirmed)',
  handoff: 'Hand-off (a comment on the ticket)',
};
/** Shown apart above (preflight), or not a step at all. */
const NOT_SHOWN = new Set(['draft', 'preflight', 'completed']);

function renderSteps(ctx: CliContext, run: DryRun): void {
  for (const step of run.steps.filter((s) => !NOT_SHOWN.has(s))) {
    out(ctx, `\n${STEP_TITLES[step] ?? step}`);
    const calls = run.requests.filter((c) => c.step === step);
    if (calls.length === 0) out(ctx, '  (no write)');
    for (const c of calls) {
      out(ctx, `  ${c.method} ${c.url}`);
      if (c.body !== undefined) out(ctx, JSON.stringify(c.body, null, 2).replace(/^/gm, '    '));
    }
  }
}

function render(ctx: CliContext, run: DryRun, file: string): void {
  const { orgId, sandbox } = run.plan;
  out(ctx, `Dry run of ${orgId} / ${sandbox} (migration id ${run.migrationId} is illustrative; nothing was written)`);
  out(ctx, '\nPreflight');
  printChecks(ctx, run.checks, (line) => out(ctx, line));
  for (const a of run.plan.acceptedChecks) out(ctx, `  accepted ${a.check} by ${a.by} at ${a.at}: ${a.reason}`);
  out(ctx, '\nTicket');
  if ('attach' in run.ticket) out(ctx, `  attach the existing ticket ${run.ticket.attach} (nothing filed)`);
  else out(ctx, `  Summary: ${run.ticket.summary}\n${run.ticket.description.replace(/^/gm, '  | ')}`);
  renderSteps(ctx, run);
  out(ctx, '\nRollback (only if asked for later, once the legacy pipe is off: cutover rollback ID --reason "...")');
  for (const r of run.rollback) out(ctx, `  ${r.step}: ${r.request}`);
  if (run.rehearsalError) out(ctx, `\nThe rehearsal stopped early in ${run.endState}: ${run.rehearsalError}`);
  out(
    ctx,
    run.blocked
      ? '\nBlocked: fix the failed checks above before `cutover start`.'
      : `\nNothing blocks: cutover start --plan ${file} --yes would do the above.`,
  );
}

export default async function plan(_args: string[], opts: PlanOptions, ctx: CliContext): Promise<number> {
  const acceptances = acceptancesFromFlags(ctx, opts.accept, opts.reason);
  if (!opts.plan) {
    say(ctx, 'error: --plan FILE is required');
    return EXIT.usage;
  }
  const loaded = withAcceptances(loadPlanFile(ctx, opts.plan), acceptances);
  for (const a of acceptances) say(ctx, `accepted ${a.check}: ${a.reason} (recorded in the plan's acceptedChecks)`);
  const run = await dryRun(ctx, opts, loaded);
  if (opts.json) printJson(ctx, run);
  else render(ctx, run, opts.plan);
  return run.blocked ? EXIT.needsAttention : EXIT.ok;
}
