import { isAbsolute } from 'node:path';
import { throwIfAborted } from '../../core/errors.js';
import type { RecordBatch, RecordSchema } from '../../core/records/types.js';
import type { SinkContext, SinkPlan, WriteResult } from '../define.js';
import {
  openAtomicWriter,
  outputCompressionFor,
  tempPathFor,
  type AtomicWriterOptions,
  type OutputCompression,
  type WriteMode,
} from './atomic-writer.js';
import { displayPath, resolveTargetPath, STDIO_PATH } from './resolve-path.js';

/** What every file sink keeps in `SinkPlan.internal`. */
export interface FileSinkInternal {
  /** absolute target path, or '-' for stdout. */
  readonly path: string;
  /** absolute temp path; undefined for stdout. */
  readonly temp_path: string | undefined;
  readonly mode: WriteMode;
  readonly compression: OutputCompression;
  /** the schema given to plan(); used for a header when no batch arrives. */
  readonly schema: RecordSchema;
  /** the sink's validated options, for its encoder. */
  readonly options: Readonly<Record<string, unknown>>;
}

export interface FilePlanInput {
  /** the `path:` option as written (templates allowed, `-` = stdout). */
  readonly path: string;
  readonly mode?: WriteMode;
  /** `auto`/undefined: gzip when the path ends in `.gz`. */
  readonly compression?: 'auto' | OutputCompression;
  /** format word for the steps: 'csv', 'ndjson', 'json array'. */
  readonly format: string;
  readonly schema: RecordSchema;
  readonly options: Readonly<Record<string, unknown>>;
}

/**
 * The plan every file sink shows in dry-run, e.g. for overwrite:
 *   write csv to ./.out.csv.tmp-<run_id>
 *   fsync and rename to out.csv (replaces the existing file)
 * Pure: same options and context → same plan.
 */
export function planFileSink(input: FilePlanInput, ctx: SinkContext): SinkPlan {
  const mode = input.mode ?? 'overwrite';
  const path = resolveTargetPath(input.path, ctx);
  const compression = outputCompressionFor(path === STDIO_PATH ? input.path : path, input.compression);
  const what = compression === 'gzip' ? `gzip ${input.format}` : input.format;
  if (path === STDIO_PATH) {
    const internal: FileSinkInternal = { path, temp_path: undefined, mode, compression, schema: input.schema, options: input.options };
    return { target: 'stdout', mode, steps: [`write ${what} to stdout`], internal };
  }
  const temp = tempPathFor(path, ctx.pipeline.run_id);
  const shownTarget = displayPath(path, ctx);
  const shownTemp = showTemp(displayPath(temp, ctx));
  const steps =
    mode === 'append'
      ? [
          `copy ${shownTarget} to ${shownTemp} if it exists (append keeps the original untouched until the rename)`,
          `append ${what} rows to ${shownTemp}`,
          `fsync and rename to ${shownTarget}`,
        ]
      : [`write ${what} to ${shownTemp}`, `fsync and rename to ${shownTarget} (replaces the existing file)`];
  const internal: FileSinkInternal = { path, temp_path: temp, mode, compression, schema: input.schema, options: input.options };
  return { target: shownTarget, mode, steps, internal };
}

function showTemp(shown: string): string {
  return isAbsolute(shown) ? shown : `./${shown}`;
}

/** Turns batches into the bytes of one text format. One call per batch → one write per batch. */
export interface FileEncoder {
  /** text before the first row (a CSV header, `[`); `appending` is true when the target had content. */
  start?(schema: RecordSchema, appending: boolean): string;
  batch(batch: RecordBatch): string;
  /** text after the last row (a JSON array's `]`). */
  end?(appending: boolean): string;
}

/**
 * The shared apply(): opens an atomic writer from the plan, encodes each batch into one write,
 * checks the signal between batches, commits at the end and aborts (removing the temp file) on
 * any error, leaving the target as it was.
 */
export async function applyFileSink(
  plan: SinkPlan,
  input: AsyncIterable<RecordBatch>,
  ctx: SinkContext,
  encoder: FileEncoder,
  writerOptions: Pick<AtomicWriterOptions, 'keep_bytes'> = {},
): Promise<WriteResult> {
  const internal = plan.internal as FileSinkInternal;
  throwIfAborted(ctx.signal);
  const writer = await openAtomicWriter(internal.path, {
    ...writerOptions,
    mode: internal.mode,
    compression: internal.compression,
    signal: ctx.signal,
    ...(internal.temp_path ? { temp_path: internal.temp_path } : {}),
  });
  const appending = writer.existingBytes > 0;
  let rows = 0;
  let started = false;
  try {
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      let text = '';
      if (!started) {
        text = encoder.start?.(batch.schema, appending) ?? '';
        started = true;
      }
      if (batch.rows.length > 0) text += encoder.batch(batch);
      if (text.length > 0) await writer.write(text);
      rows += batch.rows.length;
    }
    throwIfAborted(ctx.signal);
    const tail = (started ? '' : (encoder.start?.(internal.schema, appending) ?? '')) + (encoder.end?.(appending) ?? '');
    if (tail.length > 0) await writer.write(tail);
    await writer.commit();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return { rows_written: rows, target: plan.target };
}
