import { defineConfig } from 'vitest/config';

/**
 * MySQL/MariaDB integration tests (test/mysql/*.itest.ts), run against the server named by
 * TEST_MYSQL_URL (scripts/start-mariadb.sh starts a private MariaDB and prints it):
 *   npx vitest run --config vitest.mysql.config.ts
 * Without TEST_MYSQL_URL the run fails with "NOT RUN" rather than skipping silently.
 * The default vitest config does not pick these files up (they are not *.test.ts).
 */
export default defineConfig({
  test: {
    include: ['test/mysql/**/*.itest.ts'],
    globalSetup: ['test/mysql/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
