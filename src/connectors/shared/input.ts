import { access, open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable, addAbortSignal, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { RunError } from '../../core/errors.js';
import type { Issue } from '../../core/issues.js';
import type { CheckContext } from '../define.js';
import { displayPath, resolveTargetPath, STDIO_PATH } from './resolve-path.js';

export type InputCompression = 'auto' | 'gzip' | 'none';

export interface OpenInputOptions {
  readonly compression?: InputCompression;
  readonly signal?: AbortSignal;
  /** how the file is named in messages (defaults to its base name). */
  readonly display?: string;
  /** read size in bytes (default 256 KiB). */
  readonly chunk_bytes?: number;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const DEFAULT_CHUNK = 256 * 1024;

/**
 * Opens a file (or stdin for `-`) as a byte stream, gunzipping when asked or, with `auto`, when the
 * path ends in `.gz` or the first bytes are the gzip magic. A missing file is a RunError with a
 * hint, never an ENOENT stack. Errors while reading surface on the returned stream: wrap them
 * with `readError()`.
 */
export async function openInput(path: string, options: OpenInputOptions = {}): Promise<Readable> {
  const compression = options.compression ?? 'auto';
  const display = options.display ?? (path === STDIO_PATH ? 'stdin' : basename(path));
  let raw: Readable;
  let gzip: boolean;
  if (path === STDIO_PATH) {
    const sniffed = await sniffStream(process.stdin);
    raw = sniffed.stream;
    gzip = compression === 'gzip' || (compression === 'auto' && sniffed.gzip);
  } else {
    const fh = await openFile(path, display);
    gzip = compression === 'gzip' || (compression === 'auto' && (path.toLowerCase().endsWith('.gz') || (await hasGzipMagic(fh))));
    raw = fh.createReadStream({ start: 0, highWaterMark: options.chunk_bytes ?? DEFAULT_CHUNK });
  }
  if (options.signal) addAbortSignal(options.signal, raw);
  if (!gzip) return raw;
  const gunzip = createGunzip({ chunkSize: options.chunk_bytes ?? DEFAULT_CHUNK });
  // callback pipeline returns the last stream; errors anywhere destroy it with that error
  return pipeline(raw, gunzip, () => {});
}

async function openFile(path: string, display: string): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw openError(err, path, display);
  }
  const stat = await fh.stat();
  if (stat.isDirectory()) {
    await fh.close();
    throw new RunError('E_INPUT_IS_DIRECTORY', `${display} is a directory, not a file`, {
      hint: `give the path of a file (resolved to ${path})`,
    });
  }
  return fh;
}

function openError(err: unknown, path: string, display: string): RunError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new RunError('E_INPUT_NOT_FOUND', `no such file ${display}`, {
      hint: `check the path: it resolved to ${path} (relative paths are relative to the pipeline file)`,
      cause: err,
    });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new RunError('E_INPUT_PERMISSION', `permission denied reading ${display}`, {
      hint: `check the file's permissions (${path})`,
      cause: err,
    });
  }
  return new RunError('E_INPUT_OPEN', `cannot open ${display}: ${(err as Error).message}`, { cause: err });
}

async function hasGzipMagic(fh: FileHandle): Promise<boolean> {
  const buf = Buffer.alloc(2);
  const { bytesRead } = await fh.read(buf, 0, 2, 0);
  return bytesRead === 2 && buf[0] === GZIP_MAGIC_0 && buf[1] === GZIP_MAGIC_1;
}

/** Reads the first chunk of a stream to look for the gzip magic, then replays it. */
async function sniffStream(stream: Readable): Promise<{ gzip: boolean; stream: Readable }> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  if (first.done) return { gzip: false, stream: Readable.from([], { objectMode: false }) };
  const head = Buffer.from(first.value);
  async function* replay(): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const gzip = head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
  return { gzip, stream: Readable.from(replay(), { objectMode: false }) };
}

/** Turns an error raised while reading an input (gzip corruption, I/O) into a one-line RunError. */
export function readError(err: unknown, display: string): unknown {
  if (err instanceof RunError || (err instanceof Error && err.name === 'AbortError')) return err;
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code === 'string' && e.code.startsWith('Z_')) {
    return new RunError('E_INPUT_GZIP', `${display} is not valid gzip data (${e.message})`, {
      hint: 'set compression: none if the file is not compressed, or check that the file is complete',
      cause: err,
    });
  }
  return new RunError('E_INPUT_READ', `cannot read ${display}: ${e?.message ?? String(err)}`, { cause: err });
}

/** `validate --connections` for file sources: the `path:` option names a readable file. */
export async function checkInputFile(options: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]> {
  let path: string;
  try {
    path = resolveTargetPath(String(options.path ?? ''), ctx);
  } catch (err) {
    return [ctx.issue(`${ctx.path}/path`, (err as RunError).code ?? 'E_PATH_TEMPLATE', (err as Error).message, (err as RunError).hint)];
  }
  if (path === STDIO_PATH) return [];
  try {
    await access(path);
    return [];
  } catch {
    return [ctx.issue(`${ctx.path}/path`, 'E_INPUT_NOT_FOUND', `no such file ${displayPath(path, ctx)}`, `it resolved to ${path}`)];
  }
}
