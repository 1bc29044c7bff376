// Preflight as the wizard, `start --plan` and `plan` show it: gathered with reads only, evaluated purely, each
// check printed with its fix; warnings may be accepted with a reason (recorded in plan.acceptedChecks).
import { evaluatePreflight, preflightBlocks, type CheckResult, type PreflightFacts } from '../../core/preflight.js';
import { CHECK_IDS } from '../../core/preflight-checks.js';
import type { AcceptedCheck, Plan } from '../../core/types.js';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../wiring/context.js';
import { say, styleFor } from '../terminal/output.js';
import type { Asker } from './ask.js';

export function printChecks(
  ctx: CliContext,
  results: CheckResult[],
  write: (line: string) => void = (l) => say(ctx, l),
): void {
  const s = styleFor(ctx, 'stderr');
  const mark = { pass: s.green('pass'), warn: s.yellow('warn'), fail: s.red('FAIL') };
  for (const r of results) {
    write(`  ${mark[r.status]}  ${r.id.padEnd(30)} ${r.message}`);
    if (r.fix) write(`        fix: ${r.fix}`);
  }
}

/** `--accept CHECK --reason TEXT`, repeated and paired in order. */
export function acceptancesFromFlags(ctx: CliContext, accept: string[] = [], reasons: string[] = []): AcceptedCheck[] {
  if (accept.length !== reasons.length) {
    throw new UsageError(
      `--accept was given ${accept.length} time(s) but --reason ${reasons.length} time(s)`,
      'give one --reason TEXT after each --accept CHECK',
    );
  }
  const at = new Date(ctx.clock.now()).toISOString();
  return accept.map((check, i) => {
    if (!(CHECK_IDS as readonly string[]).includes(check))
      throw new UsageError(`--accept ${check}: not a preflight check id`, `known: ${CHECK_IDS.join(', ')}`);
    const reason = reasons[i]!.trim();
    if (reason === '')
      throw new UsageError(
        `--accept ${check}: --reason is empty`,
        'say why the warning is acceptable: it is recorded with who and when',
      );
    return { check, reason, by: ctx.actor, at };
  });
}

/** Later acceptances of the same check replace earlier ones. */
export function withAcceptances(plan: Plan, added: AcceptedCheck[]): Plan {
  const ids = new Set(added.map((a) => a.check));
  return { ...plan, acceptedChecks: [...plan.acceptedChecks.filter((a) => !ids.has(a.check)), ...added] };
}

/** The admin's answer about the Audience Manager licence, which no API can give. */
export function licenceFact(plan: Plan): PreflightFacts['aamLicence'] {
  return plan.acceptedChecks.some((a) => a.check === 'licence.aam') ? 'confirmed' : 'unknown';
}

export function evaluate(plan: Plan, facts: PreflightFacts): { results: CheckResult[]; blocked: boolean } {
  const results = evaluatePreflight(plan, { ...facts, aamLicence: facts.aamLicence ?? licenceFact(plan) });
  return { results, blocked: preflightBlocks(results) };
}

/** Interactive only: offers to accept each open warning, with a reason. */
export async function acceptWarnings(ask: Asker, ctx: CliContext, plan: Plan, results: CheckResult[]): Promise<Plan> {
  if (!ask.prompter) return plan;
  const added: AcceptedCheck[] = [];
  for (const r of results.filter((x) => x.status === 'warn')) {
    const yes = await ask.prompter.confirm({
      message: `Accept warning ${r.id} (${r.title})? It is recorded with your name and reason`,
      default: false,
    });
    if (!yes) continue;
    const reason = await ask.prompter.input({
      message: `Why is ${r.id} acceptable?`,
      validate: (v) => (v.trim() ? true : 'a reason is required'),
    });
    added.push({ check: r.id, reason: reason.trim(), by: ctx.actor, at: new Date(ctx.clock.now()).toISOString() });
  }
  return withAcceptances(plan, added);
}
