import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    clearMocks: true,
    // The JSON report feeds .ci/run's plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    restoreMocks: true,
    // Two test files at once: most of a file's time is spent waiting on child processes, git, s3rver
    // and HTTP servers, so two at once fit the 2-core CI machine (one at a time: ~630 s; vitest's
    // default there is one).
    maxWorkers: 2,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
