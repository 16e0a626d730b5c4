import { describe, expect, it } from 'vitest';
import { requireDatabaseUrl } from './database.js';
import { withClient } from './helpers.js';

describe('test database', () => {
  it('is reachable and is a real PostgreSQL', async () => {
    const url = requireDatabaseUrl();
    const version = await withClient(url, async (c) => (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v);
    expect(Number.parseInt(version, 10)).toBeGreaterThanOrEqual(12);
  });
});
