// Output conventions (gh-style): data on stdout, talk on stderr, --json for data commands, NO_COLOR honoured,
// no colour or spinners off a terminal.
import type { CliContext } from '../wiring/context.js';

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
}

const plain: Style = { bold: (s) => s, dim: (s) => s, red: (s) => s, green: (s) => s, yellow: (s) => s };
const sgr = (code: number) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
const colour: Style = { bold: sgr(1), dim: sgr(2), red: sgr(31), green: sgr(32), yellow: sgr(33) };

export function styleFor(ctx: CliContext, stream: 'stdout' | 'stderr' = 'stdout'): Style {
  const tty = Boolean(ctx.io[stream].isTTY);
  const disabled = ctx.env.NO_COLOR !== undefined && ctx.env.NO_COLOR !== '';
  return tty && !disabled && ctx.env.TERM !== 'dumb' ? colour : plain;
}

export function out(ctx: CliContext, text = ''): void {
  ctx.io.stdout.write(`${text}\n`);
}

export function say(ctx: CliContext, text = ''): void {
  ctx.io.stderr.write(`${text}\n`);
}

export function printJson(ctx: CliContext, data: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
}

/** A plain aligned table: the last column is never padded, so long values do not push spaces. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return [line(headers), ...rows.map(line)].join('\n');
}

/** "3h 12m" style age of an instant, relative to now. */
export function age(fromIso: string, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - Date.parse(fromIso)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}
