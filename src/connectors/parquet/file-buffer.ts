import { open, type FileHandle } from 'node:fs/promises';
import type { AsyncBuffer } from 'hyparquet';
import { RunError } from '../../core/errors.js';

/** hyparquet's random-access view of a local file: one descriptor, positioned reads. */
export interface FileBuffer extends AsyncBuffer {
  close(): Promise<void>;
}

export async function openFileBuffer(path: string, display: string): Promise<FileBuffer> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RunError(code === 'ENOENT' ? 'E_INPUT_NOT_FOUND' : 'E_INPUT_OPEN', code === 'ENOENT' ? `no such file ${display}` : `cannot open ${display}: ${(err as Error).message}`, {
      hint: `check the path: it resolved to ${path} (relative paths are relative to the pipeline file)`,
      cause: err,
    });
  }
  const stat = await fh.stat();
  if (!stat.isFile()) {
    await fh.close();
    throw new RunError('E_INPUT_IS_DIRECTORY', `${display} is not a regular file`, { hint: 'parquet needs a seekable file (not stdin or a pipe)' });
  }
  const size = stat.size;
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? size, size);
      if (!(start >= 0) || stop < start) throw new RangeError(`read of bytes ${start}..${end ?? ''} outside the file (${size} bytes)`);
      const buffer = new ArrayBuffer(stop - start);
      let done = 0;
      while (done < buffer.byteLength) {
        const { bytesRead } = await fh.read(new Uint8Array(buffer, done), 0, buffer.byteLength - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buffer;
    },
    close: () => fh.close(),
  };
}
