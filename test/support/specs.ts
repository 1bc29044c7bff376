// Tests that read the vendors' OpenAPI documents. Those documents are not part of this repository (CI has them in
// ../shared/specs beside the clone), so a fresh clone's `npm test` must pass without them:
// - CUTOVER_SPECS_DIR names a folder → the tests run (a relative value is taken from the repository's root);
// - unset → they are skipped and listed by name at the end of the run (test/support/specs-reporter.ts);
// - unset under CI, or naming a folder that does not exist → they fail, saying so, so a run can never pass by
//   silently dropping its contract tests.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { it, type TestFunction } from 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    /** Set on tests declared with itWithSpecs, so the reporter can list the ones that did not run. */
    needsSpecs?: boolean;
  }
}

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SPECS_ENV = 'CUTOVER_SPECS_DIR';
export const SPECS_HINT = `set ${SPECS_ENV} to the folder of the vendors' OpenAPI documents (CI uses ../shared/specs)`;

export type SpecsState = { kind: 'ready'; dir: string } | { kind: 'unset' } | { kind: 'missing'; dir: string };

export function specsState(env: NodeJS.ProcessEnv = process.env): SpecsState {
  const value = env[SPECS_ENV];
  if (value === undefined || value === '') return { kind: 'unset' };
  const dir = path.resolve(repoRoot, value);
  return existsSync(dir) && statSync(dir).isDirectory() ? { kind: 'ready', dir } : { kind: 'missing', dir };
}

export function runningInCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** Why the documents cannot be read, or null when they can. */
export function specsProblem(state: SpecsState = specsState()): string | null {
  if (state.kind === 'ready') return null;
  if (state.kind === 'missing') return `${SPECS_ENV}=${state.dir} is not a folder: ${SPECS_HINT}`;
  return `${SPECS_ENV} is not set: ${SPECS_HINT}`;
}

/** The folder of the documents; throws the reason when there is none (only reached by a test that needs them). */
export function specsDir(): string {
  const state = specsState();
  if (state.kind === 'ready') return state.dir;
  throw new Error(specsProblem(state) ?? SPECS_HINT);
}

/**
 * `it` for a test that reads the vendors' documents: runs with them, is skipped (and listed) without them on a
 * developer's machine, and fails under CI or when the variable names a folder that is not there.
 */
export function itWithSpecs(name: string, fn: TestFunction, timeout?: number): void {
  const state = specsState();
  const options = { meta: { needsSpecs: true }, ...(timeout === undefined ? {} : { timeout }) };
  if (state.kind === 'ready') return void it(name, options, fn);
  if (state.kind === 'missing' || runningInCi()) {
    const problem = specsProblem(state);
    return void it(name, options, () => {
      throw new Error(`${problem}${state.kind === 'unset' ? ' (CI=true: contract tests may not be skipped)' : ''}`);
    });
  }
  it(name, { ...options, skip: true }, fn);
}
