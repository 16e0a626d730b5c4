import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { describe, expect, inject, it } from 'vitest';
import { createTestContext } from '../../testing/context.js';
import { connect } from './connection.js';
import { postgres } from './index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseError: string;
  }
}

/** The server from test/setup/global-setup.ts; fails (never skips) when it did not start. */
function databaseUrl(): string {
  const url = inject('databaseUrl') || process.env.TEST_DATABASE_URL;
  if (!url) throw new Error(`no test database: ${inject('databaseError')}`);
  return url;
}

const noRetry = { attempts: 1, initial_secs: 0, max_secs: 0, jitter: 0 };

describe('postgres connection', () => {
  it('opens a UTC session with the application name', async () => {
    const client = await connect({ url: databaseUrl() }, { signal: new AbortController().signal, retry: noRetry });
    try {
      const { rows } = await client.query("SELECT current_setting('TimeZone') AS tz, current_setting('application_name') AS app");
      expect(rows[0]).toEqual({ tz: 'UTC', app: 'etl-cli' });
    } finally {
      await client.end();
    }
  });

  it('applies statement_timeout_secs to the session', async () => {
    const client = await connect({ url: databaseUrl(), statement_timeout_secs: 0.2 }, { signal: new AbortController().signal, retry: noRetry });
    try {
      await expect(client.query('SELECT pg_sleep(3)')).rejects.toMatchObject({ code: '57014' });
    } finally {
      await client.end();
    }
  });

  it('reports a wrong password without revealing it', async () => {
    const url = new URL(databaseUrl());
    url.password = 'Wr0ngSecretPw';
    const err = (await connect({ url: url.toString() }, { signal: new AbortController().signal, retry: noRetry }).catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'E_PG_28P01', kind: 'config' });
    expect(err.message).toContain('connecting to');
    expect(err.message).not.toContain('Wr0ngSecretPw');
    expect(JSON.stringify(err)).not.toContain('Wr0ngSecretPw');
  });

  it('retries a refused connection with the retry policy, then fails', async () => {
    const ctx = createTestContext({ dir: tmpdir(), retry: { attempts: 3, initial_secs: 0.01, max_secs: 0.02, jitter: 0 }, stage: 'extract' });
    const err = await connect({ host: '127.0.0.1', port: 1, password: 'pw-secret' }, ctx).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ code: 'E_PG', kind: 'transient' });
    expect(ctx.emitted.filter((e) => e.type === 'retry.scheduled')).toHaveLength(2);
  });

  it('never hangs: connect_timeout_secs bounds a silent server', async () => {
    const server: Server = createServer(() => {});
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const started = Date.now();
    try {
      const err = await connect({ host: '127.0.0.1', port, connect_timeout_secs: 0.3 }, { signal: new AbortController().signal, retry: noRetry }).catch((e: unknown) => e as Error);
      expect(err).toBeInstanceOf(Error);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      server.close();
    }
  });

  it('checkConnection returns an issue instead of throwing', async () => {
    const runtime = await postgres.load();
    const issues = await runtime.checkConnection!({ host: '127.0.0.1', port: 1 }, {
      signal: new AbortController().signal, path: '/connections/db', pipeline: createTestContext({ dir: tmpdir() }).pipeline,
      issue: (path, code, message, hint) => ({ severity: 'error', path, code, message, ...(hint ? { hint } : {}) }),
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: '/connections/db', code: 'E_PG' });
    expect(await runtime.checkConnection!({ url: databaseUrl() }, {
      signal: new AbortController().signal, path: '/connections/db', pipeline: createTestContext({ dir: tmpdir() }).pipeline,
      issue: (path, code, message) => ({ severity: 'error', path, code, message }),
    })).toEqual([]);
  });
});
