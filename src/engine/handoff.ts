// The downtime lines of the hand-off comment, computed from the stored marks only.
import { computeDowntime } from '../core/downtime.js';
import type { MigrationContext } from '../core/machine-types.js';

export function handoffLines(ctx: MigrationContext): string[] {
  const d = computeDowntime(ctx.marks, {});
  const text = (x: { text: string } | null) => x?.text ?? 'n/a';
  return [
    `Downtime window (legacy stopped -> new connection): ${text(d.window)}`,
    `Detection lag: ${text(d.detectionLag)}; cut-over execution: ${text(d.executionTime)}; data gap: ` +
      `${text(d.dataGap)}`,
    `Audiences moved: ${ctx.plan.audiences.length}`,
  ];
}
