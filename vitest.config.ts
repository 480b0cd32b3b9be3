import { defineConfig } from 'vitest/config';

const globalSetup = ['tests/support/global-setup.ts'];
const exclude = ['**/node_modules/**', '.stack/**'];

/**
 * Three tiers: unit tests need nothing; int tests use the real servers the global setup found;
 * e2e tests start service processes against those servers and drive them over HTTP; fault tests
 * kill the servers themselves, so `npm test` runs them last and alone.
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['**/*.unit.test.ts'], exclude } },
      {
        test: {
          name: 'int',
          include: ['**/*.int.test.ts'],
          exclude,
          globalSetup,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores and one broker: files run one at a time so timings stay far from their deadlines.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/**/*.e2e.test.ts'],
          exclude,
          globalSetup,
          testTimeout: 240_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['tests/**/*.fault.test.ts'],
          exclude,
          globalSetup,
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
