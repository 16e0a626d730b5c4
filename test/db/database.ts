import { inject } from 'vitest';

/**
 * The PostgreSQL URL from test/setup/global-setup.ts (or TEST_DATABASE_URL).
 * Throws with the start-up error, so a test that needs the database fails loudly instead of
 * being skipped.
 */
export function requireDatabaseUrl(): string {
  const url = inject('databaseUrl') || process.env.TEST_DATABASE_URL || '';
  if (url) return url;
  const why = inject('databaseError') || 'the global setup did not run';
  throw new Error(`no test database: ${why}\nSet TEST_DATABASE_URL=postgres://user:pass@host:port/db to use an existing server.`);
}
