/**
 * globalSetup of vitest.mysql.config.ts: the MySQL/MariaDB tests need TEST_MYSQL_URL. Without it
 * the run stops here with a visible NOT RUN message (never a silent skip).
 */
export default async function setup(): Promise<void> {
  if (!process.env.TEST_MYSQL_URL) {
    throw new Error(
      'MySQL/MariaDB integration tests NOT RUN: TEST_MYSQL_URL is not set.\n' +
      'Start a private server with `bash scripts/start-mariadb.sh` (prints TEST_MYSQL_URL=mysql://…) and export it.',
    );
  }
}
