import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import pg from 'pg';
import type { RecordBatch, RecordSchema, Row } from '../../src/core/records/types.js';
import { createTestContext, type TestContext, type TestContextOptions } from '../../src/testing/context.js';

/** A context for one postgres stage: no retries (tests want the first error), url connection. */
export function pgContext(url: string, options: TestContextOptions = {}): TestContext {
  return createTestContext({
    stage: 'test postgres',
    batch_size: 1000,
    retry: { attempts: 1, initial_secs: 0.01, max_secs: 0.01, jitter: 0 },
    connection: { url },
    dir: tmpdir(),
    ...options,
  });
}

/** A unique table name, so test files can run in parallel against one database. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET TimeZone TO 'UTC'");
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function* batchesOf(schema: RecordSchema, rows: readonly Row[], size = 1000): AsyncIterable<RecordBatch> {
  for (let i = 0; i < rows.length; i += size) yield { schema, rows: rows.slice(i, i + size) };
}

/** Yields `good` rows, then throws: the sink must roll everything back. */
export async function* failingAfter(schema: RecordSchema, rows: readonly Row[], size: number): AsyncIterable<RecordBatch> {
  yield* batchesOf(schema, rows, size);
  throw new Error('source failed mid-stream');
}
