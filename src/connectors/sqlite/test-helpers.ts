import type { RecordBatch, RecordSchema, Row } from '../../core/records/types.js';
import type { SinkContext, SourceContext, WriteResult } from '../define.js';
import { collectBatches } from '../../testing/context.js';
import { loadDriver, type SqliteRow } from './driver.js';
import { sqlite } from './index.js';

/** Test-only helpers: run the real runtime against real files. */

export async function runtime() {
  return sqlite.load();
}

export async function writeRows(
  options: Record<string, unknown>,
  schema: RecordSchema,
  batches: AsyncIterable<RecordBatch> | readonly Row[][],
  ctx: SinkContext,
): Promise<WriteResult> {
  const { sink } = await runtime();
  const plan = await sink!.plan(options, schema, ctx);
  const input = Array.isArray(batches) ? fromRows(schema, batches as Row[][]) : (batches as AsyncIterable<RecordBatch>);
  return sink!.apply(plan, input, ctx);
}

export async function* fromRows(schema: RecordSchema, batches: readonly Row[][]): AsyncGenerator<RecordBatch> {
  for (const rows of batches) yield { schema, rows };
}

export async function readRows(options: Record<string, unknown>, ctx: SourceContext): Promise<{ rows: Row[]; batches: RecordBatch[] }> {
  const { source } = await runtime();
  return collectBatches(source!.read(options, ctx));
}

/** Raw SQL against a file, bypassing the connector (for assertions and fixtures). */
export async function sql(file: string, text: string, params: unknown[] = []): Promise<SqliteRow[]> {
  const open = await loadDriver();
  const db = open(file, {});
  try {
    const stmt = db.prepare(text);
    if (/^\s*(SELECT|PRAGMA|WITH)/i.test(text)) return stmt.all(params as never[]);
    stmt.run(params as never[]);
    return [];
  } finally {
    db.close();
  }
}

export async function exec(file: string, text: string): Promise<void> {
  const open = await loadDriver();
  const db = open(file, {});
  try {
    db.exec(text);
  } finally {
    db.close();
  }
}
