import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'firmware-sim/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real brokers and servers on port 0; files run in parallel processes.
    pool: 'forks',
    // The default report, then one plain 'N passed, N failed' line for CI.
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
