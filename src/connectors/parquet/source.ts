import { parquetMetadataAsync, parquetRead, parquetSchema, type FileMetaData, type RowGroup } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { EtlError, RunError, throwIfAborted } from '../../core/errors.js';
import type { RecordBatch, RecordSchema, Row, SourcePosition } from '../../core/records/types.js';
import type { Issue } from '../../core/issues.js';
import type { CheckContext, SourceContext, SourceDescription, SourceRuntime } from '../define.js';
import { readOptions } from '../shared/options.js';
import { displayPath, resolveTargetPath, STDIO_PATH } from '../shared/resolve-path.js';
import { openFileBuffer, type FileBuffer } from './file-buffer.js';
import { parquetSourceOptions } from './options.js';
import { canonicalParsers, metadataForRead, readColumnFor, type ReadColumn } from './read-schema.js';

/** A column chunk larger than this is refused: JS cannot hold it, and a corrupt footer may lie. */
export const MAX_CHUNK_BYTES = 512 * 1024 * 1024;

const oneLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();

/** Every failure inside hyparquet becomes one clear line naming the file (bad data never crashes). */
async function guarded<T>(display: string, what: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  throwIfAborted(signal);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason ?? new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([fn(), aborted]);
  } catch (err) {
    throwIfAborted(signal);
    if (err instanceof EtlError) throw err;
    throw new RunError('E_PARQUET_READ', `${display}: cannot read parquet ${what}: ${oneLine(err)}`, {
      hint: 'the file is damaged or uses a feature hyparquet does not read; check it with another reader (duckdb, pyarrow)',
      where: { position: display },
      cause: err,
    });
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

function pickColumns(all: readonly ReadColumn[], wanted: readonly string[] | undefined, display: string): ReadColumn[] {
  if (!wanted) return [...all];
  const byName = new Map(all.map((c) => [c.column.name, c]));
  return wanted.map((name) => {
    const col = byName.get(name);
    if (!col) {
      throw new RunError('E_PARQUET_COLUMN', `${display} has no column "${name}"`, {
        hint: `columns in the file: ${all.map((c) => c.column.name).join(', ')}`,
      });
    }
    return col;
  });
}

function checkChunkSizes(group: RowGroup, names: ReadonlySet<string>, display: string, index: number): void {
  for (const chunk of group.columns) {
    const meta = chunk.meta_data;
    if (!meta || !names.has(meta.path_in_schema[0] ?? '')) continue;
    if (Number(meta.total_uncompressed_size) > MAX_CHUNK_BYTES) {
      const mib = Math.round(Number(meta.total_uncompressed_size) / 1024 / 1024);
      throw new RunError('E_PARQUET_READ', `${display}: cannot read parquet row group ${index}: column chunk ${meta.path_in_schema.join('.')} is ${mib} MiB uncompressed (limit ${MAX_CHUNK_BYTES / 1024 / 1024} MiB)`, {
        hint: 'rewrite the file with smaller row groups, or leave this column out with `columns:`',
        where: { position: display },
      });
    }
  }
}

/** Reads one row group into one array per column (values already converted by hyparquet). */
async function readGroup(file: FileBuffer, metadata: FileMetaData, names: readonly string[], start: number, rows: number): Promise<Map<string, ArrayLike<unknown>>> {
  const out = new Map<string, ArrayLike<unknown>>();
  const counts = new Map<string, number>(names.map((n) => [n, 0]));
  await parquetRead({
    file, metadata, columns: [...names], rowStart: start, rowEnd: start + rows,
    compressors, utf8: false, parsers: canonicalParsers,
    onChunk: ({ columnName, columnData, rowStart }) => {
      if (rowStart === start && columnData.length === rows) {
        out.set(columnName, columnData);
        counts.set(columnName, rows);
        return;
      }
      let target = out.get(columnName) as unknown[] | undefined;
      if (!target) out.set(columnName, (target = new Array<unknown>(rows)));
      for (let i = 0; i < columnData.length; i++) {
        const at = rowStart + i - start;
        if (at >= 0 && at < rows) target[at] = columnData[i];
      }
      counts.set(columnName, (counts.get(columnName) ?? 0) + columnData.length);
    },
  });
  for (const [name, count] of counts) {
    if (count < rows) throw new Error(`column ${name} has ${count} values, the row group has ${rows} rows`);
  }
  return out;
}

async function* readParquet(options: Record<string, unknown>, ctx: SourceContext): AsyncGenerator<RecordBatch> {
  const opts = readOptions(parquetSourceOptions, options, 'parquet source');
  if (opts.path === STDIO_PATH) {
    throw new RunError('E_PARQUET_STDIN', 'parquet cannot be read from stdin', { hint: 'save it to a file first: parquet needs random access to its footer' });
  }
  const path = resolveTargetPath(opts.path, ctx);
  const display = displayPath(path, ctx);
  const file = await openFileBuffer(path, display);
  try {
    const metadata = await guarded(display, 'footer', ctx.signal, () => parquetMetadataAsync(file, { parsers: canonicalParsers }));
    const columns = await guarded(display, 'schema', ctx.signal, async () => pickColumns(parquetSchema(metadata).children.map(readColumnFor), opts.columns, display));
    const schema: RecordSchema = { columns: columns.map((c) => c.column) };
    const names = columns.map((c) => c.column.name);
    const readMeta = metadataForRead(metadata);
    const limit = ctx.limit ?? Infinity;
    let start = 0;
    let emitted = 0;
    for (const [index, group] of metadata.row_groups.entries()) {
      if (emitted >= limit) return;
      const rows = Number(group.num_rows);
      checkChunkSizes(group, new Set(names), display, index);
      const data = await guarded(display, `row group ${index}`, ctx.signal, () => readGroup(file, readMeta, names, start, rows));
      for (let from = 0; from < rows && emitted < limit; from += ctx.batch_size) {
        throwIfAborted(ctx.signal);
        const to = Math.min(rows, from + ctx.batch_size, from + (limit - emitted));
        const batch = await guarded(display, `row group ${index}`, ctx.signal, async () => buildBatch(schema, columns, data, from, to, { display, index, start }));
        yield batch;
        emitted += to - from;
      }
      start += rows;
    }
  } finally {
    await file.close();
  }
}

function buildBatch(
  schema: RecordSchema, columns: readonly ReadColumn[], data: Map<string, ArrayLike<unknown>>,
  from: number, to: number, where: { display: string; index: number; start: number },
): RecordBatch {
  const arrays = columns.map((c) => data.get(c.column.name) ?? []);
  const rows: Row[] = new Array(to - from);
  const origin: SourcePosition[] = new Array(to - from);
  const locator = `row group ${where.index}`;
  for (let r = from; r < to; r++) {
    const row: Row = {};
    for (let c = 0; c < columns.length; c++) row[(columns[c] as ReadColumn).column.name] = (columns[c] as ReadColumn).convert((arrays[c] as ArrayLike<unknown>)[r]);
    rows[r - from] = row;
    origin[r - from] = { file: where.display, row: where.start + r + 1, locator };
  }
  return { schema, rows, origin };
}

async function describeParquet(options: Record<string, unknown>, ctx: SourceContext): Promise<SourceDescription> {
  const opts = readOptions(parquetSourceOptions, options, 'parquet source');
  const display = displayPath(resolveTargetPath(opts.path, ctx), ctx);
  const cols = opts.columns ? `, columns ${opts.columns.join(', ')}` : '';
  return { summary: `${display} (parquet, one row group at a time${cols})` };
}

/** validate --connections: the file opens, its footer parses and the `columns:` exist. */
async function checkParquet(options: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  const opts = readOptions(parquetSourceOptions, options, 'parquet source');
  if (opts.path === STDIO_PATH) return [];
  const path = resolveTargetPath(opts.path, ctx);
  const display = displayPath(path, ctx);
  try {
    const file = await openFileBuffer(path, display);
    try {
      const metadata = await guarded(display, 'footer', ctx.signal, () => parquetMetadataAsync(file, { parsers: canonicalParsers }));
      pickColumns(parquetSchema(metadata).children.map(readColumnFor), opts.columns, display);
    } finally {
      await file.close();
    }
  } catch (err) {
    if (!(err instanceof EtlError)) throw err;
    const at = err.code === 'E_PARQUET_COLUMN' ? `${ctx.path}/columns` : `${ctx.path}/path`;
    return [ctx.issue(at, err.code, err.message, err.hint)];
  }
  return [];
}

export const parquetSource: SourceRuntime = { read: readParquet, describe: describeParquet, check: checkParquet };
