// The reliability suite (docs/reliability.md): real CLI processes, SIGKILLed at every effect boundary, fault
// storms, bad input, racing runners and a secrets scan, all against the emulator. Spawns bin/cutover.cjs, so
// dist/ must be built first (the test:reliability script runs tsc before vitest).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Each file starts its own emulator on a free port; a few at once keeps the run short without starving
    // the children of CPU (a starved child looks like a hang).
    maxWorkers: 4,
  },
});
