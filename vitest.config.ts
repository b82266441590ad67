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
    env: { UPSTREAM_LAB_HOME: join(tmpdir(), `upstream-lab-test-home-${process.pid}`) },
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['verbose'] : ['default'],
    // Builds the offline Docker base image when an engine runs but lacks it (about a minute).
    globalSetup: ['tests/docker/global-setup.ts'],
  },
});
