import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RunError, throwIfAborted, EtlError } from '../../core/errors.js';
import type { RecordBatch, RecordSchema, Row, SourcePosition } from '../../core/records/types.js';
import type { BatchTransform, TransformContext } from '../define.js';
import type { ScriptOptions } from './index.js';
import { SchemaTracker } from './schema.js';

type Fn = (...args: unknown[]) => unknown;

/** What the user's code gets: plain data and two callbacks, no engine internals. */
export interface ScriptContext {
  readonly stage: string;
  readonly pipeline: TransformContext['pipeline'];
  readonly signal: AbortSignal;
  readonly batch_size: number;
  /** the input batch's columns (batch functions only). */
  readonly schema?: RecordSchema;
  reject(row: Row | string, reason: string): void;
  warn(message: string): void;
}

/** `positions` maps the row objects handed to the script to their source positions. */
function scriptContext(ctx: TransformContext, schema?: RecordSchema, positions?: Map<unknown, SourcePosition>): ScriptContext {
  return {
    stage: ctx.stage, pipeline: ctx.pipeline, signal: ctx.signal, batch_size: ctx.batch_size,
    ...(schema ? { schema } : {}),
    reject: (record, reason) => {
      const position = positions?.get(record);
      ctx.reject({ record, reason: String(reason), ...(position ? { position } : {}) });
    },
    warn: (message) => ctx.events({ type: 'warning', stage: ctx.stage, message: String(message) }),
  };
}

/** Imports the module and picks the export: `function`, else `default`, else `transformBatch`. */
export async function loadScript(options: ScriptOptions, ctx: TransformContext): Promise<{ fn: Fn; streaming: boolean }> {
  const file = resolve(ctx.pipeline.dir, options.path);
  const where = { stage: ctx.stage };
  if (!existsSync(file)) throw new RunError('E_SCRIPT_LOAD', `${ctx.stage}: script ${options.path} not found (${file})`, { hint: 'paths resolve against the pipeline file\'s directory', where });
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new RunError('E_SCRIPT_LOAD', `${ctx.stage}: cannot import ${options.path}: ${(err as Error).message}`, { hint: `run \`node ${file}\` to see the error`, where, cause: err });
  }
  const name = options.function ?? (typeof mod['default'] === 'function' ? 'default' : 'transformBatch');
  const fn = mod[name];
  if (typeof fn !== 'function') {
    const found = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw new RunError('E_SCRIPT_EXPORT', `${ctx.stage}: ${options.path} has no exported function \`${name}\``, {
      hint: found.length ? `its functions: ${found.join(', ')} (set \`function:\`)` : 'export `default async function* (batches, ctx)` or `transformBatch(rows, ctx)`', where,
    });
  }
  const kind = (fn as Fn).constructor.name;
  return { fn: fn as Fn, streaming: kind === 'AsyncGeneratorFunction' || kind === 'GeneratorFunction' };
}

function scriptError(err: unknown, options: ScriptOptions, ctx: TransformContext): unknown {
  if (err instanceof EtlError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RunError('E_SCRIPT', `${ctx.stage}: ${options.path}: ${message}`, { where: { stage: ctx.stage }, cause: err });
}

/** A yielded value as rows: a batch `{ rows }` or an array of rows. */
function rowsOf(value: unknown, ctx: TransformContext, options: ScriptOptions): Row[] {
  if (Array.isArray(value)) return value as Row[];
  if (value && typeof value === 'object' && Array.isArray((value as RecordBatch).rows)) return [...(value as RecordBatch).rows];
  throw new RunError('E_SCRIPT_OUTPUT', `${ctx.stage}: ${options.path} produced ${value === null ? 'null' : typeof value}, not rows`, {
    hint: 'yield arrays of row objects (or { rows }), or return an array from transformBatch', where: { stage: ctx.stage },
  });
}

async function* perBatch(fn: Fn, input: AsyncIterable<RecordBatch>, options: ScriptOptions, ctx: TransformContext): AsyncIterable<RecordBatch> {
  const tracker = new SchemaTracker();
  for await (const batch of input) {
    throwIfAborted(ctx.signal);
    let out: unknown;
    const rowsIn = batch.rows.map((r) => ({ ...r }));
    const positions = new Map<unknown, SourcePosition>();
    if (batch.origin) rowsIn.forEach((r, i) => batch.origin![i] && positions.set(r, batch.origin![i]!));
    try {
      out = await fn(rowsIn, scriptContext(ctx, batch.schema, positions));
    } catch (err) {
      throw scriptError(err, options, ctx);
    }
    const rows = rowsOf(out, ctx, options);
    if (!rows.length) continue;
    const schema = tracker.update(batch.schema, rows);
    // same number of rows: the nth row still comes from the nth source position
    yield batch.origin && rows.length === batch.rows.length ? { schema, rows, origin: batch.origin } : { schema, rows };
  }
}

async function* streamed(fn: Fn, input: AsyncIterable<RecordBatch>, options: ScriptOptions, ctx: TransformContext): AsyncIterable<RecordBatch> {
  const tracker = new SchemaTracker();
  let inputSchema: RecordSchema = { columns: [] };
  const watched = (async function* () {
    for await (const batch of input) {
      throwIfAborted(ctx.signal);
      inputSchema = batch.schema;
      yield batch;
    }
  })();
  const iterable = fn(watched, scriptContext(ctx)) as AsyncIterable<unknown>;
  try {
    for await (const value of iterable) {
      throwIfAborted(ctx.signal);
      const rows = rowsOf(value, ctx, options);
      if (rows.length) yield { schema: tracker.update(inputSchema, rows), rows };
    }
  } catch (err) {
    throw scriptError(err, options, ctx);
  }
}

/** The `script` transform: the user's module over the batches (trusted code, see the docs). */
export function createScript(options: ScriptOptions, ctx: TransformContext): BatchTransform {
  return async function* script(input: AsyncIterable<RecordBatch>): AsyncIterable<RecordBatch> {
    const { fn, streaming } = await loadScript(options, ctx);
    yield* streaming ? streamed(fn, input, options, ctx) : perBatch(fn, input, options, ctx);
  };
}
