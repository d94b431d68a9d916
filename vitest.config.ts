import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
    globalSetup: ['packages/server/test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores here: more workers only make each test file slower.
    maxWorkers: 2,
    // CI counts tests from the JSON report (.ci/run prints "N passed, N failed").
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: '.test-output/vitest.json' }]]
      : ['default'],
  },
});
