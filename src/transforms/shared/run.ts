import type { RecordBatch, RecordSchema, Row, SourcePosition } from '../../core/records/types.js';
import type { TransformDefinition } from '../define.js';
import { createTestContext, type TestContext, type TestContextOptions } from '../../testing/context.js';

/** Test helper: a batch from a schema spec and rows, with file:line origins. */
export function batchOf(columns: Record<string, RecordSchema['columns'][number]['type']>, rows: Row[], firstLine = 2): RecordBatch {
  const schema: RecordSchema = { columns: Object.entries(columns).map(([name, type]) => ({ name, type })) };
  const origin: SourcePosition[] = rows.map((_, i) => ({ file: 'data.csv', line: firstLine + i }));
  return { schema, rows, origin };
}

export interface TransformRun {
  readonly batches: RecordBatch[];
  readonly rows: Row[];
  readonly ctx: TestContext;
}

/** Test helper: loads a transform, runs it over the batches, collects the output. */
export async function runTransform(
  def: TransformDefinition,
  options: Record<string, unknown>,
  input: readonly RecordBatch[],
  ctxOptions: TestContextOptions = {},
): Promise<TransformRun> {
  const ctx = createTestContext({ stage: `transform[0] ${def.name}`, ...ctxOptions });
  const runtime = await def.load();
  const transform = runtime.create(options, ctx);
  async function* source(): AsyncIterable<RecordBatch> {
    for (const b of input) yield b;
  }
  const batches: RecordBatch[] = [];
  try {
    for await (const b of transform(source())) batches.push(b);
  } finally {
    ctx.cleanup();
  }
  return { batches, rows: batches.flatMap((b) => b.rows), ctx };
}
