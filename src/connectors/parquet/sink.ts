import { brotliCompressSync, gzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import type { CompressionCodec } from 'hyparquet';
import { ParquetWriter } from 'hyparquet-writer';
import { EtlError, RunError, throwIfAborted } from '../../core/errors.js';
import type { Column, RecordBatch, RecordSchema, Row, SourcePosition } from '../../core/records/types.js';
import type { SinkContext, SinkPlan, SinkRuntime, WriteResult } from '../define.js';
import { openAtomicWriter } from '../shared/atomic-writer.js';
import { planFileSink, type FileSinkInternal } from '../shared/file-sink-base.js';
import { readOptions } from '../shared/options.js';
import { HeapRelief } from '../shared/heap.js';
import { AtomicByteSink } from './byte-sink.js';
import { DEFAULT_CODEC, DEFAULT_ROW_GROUP_SIZE, parquetSinkOptions, type ParquetCodecName, type ParquetSinkOptions } from './options.js';
import { describeColumn, planWriters, Rejection, schemaElements, type ColumnWriter } from './write-schema.js';

/** heap kept between row groups: the live data of a 25k-row group is well under it (bench). */
const HEAP_BUDGET = 100 * 1024 * 1024;

type Compressor = (input: Uint8Array) => Uint8Array;
const zstdCompressSync = (zlib as unknown as { zstdCompressSync?: (b: Uint8Array) => Buffer }).zstdCompressSync;

/** The codec name in the file and the compressor hyparquet-writer needs (snappy is built in). */
export function codecFor(name: ParquetCodecName): { codec: CompressionCodec; compressors: Partial<Record<CompressionCodec, Compressor>> } {
  switch (name) {
    case 'gzip':
      return { codec: 'GZIP', compressors: { GZIP: (b) => gzipSync(b) } };
    case 'brotli':
      return { codec: 'BROTLI', compressors: { BROTLI: (b) => brotliCompressSync(b) } };
    case 'zstd':
      if (!zstdCompressSync) {
        throw new RunError('E_PARQUET_CODEC', `parquet compression zstd needs Node.js 22.15 or later (this is ${process.version})`, {
          hint: 'use compression: snappy (default), gzip or brotli, or run etl-cli on a newer Node.js',
        });
      }
      return { codec: 'ZSTD', compressors: { ZSTD: (b) => zstdCompressSync(b) } };
    case 'uncompressed':
      return { codec: 'UNCOMPRESSED', compressors: {} };
    default:
      return { codec: 'SNAPPY', compressors: {} };
  }
}

async function planParquet(options: Record<string, unknown>, schema: RecordSchema, ctx: SinkContext): Promise<SinkPlan> {
  const opts = readOptions(parquetSinkOptions, options, 'parquet sink');
  const codec = opts.compression ?? DEFAULT_CODEC;
  codecFor(codec);
  const plan = planFileSink(
    { path: opts.path, mode: 'overwrite', compression: 'none', format: `parquet (${codec}, row groups of ${opts.row_group_size ?? DEFAULT_ROW_GROUP_SIZE} rows)`, schema, options: opts },
    ctx,
  );
  return { ...plan, type_map: Object.fromEntries(schema.columns.map((c) => [c.name, describeColumn(c)])) };
}

/**
 * Buffers rows until a row group is full, then encodes and flushes it. The Parquet schema is
 * fixed at the first row group (decimal scale and timestamp zone come from its values).
 */
class RowGroupWriter {
  private columns: Column[] = [];
  private writers: ColumnWriter[] | undefined;
  private pq: ParquetWriter | undefined;
  private rows: Row[] = [];
  private origins: (SourcePosition | undefined)[] = [];
  private readonly warned = new Set<string>();
  private readonly heap = new HeapRelief(HEAP_BUDGET);
  written = 0;

  constructor(
    private readonly out: AtomicByteSink,
    private readonly opts: ParquetSinkOptions,
    private readonly ctx: SinkContext,
  ) {}

  async add(batch: RecordBatch): Promise<void> {
    this.noteColumns(batch.schema.columns);
    const size = this.opts.row_group_size ?? DEFAULT_ROW_GROUP_SIZE;
    for (let i = 0; i < batch.rows.length; i++) {
      this.rows.push(batch.rows[i] as Row);
      this.origins.push(batch.origin?.[i]);
      if (this.rows.length >= size) await this.flushGroup();
    }
  }

  async finish(planned: RecordSchema): Promise<void> {
    if (this.rows.length > 0) await this.flushGroup();
    if (this.columns.length === 0) this.columns = [...planned.columns];
    await this.writer().finish();
  }

  private noteColumns(columns: readonly Column[]): void {
    for (const column of columns) {
      if (this.columns.some((c) => c.name === column.name)) continue;
      if (!this.writers) this.columns.push(column);
      else if (!this.warned.has(column.name)) {
        this.warned.add(column.name);
        this.ctx.events({ type: 'warning', stage: this.ctx.stage, message: `column ${column.name} first appeared after the first row group; the parquet schema is fixed, so its values are not written` });
      }
    }
  }

  private writer(): ParquetWriter {
    if (!this.pq) {
      this.writers = planWriters(this.columns, this.rows);
      const { codec, compressors } = codecFor(this.opts.compression ?? DEFAULT_CODEC);
      this.pq = new ParquetWriter({ writer: this.out, schema: schemaElements(this.writers), codec, compressors, createdBy: 'etl-cli (hyparquet-writer)' });
    }
    return this.pq;
  }

  private async flushGroup(): Promise<void> {
    const pq = this.writer();
    const writers = this.writers as ColumnWriter[];
    const data = writers.map(() => [] as unknown[]);
    const cells = new Array<unknown>(writers.length);
    rows: for (let r = 0; r < this.rows.length; r++) {
      const row = this.rows[r] as Row;
      for (let c = 0; c < writers.length; c++) {
        const w = writers[c] as ColumnWriter;
        const value = row[w.name];
        const cell = value === null || value === undefined ? null : w.encode(value);
        if (cell instanceof Rejection) {
          const position = this.origins[r];
          this.ctx.reject({ record: row, reason: `column ${w.name}: ${cell.reason}`, column: w.name, ...(position ? { position } : {}) });
          continue rows;
        }
        cells[c] = cell;
      }
      for (let c = 0; c < writers.length; c++) (data[c] as unknown[]).push(cells[c]);
    }
    const kept = data[0]?.length ?? 0;
    this.rows = [];
    this.origins = [];
    if (kept === 0) return;
    await pq.write({ columnData: writers.map((w, c) => ({ name: w.name, data: data[c] as unknown[] })), rowGroupSize: kept });
    this.written += kept;
    detachStatistics(pq);
    this.heap.relieve();
  }
}

interface StatisticsHolder {
  readonly row_groups?: readonly { readonly columns: readonly { readonly meta_data?: { statistics?: Record<string, unknown> } }[] }[];
}

/**
 * The writer keeps each row group's min/max values until the footer is written. A string there
 * may be a slice of a whole parsed input chunk (V8 keeps the parent string alive), so the heap
 * would grow by about a chunk per column per row group: keep flat copies instead.
 */
function detachStatistics(pq: ParquetWriter): void {
  const last = (pq as unknown as StatisticsHolder).row_groups?.at(-1);
  for (const column of last?.columns ?? []) {
    const stats = column.meta_data?.statistics;
    if (!stats) continue;
    for (const key of ['min_value', 'max_value']) {
      const value = stats[key];
      if (typeof value === 'string') stats[key] = Buffer.from(value, 'utf8').toString('utf8');
    }
  }
}

/** Failures inside the encoder become one line naming the target; errors from upstream pass through. */
async function encoding<T>(target: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof EtlError || (err instanceof Error && err.name === 'AbortError')) throw err;
    const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ');
    throw new RunError('E_PARQUET_WRITE', `cannot write parquet ${target}: ${message}`, { cause: err });
  }
}

async function applyParquet(plan: SinkPlan, input: AsyncIterable<RecordBatch>, ctx: SinkContext): Promise<WriteResult> {
  const internal = plan.internal as FileSinkInternal;
  throwIfAborted(ctx.signal);
  const out = await openAtomicWriter(internal.path, {
    mode: 'overwrite', compression: 'none', signal: ctx.signal, ...(internal.temp_path ? { temp_path: internal.temp_path } : {}),
  });
  const groups = new RowGroupWriter(new AtomicByteSink(out), internal.options as ParquetSinkOptions, ctx);
  try {
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      await encoding(plan.target, () => groups.add(batch));
    }
    throwIfAborted(ctx.signal);
    await encoding(plan.target, () => groups.finish(internal.schema));
    throwIfAborted(ctx.signal); // a value refused in the last row group may have failed the run
    await out.commit();
  } catch (err) {
    await out.abort();
    throw err;
  }
  return { rows_written: groups.written, target: plan.target };
}

export const parquetSink: SinkRuntime = { plan: planParquet, apply: applyParquet };
