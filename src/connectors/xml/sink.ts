import type { RecordBatch, RecordSchema, Row } from '../../core/records/types.js';
import type { SinkContext, SinkPlan, SinkRuntime, WriteResult } from '../define.js';
import { applyFileSink, planFileSink, type FileSinkInternal } from '../shared/file-sink-base.js';
import { readOptions } from '../shared/options.js';
import { xmlSinkOptions, type XmlSinkOptions } from './options.js';
import { documentEnd, documentStart, ElementNames, recordXml, type XmlLayout } from './xml-writer.js';

async function planXml(options: Record<string, unknown>, schema: RecordSchema, ctx: SinkContext): Promise<SinkPlan> {
  const opts = readOptions(xmlSinkOptions, options, 'xml sink');
  const plan = planFileSink(
    { path: opts.path, mode: 'overwrite', compression: opts.compression ?? 'auto', format: 'xml', schema, options: opts },
    ctx,
  );
  const names = new ElementNames();
  const record = opts.record_element ?? 'record';
  const typeMap = Object.fromEntries(schema.columns.map((c) => [c.name, `<${record}><${names.of(c.name)}> text`]));
  return { ...plan, type_map: typeMap };
}

function layoutOf(opts: XmlSinkOptions): XmlLayout {
  return {
    root: opts.root_element ?? 'records',
    record: opts.record_element ?? 'record',
    nulls: opts.nulls ?? 'nil',
    invalidChars: opts.invalid_chars ?? 'reject',
  };
}

/**
 * Encodes each batch to one string before the shared file writer sees it, so rows that cannot
 * be written (a character XML 1.0 forbids) are rejected and not counted as written.
 */
async function* encodeBatches(
  input: AsyncIterable<RecordBatch>,
  layout: XmlLayout,
  ctx: SinkContext,
  encoded: WeakMap<RecordBatch, string>,
): AsyncGenerator<RecordBatch> {
  const names = new ElementNames();
  for await (const batch of input) {
    const columns = batch.schema.columns.map((c) => [c.name, names.of(c.name)] as const);
    const rows: Row[] = [];
    let xml = '';
    batch.rows.forEach((row, i) => {
      const out = recordXml(row, columns, layout);
      if ('xml' in out) {
        xml += out.xml;
        rows.push(row);
        return;
      }
      const position = batch.origin?.[i];
      ctx.reject({ record: row, reason: out.error, column: out.column, ...(position ? { position } : {}) });
    });
    const kept: RecordBatch = { schema: batch.schema, rows };
    encoded.set(kept, xml);
    yield kept;
  }
}

async function applyXml(plan: SinkPlan, input: AsyncIterable<RecordBatch>, ctx: SinkContext): Promise<WriteResult> {
  const internal = plan.internal as FileSinkInternal;
  const layout = layoutOf(internal.options as XmlSinkOptions);
  const encoded = new WeakMap<RecordBatch, string>();
  return applyFileSink(plan, encodeBatches(input, layout, ctx, encoded), ctx, {
    start: () => documentStart(layout),
    batch: (batch) => encoded.get(batch) ?? '',
    end: () => documentEnd(layout),
  });
}

export const xmlSink: SinkRuntime = { plan: planXml, apply: applyXml };
