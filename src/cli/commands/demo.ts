// cutover demo: the whole migration, end to end, against the built-in emulator on this machine. A simulated
// Customer Care resolves the deprovisioning ticket a few seconds in; the downtime window printed at the end
// runs from the ticket's resolutiondate to the flow's createdAt, both as the emulator reported them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeDowntime, markLabel, measureText } from '../../core/downtime.js';
import { validatePlan } from '../../core/plan.js';
import type { MarkName } from '../../core/types.js';
import type { DriveResult } from '../../engine/index.js';
import { storeLocation, type CliContext, type GlobalOptions } from '../wiring/context.js';
import { exitFor } from '../operator/drive.js';
import { out, printJson, say } from '../terminal/output.js';
import { progressView } from '../terminal/drive-progress.js';
import { openRuntime } from '../wiring/runtime.js';

interface DemoOptions extends GlobalOptions {
  resolveAfterMs?: string;
}

const MARKS: MarkName[] = [
  'ticket_filed',
  'legacy_stopped',
  'resolution_detected',
  'connection_established',
  'first_data',
];

function demoPlan(orgId: string, audiences: string[]) {
  const { plan, errors } = validatePlan({
    orgId,
    sandbox: 'prod',
    audiences,
    identities: [
      { source: 'ECID', target: 'ECID' },
      { source: 'Email', target: 'email_lc_sha256', applyHashing: true },
    ],
    solutions: ['audience_manager'],
    destination: { name: 'Experience Cloud Audiences', description: 'cutover demo' },
    jira: { projectKey: 'CC', issueType: 'Task' },
    polling: {
      ticketIntervalMs: 5_000,
      verifyIntervalMs: 5_000,
      verifyTimeoutMs: 600_000,
      maxAttempts: 5,
      retryBaseMs: 500,
    },
  });
  if (!plan) throw new Error(`the demo plan is invalid: ${JSON.stringify(errors)}`);
  return plan;
}

function printSummary(
  ctx: CliContext,
  result: DriveResult,
  truth: { resolutiondate: string | null; flowCreatedAt: number | null },
): void {
  const marks = result.context.marks;
  const d = computeDowntime(marks);
  out(ctx, `\nmigration ${result.id}: ${result.status}`);
  for (const name of MARKS) out(ctx, `  ${name.replace(/_/g, ' ').padEnd(24)} ${markLabel(marks[name])}`);
  out(ctx, `\n  downtime window          ${measureText(d.window)}   (legacy stopped → connection established)`);
  out(ctx, `  detection lag            ${measureText(d.detectionLag)}`);
  out(ctx, `  cut-over execution       ${measureText(d.executionTime)}`);
  out(ctx, `  data gap                 ${measureText(d.dataGap)}`);
  out(
    ctx,
    `\n  emulator says: ticket resolutiondate ${truth.resolutiondate ?? 'n/a'}, flow createdAt ` +
      `${truth.flowCreatedAt ? new Date(truth.flowCreatedAt).toISOString() : 'n/a'}`,
  );
}

export default async function demo(
  _args: string[],
  opts: DemoOptions & { json?: boolean },
  ctx: CliContext,
): Promise<number> {
  // A team store's URL is printed with its password masked (label), never as given.
  const given = opts.db !== undefined ? storeLocation(opts.db, '--db') : null;
  const { startEmulator, emulatorEnv, DEMO_CREDENTIALS } = await import('../../emulator/index.js');
  const emulator = await startEmulator({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'cutover-demo-'));
  const db = opts.db ?? join(dir, 'state.db');
  const dbLabel = given?.label ?? db;
  // The demo ignores the user's own configuration: everything points at the emulator.
  writeFileSync(join(dir, 'config.json'), '{}\n', { mode: 0o600 });
  const demoCtx: CliContext = {
    ...ctx,
    env: { ...ctx.env, ...emulatorEnv(emulator.url), CUTOVER_CONFIG: join(dir, 'config.json') },
  };
  const runtime = openRuntime(demoCtx, { ...opts, db });
  try {
    say(ctx, `emulator on ${emulator.url}; state database ${dbLabel}`);
    const world = emulator.world(DEMO_CREDENTIALS.orgId);
    const audiences = world.aam.legacySegments.map((s) => s.integrationCode).filter((c): c is string => Boolean(c));
    const plan = demoPlan(DEMO_CREDENTIALS.orgId, audiences.length > 0 ? audiences : world.audiences.map((a) => a.id));
    const engine = runtime.engineFor(plan);
    const id = await engine.create(plan, ctx.actor);
    say(
      ctx,
      `migration ${id}: ${plan.audiences.length} audiences; Customer Care will resolve the ticket ` +
        `${Number(opts.resolveAfterMs ?? 3000) / 1000}s after it is filed`,
    );
    let scheduled = false;
    const progress = progressView(ctx);
    const result = await engine.drive(id, {
      mode: 'until-done',
      signal: ctx.signal,
      onSnapshot: (s) => {
        progress.update(s);
        const key = s.context.ticket?.key;
        if (!key || scheduled) return;
        scheduled = true;
        setTimeout(() => emulator.control.resolveTicket(key), Number(opts.resolveAfterMs ?? 3000)).unref();
      },
    });
    progress.stop();
    const after = emulator.world(DEMO_CREDENTIALS.orgId);
    const truth = {
      resolutiondate: after.tickets[0]?.resolutiondate ?? null,
      flowCreatedAt: after.flows[0]?.createdAt ?? null,
    };
    if (opts.json)
      printJson(ctx, {
        id: result.id,
        status: result.status,
        db: dbLabel,
        marks: result.context.marks,
        downtime: computeDowntime(result.context.marks),
        emulator: truth,
      });
    else printSummary(ctx, result, truth);
    return exitFor(ctx, result);
  } finally {
    await runtime.close();
    await emulator.close();
  }
}
