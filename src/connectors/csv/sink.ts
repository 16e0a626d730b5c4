import type { RecordBatch, RecordSchema, Value } from '../../core/records/types.js';
import type { SinkContext, SinkPlan, SinkRuntime, WriteResult } from '../define.js';
import { applyFileSink, planFileSink, type FileEncoder, type FileSinkInternal } from '../shared/file-sink-base.js';
import { readOptions } from '../shared/options.js';
import { csvSinkOptions, unescapeDelimiter, type CsvSinkOptions } from './options.js';

export interface CsvFormat {
  readonly delimiter: string;
  readonly quote: string;
  readonly line_ending: string;
  readonly null_value: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/**
 * RFC 4180 field rendering: quoted when the text holds the delimiter, the quote, CR or LF, or
 * starts/ends with a space or tab; quotes inside are doubled. Values are rendered canonically:
 * bigint as digits, decimals as their text, binary as base64, json as JSON text.
 */
export function createFieldRenderer(format: CsvFormat): (value: Value | undefined) => string {
  const { quote, null_value } = format;
  // one character-class scan, then the edges: faster than one regex with anchored alternatives
  const special = new RegExp(`${escapeRegExp(format.delimiter)}|${escapeRegExp(quote)}|[\\r\\n]`);
  const blank = (code: number | undefined) => code === 32 || code === 9;
  const needs = (s: string) => s !== '' && (blank(s.charCodeAt(0)) || blank(s.charCodeAt(s.length - 1)) || special.test(s));
  const doubled = new RegExp(escapeRegExp(quote), 'g');
  const quoteText = (s: string) => (needs(s) ? quote + s.replace(doubled, quote + quote) + quote : s);
  return (value) => {
    if (value === null || value === undefined) return null_value;
    switch (typeof value) {
      case 'string':
        return quoteText(value);
      case 'number':
      case 'bigint':
        return String(value);
      case 'boolean':
        return value ? 'true' : 'false';
      default:
        if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
        return quoteText(JSON.stringify(value));
    }
  };
}

/**
 * Renders whole batches as CSV text, one string per batch. Columns are fixed by the header; a
 * column that first appears in a later batch cannot be added, so `onLateColumn` is told (once).
 */
export function createCsvEncoder(o: CsvSinkOptions, onLateColumn: (name: string) => void = () => {}): FileEncoder {
  const format: CsvFormat = {
    delimiter: unescapeDelimiter(o.delimiter ?? ','),
    quote: o.quote ?? '"',
    line_ending: o.line_ending ?? '\n',
    null_value: o.null_value ?? '',
  };
  const render = createFieldRenderer(format);
  const { delimiter, line_ending } = format;
  let names: string[] = [];
  const late = new Set<string>();
  return {
    start(schema: RecordSchema, appending: boolean) {
      names = schema.columns.map((c) => c.name);
      if (appending) return '';
      const bom = o.bom ? '\uFEFF' : '';
      const header = o.header === false || names.length === 0 ? '' : names.map((n) => render(n)).join(delimiter) + line_ending;
      return bom + header;
    },
    batch(batch: RecordBatch) {
      if (names.length === 0) names = batch.schema.columns.map((c) => c.name);
      if (batch.schema.columns.length > names.length) {
        for (const c of batch.schema.columns) {
          if (!names.includes(c.name) && !late.has(c.name)) {
            late.add(c.name);
            onLateColumn(c.name);
          }
        }
      }
      let out = '';
      const n = names.length;
      for (const row of batch.rows) {
        for (let i = 0; i < n; i++) {
          if (i > 0) out += delimiter;
          out += render(row[names[i] as string]);
        }
        out += line_ending;
      }
      return out;
    },
  };
}

async function plan(raw: Record<string, unknown>, schema: RecordSchema, ctx: SinkContext): Promise<SinkPlan> {
  const o = readOptions(csvSinkOptions, raw, 'csv sink');
  return planFileSink({ path: String(o.path), mode: o.mode === 'append' ? 'append' : 'overwrite', compression: o.compression ?? 'auto', format: 'csv', schema, options: o }, ctx);
}

async function apply(p: SinkPlan, input: AsyncIterable<RecordBatch>, ctx: SinkContext): Promise<WriteResult> {
  const o = (p.internal as FileSinkInternal).options as CsvSinkOptions;
  const warn = (name: string) =>
    ctx.events({
      type: 'warning',
      stage: ctx.stage,
      message: `column ${name} first appeared after the CSV header was written: its values are not written to ${p.target}`,
    });
  return applyFileSink(p, input, ctx, createCsvEncoder(o, warn));
}

export const csvSink: SinkRuntime = { plan, apply };
