// cutover emulator: the built-in stand-in for Jira, IMS, AEP and Audience Manager, on 127.0.0.1.
import { UsageError } from '../../errors.js';
import type { CliContext, GlobalOptions } from '../wiring/context.js';

interface EmulatorFlags extends GlobalOptions {
  port?: string;
  seed?: string;
  latencyMs?: string;
  timeScale?: string;
  jiraFlavor?: string;
  autoResolveAfterMs?: string;
}

function numberFlag(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number >= ${min}, got "${value}"`);
  return n;
}

export default async function emulator(_args: string[], opts: EmulatorFlags, ctx: CliContext): Promise<number> {
  const flavor = opts.jiraFlavor ?? 'cloud';
  if (flavor !== 'cloud' && flavor !== 'dc') throw new UsageError(`--jira-flavor must be cloud or dc, got "${flavor}"`);
  const { run } = await import('../../emulator/index.js');
  return run({
    port: numberFlag('port', opts.port, 0),
    seed: numberFlag('seed', opts.seed, 0),
    latencyMs: numberFlag('latency-ms', opts.latencyMs, 0),
    timeScale: numberFlag('time-scale', opts.timeScale, 0),
    autoResolveAfterMs: numberFlag('auto-resolve-after-ms', opts.autoResolveAfterMs, 0) ?? null,
    jiraFlavor: flavor,
    out: (line) => ctx.io.stdout.write(`${line}\n`),
    until: new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true })),
  });
}
