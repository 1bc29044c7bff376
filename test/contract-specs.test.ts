// `npm test` on a clone of this repository alone: the tests that need the vendors' OpenAPI documents (not in the
// repository) are skipped and listed by name without CUTOVER_SPECS_DIR, and fail under CI=true. Runs vitest itself
// on one small file that has such tests (test/emulator/segmentation-aam.test.ts), as a developer would.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/specs.js';

const FILE = 'test/emulator/segmentation-aam.test.ts';
const NAMED = `${FILE} > segment definitions > pages with start/limit and the documented page object`;

interface Run {
  code: number;
  output: string;
}

/** vitest on FILE with the given variables, and none of this run's (its own VITEST_* would confuse the child). */
function vitest(env: Record<string, string>): Promise<Run> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(VITEST|CUTOVER_SPECS_DIR$|CI$|TEST$|NODE_ENV$)/.test(k)),
  );
  const bin = path.join(repoRoot, 'node_modules/vitest/vitest.mjs');
  return new Promise((resolve) => {
    const options = { cwd: repoRoot, env: { ...base, NO_COLOR: '1', ...env }, timeout: 120_000 };
    execFile(process.execPath, [bin, 'run', FILE], options, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });
}

describe("tests that need the vendors' OpenAPI documents", () => {
  it('without CUTOVER_SPECS_DIR: the run passes and lists each test that did not run, by name', async () => {
    const run = await vitest({});
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/Not run: 2 tests in 1 files need the vendors' OpenAPI documents \(CUTOVER_SPECS_DIR\)/);
    expect(run.output).toContain(`  ${NAMED}\n`);
    expect(run.output).toMatch(/Tests {2}5 passed \| 2 skipped/);
  }, 150_000);

  it('under CI=true without it: the run fails, saying to set CUTOVER_SPECS_DIR', async () => {
    const run = await vitest({ CI: 'true' });
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain('CUTOVER_SPECS_DIR is not set');
    expect(run.output).toMatch(/Tests {2}2 failed \| 5 passed/);
  }, 150_000);

  it('naming a folder that is not there: the run fails, naming the folder', async () => {
    const run = await vitest({ CUTOVER_SPECS_DIR: 'no/such/specs' });
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain(`CUTOVER_SPECS_DIR=${path.join(repoRoot, 'no/such/specs')} is not a folder`);
  }, 150_000);
});
