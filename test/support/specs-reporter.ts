// Lists, at the end of a run, the tests that need the vendors' OpenAPI documents and did not run (see specs.ts),
// because the default reporter only counts skipped tests in a passing file and a skipped contract test must
// not pass unnoticed. Runs beside the default reporter (vitest.config.ts).
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { SPECS_ENV, SPECS_HINT } from './specs.js';

export default class SpecsReporter implements Reporter {
  private log: (line: string) => void = (line) => process.stdout.write(`${line}\n`);

  onInit(vitest: Vitest): void {
    this.log = (line) => vitest.logger.log(line);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const notRun: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests('skipped')) {
        if (test.meta().needsSpecs) notRun.push(`  ${module.relativeModuleId} > ${test.fullName}`);
      }
    }
    if (notRun.length === 0) return;
    const files = new Set(notRun.map((line) => line.trim().split(' > ')[0])).size;
    this.log('');
    this.log(`Not run: ${notRun.length} tests in ${files} files need the vendors' OpenAPI documents (${SPECS_ENV}).`);
    this.log(`To run them, ${SPECS_HINT}:`);
    for (const line of notRun) this.log(line);
  }
}
