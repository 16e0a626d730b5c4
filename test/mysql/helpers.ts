import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import mysql from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import { mysql as mysqlConnector } from '../../src/connectors/mysql/index.js';
import type { SinkRuntime, SourceRuntime } from '../../src/connectors/define.js';
import type { RecordBatch, RecordSchema, Row } from '../../src/core/records/types.js';
import { createTestContext, type TestContext, type TestContextOptions } from '../../src/testing/context.js';

export function requireMysqlUrl(): string {
  const url = process.env.TEST_MYSQL_URL;
  if (!url) throw new Error('TEST_MYSQL_URL is not set: the MySQL/MariaDB tests were NOT RUN');
  return url;
}

/** A context for one mysql stage: no retries (tests want the first error). */
export function myContext(options: TestContextOptions = {}): TestContext {
  return createTestContext({
    stage: 'test mysql',
    batch_size: 1000,
    retry: { attempts: 1, initial_secs: 0.01, max_secs: 0.01, jitter: 0 },
    connection: { url: requireMysqlUrl() },
    dir: tmpdir(),
    ...options,
  });
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

export async function sql(text: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  const conn = await mysql.createConnection({ uri: requireMysqlUrl(), timezone: 'Z', dateStrings: true });
  try {
    await conn.query("SET time_zone = '+00:00'");
    const [rows] = await conn.query<RowDataPacket[]>(text, params);
    return rows;
  } finally {
    await conn.end();
  }
}

export async function runtimes(): Promise<{ sink: SinkRuntime; source: SourceRuntime }> {
  const r = await mysqlConnector.load();
  return { sink: r.sink!, source: r.source! };
}

export async function* batchesOf(schema: RecordSchema, rows: readonly Row[], size = 1000): AsyncIterable<RecordBatch> {
  for (let i = 0; i < rows.length; i += size) yield { schema, rows: rows.slice(i, i + size) };
}

export async function* failingAfter(schema: RecordSchema, rows: readonly Row[], size: number): AsyncIterable<RecordBatch> {
  yield* batchesOf(schema, rows, size);
  throw new Error('source failed mid-stream');
}

export async function load(sink: SinkRuntime, options: Record<string, unknown>, schema: RecordSchema, input: AsyncIterable<RecordBatch>, ctx = myContext()) {
  const plan = await sink.plan(options, schema, ctx);
  return { plan, result: await sink.apply(plan, input, ctx), ctx };
}
