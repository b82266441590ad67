import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    pool: 'forks',
    // Two cores: files that start nginx, Docker or many sockets must not starve each other.
    maxWorkers: 2,
    testTimeout: 20_000,
    // Labs the tests save go to a scratch folder, never the user's config.
    // Never a request off this machine: every registry and package index counts as unreachable.
    env: {
      UPSTREAM_LAB_HOME: join(tmpdir(), `upstream-lab-test-home-${process.pid}`),
      UPSTREAM_LAB_PROBE: 'unreachable',
    },
    hookTimeout: 60_000,
    // The JSON report lets `npm test` end with the failed tests' names: CI keeps only the tail.
    reporters: [process.env.CI ? 'verbose' : 'default', 'json'],
    outputFile: { json: 'test-reports/vitest.json' },
  },
});
