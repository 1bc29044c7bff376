// Optional figures for docs/reliability.md: with CUTOVER_RELIABILITY_FIGURES=FILE set, tests append one JSON
// line per observation (kill point, storm, race…) so a run's numbers can be summed instead of guessed.
import { appendFileSync } from 'node:fs';

export function recordFigure(kind: string, data: Record<string, unknown>): void {
  const file = process.env.CUTOVER_RELIABILITY_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify({ kind, at: new Date().toISOString(), ...data })}\n`);
}
