import { defineConfig } from 'vitest/config';

/**
 * Slow reliability suites (minutes): SIGKILL crash cycles and server outages.
 * `npm run test:faults` (after `npm run build`). One file at a time: they measure timing.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/faults/**/*.faults.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
