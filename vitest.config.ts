import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/reliability/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The second reporter lists the contract tests that did not run for want of CUTOVER_SPECS_DIR.
    reporters: ['default', './test/support/specs-reporter.ts'],
  },
});
