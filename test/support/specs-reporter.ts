// Lists, at the end of a run, the tests that need the vendors' OpenAPI documents and did not run (see specs.ts),
// because the default reporter only counts skipped tests in a passing file and a skipped contract test must
// not pass unnoticed. Runs beside the default reporter (vitest.config.ts).
import type { Reporter, TestCase, TestModule, TestSuite, Vitest } from 'vitest/node';
import { PG_HINT } from './postgres.js';
import { SPECS_ENV, SPECS_HINT } from './specs.js';

export default class SpecsReporter implements Reporter {
  private log: (line: string) => void = (line) => process.stdout.write(`${line}\n`);

  onInit(vitest: Vitest): void {
    this.log = (line) => vitest.logger.log(line);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    this.listNotRun(testModules, 'needsSpecs', (n, files) => [
      `Not run: ${n} tests in ${files} files need the vendors' OpenAPI documents (${SPECS_ENV}).`,
      `To run them, ${SPECS_HINT}:`,
    ]);
    this.listNotRun(testModules, 'needsPostgres', (n, files) => [
      `Not run: ${n} tests in ${files} files need a PostgreSQL server (its binaries; the tests start their own).`,
      `To run them, ${PG_HINT}:`,
    ]);
  }

  private listNotRun(
    testModules: ReadonlyArray<TestModule>,
    flag: 'needsSpecs' | 'needsPostgres',
    heading: (tests: number, files: number) => string[],
  ): void {
    const notRun: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests('skipped')) {
        if (needs(test, flag)) notRun.push(`  ${module.relativeModuleId} > ${test.fullName}`);
      }
    }
    if (notRun.length === 0) return;
    const files = new Set(notRun.map((line) => line.trim().split(' > ')[0])).size;
    this.log('');
    for (const line of heading(notRun.length, files)) this.log(line);
    for (const line of notRun) this.log(line);
  }
}

/** The flag set on the test or on any suite around it (describeWithPostgres marks the suite). */
function needs(test: TestCase, flag: 'needsSpecs' | 'needsPostgres'): boolean {
  for (let node: TestCase | TestSuite | TestModule | undefined = test; node && node.type !== 'module'; ) {
    if (node.meta()[flag]) return true;
    node = node.parent as TestSuite | TestModule;
  }
  return false;
}
