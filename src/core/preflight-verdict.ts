// The pieces every preflight rule builds its verdicts from (preflight-rules.ts, preflight-rules-plan.ts).
import type { Verdict } from './preflight.js';
import { CHECKS, type CheckId } from './preflight-checks.js';

export const isError = (f: unknown): f is { error: string } =>
  typeof f === 'object' && f !== null && !Array.isArray(f) && typeof (f as { error?: unknown }).error === 'string';

/** "a, b, c" or "a, b, ... and 12 more". */
export function listNames(names: readonly string[], max = 10): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export const pass = (id: CheckId, message: string, items?: string[]): Verdict => ({
  id,
  status: 'pass',
  message,
  ...(items ? { items } : {}),
});
export const warn = (id: CheckId, message: string, items?: string[]): Verdict => ({
  id,
  status: 'warn',
  message,
  ...(items ? { items } : {}),
});
export const fail = (id: CheckId, message: string, items?: string[]): Verdict => ({
  id,
  status: 'fail',
  message,
  ...(items ? { items } : {}),
});

/** A check whose facts are missing: never a pass; 'fail' for error checks, 'warn' for warnings. */
export function notChecked(id: CheckId, why: string): Verdict {
  const severity = CHECKS.find((c) => c.id === id)?.severity ?? 'error';
  return { id, status: severity === 'error' ? 'fail' : 'warn', message: `not checked: ${why}` };
}

export const norm = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
export const unique = (xs: readonly string[]): string[] => [...new Set(xs)];
