import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, mkdir, open, rename, rm, stat, truncate } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { RunError, throwIfAborted } from '../../core/errors.js';
import { STDIO_PATH } from './resolve-path.js';

export type OutputCompression = 'none' | 'gzip';
export type WriteMode = 'overwrite' | 'append';

export interface AtomicWriterOptions {
  readonly mode?: WriteMode;
  readonly compression?: OutputCompression;
  readonly signal?: AbortSignal;
  /** names the temp file `.<name>.tmp-<run_id>`; random when absent. Ignored when temp_path is set. */
  readonly run_id?: string;
  /** exact temp path (from a plan); must be in the target's directory. */
  readonly temp_path?: string;
  /**
   * append only: how many bytes of the existing file to keep (default: all). Lets a format
   * with a trailer (a JSON array's `]`) reopen it. Called only for an existing non-empty file.
   */
  readonly keep_bytes?: (path: string, size: number) => Promise<number>;
}

export interface AtomicWriter {
  readonly path: string;
  /** undefined for stdout. */
  readonly tempPath: string | undefined;
  /** bytes taken over from the existing file (append); 0 when it was missing or empty. */
  readonly existingBytes: number;
  /** writes one chunk (a whole batch); resolves when the stream can take more. */
  write(chunk: string | Uint8Array): Promise<void>;
  /** flushes, fsyncs and renames the temp file onto the target. */
  commit(): Promise<void>;
  /** removes the temp file; the target is left as it was. Safe to call twice or after commit. */
  abort(): Promise<void>;
}

/** `.<name>.tmp-<run_id>` next to the target. Always longer than the name, so never equal to it. */
export function tempPathFor(path: string, runId?: string): string {
  const tag = (runId && runId.length > 0 ? runId : randomBytes(6).toString('hex')).replace(/[^A-Za-z0-9_.-]/g, '_');
  return join(dirname(path), `.${basename(path)}.tmp-${tag}`);
}

/** `auto` (or undefined) means gzip when the path ends in `.gz`. */
export function outputCompressionFor(path: string, compression?: 'auto' | OutputCompression): OutputCompression {
  if (compression === 'gzip' || compression === 'none') return compression;
  return path.toLowerCase().endsWith('.gz') ? 'gzip' : 'none';
}

/**
 * Opens a crash-safe writer: bytes go to a temp file in the target's directory, and only
 * commit() renames it onto the target, so a failed or killed run never leaves a partial file.
 * `append` first copies the existing file into the temp file (cost: one full copy of the existing
 * file per run, done with copy_file_range/reflink where the OS has it) so a failed append leaves
 * the original untouched. gzip appends add a new gzip member, which every gunzip reads.
 * `-` writes straight to stdout (nothing to roll back).
 */
export async function openAtomicWriter(path: string, options: AtomicWriterOptions = {}): Promise<AtomicWriter> {
  throwIfAborted(options.signal);
  if (path === STDIO_PATH) return stdoutWriter(options);
  const temp = options.temp_path ?? tempPathFor(path, options.run_id);
  if (temp === path) throw new RunError('E_INTERNAL_TEMP', `temp file would overwrite ${path}`);
  await mkdir(dirname(path), { recursive: true }).catch((err: unknown) => {
    throw new RunError('E_OUTPUT_DIR', `cannot create directory ${dirname(path)}: ${(err as Error).message}`, { cause: err });
  });
  const existingBytes = options.mode === 'append' ? await takeOverExisting(path, temp, options) : 0;
  const out = createWriteStream(temp, { flags: existingBytes > 0 ? 'a' : 'w' });
  // wait for the open, so an early abort() cannot race a file created after its rm()
  await once(out, 'ready').catch((err: unknown) => {
    throw new RunError('E_OUTPUT_OPEN', `cannot write ${temp}: ${(err as Error).message}`, { cause: err });
  });
  let head: Writable = out;
  let done: Promise<void>;
  if (options.compression === 'gzip') {
    const gz = createGzip();
    head = gz;
    done = pipeline(gz, out);
  } else {
    done = finished(out);
  }
  done.catch(() => {}); // awaited in write/commit; this only stops an unhandled rejection
  let state: 'open' | 'committed' | 'aborted' = 'open';
  return {
    path,
    tempPath: temp,
    existingBytes,
    async write(chunk) {
      if (state !== 'open') throw new RunError('E_INTERNAL_WRITER', `write after ${state} on ${path}`);
      throwIfAborted(options.signal);
      if (!head.write(chunk)) await Promise.race([once(head, 'drain'), done]).catch((err: unknown) => {
        throw writeError(err, temp);
      });
    },
    async commit() {
      if (state !== 'open') throw new RunError('E_INTERNAL_WRITER', `commit after ${state} on ${path}`);
      throwIfAborted(options.signal);
      head.end();
      try {
        await done;
        await fsyncPath(temp, 'r+');
        await rename(temp, path);
      } catch (err) {
        throw writeError(err, path);
      }
      state = 'committed';
      await fsyncPath(dirname(path), 'r').catch(() => {}); // directory fsync is best effort
    },
    async abort() {
      if (state !== 'open') return;
      state = 'aborted';
      head.destroy();
      out.destroy();
      await done.catch(() => {});
      await rm(temp, { force: true });
    },
  };
}

/** A one-line RunError for an I/O failure (disk full, permission, target is a directory). */
function writeError(err: unknown, path: string): unknown {
  if (err instanceof RunError || (err instanceof Error && err.name === 'AbortError')) return err;
  const e = err as NodeJS.ErrnoException;
  const hint =
    e?.code === 'ENOSPC' ? 'free some disk space' : e?.code === 'EISDIR' ? 'the target is a directory: give a file path' : 'check the path and its permissions';
  return new RunError('E_OUTPUT_WRITE', `cannot write ${path}: ${e?.message ?? String(err)}`, { hint, cause: err });
}

async function takeOverExisting(path: string, temp: string, options: AtomicWriterOptions): Promise<number> {
  const size = await stat(path).then((s) => s.size, () => 0);
  if (size === 0) return 0;
  await copyFile(path, temp);
  if (!options.keep_bytes) return size;
  const keep = await options.keep_bytes(path, size);
  if (keep < size) await truncate(temp, keep);
  return keep;
}

async function fsyncPath(path: string, flags: string): Promise<void> {
  const fh = await open(path, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function stdoutWriter(options: AtomicWriterOptions): AtomicWriter {
  const stdout = process.stdout as unknown as WriteStream;
  const gz = options.compression === 'gzip' ? createGzip() : undefined;
  if (gz) gz.pipe(stdout, { end: false });
  const head: Writable = gz ?? stdout;
  return {
    path: STDIO_PATH,
    tempPath: undefined,
    existingBytes: 0,
    async write(chunk) {
      throwIfAborted(options.signal);
      if (!head.write(chunk)) await once(head, 'drain');
    },
    async commit() {
      if (gz) {
        const ended = once(gz, 'end');
        gz.end();
        await ended;
      }
      if (stdout.writableNeedDrain) await once(stdout, 'drain');
    },
    async abort() {
      gz?.destroy();
    },
  };
}
