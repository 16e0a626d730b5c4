import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { RunError } from '../errors.js';
import type { DeadLetterTarget } from './dead-letter-target.js';

const FLUSH_BYTES = 64 * 1024;

/**
 * The dead-letter NDJSON file. Lines go to `<path>.tmp-<run_id>` and the file is renamed to
 * `<path>` when the run finishes (also when it fails, so the user sees why), so the target
 * name never holds a half-written file. Nothing is created when nothing was rejected.
 */
export class DeadLetterWriter implements DeadLetterTarget {
  readonly path: string;
  private readonly tmp: string;
  private fd: number | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;
  private lines = 0;

  constructor(path: string, run_id: string) {
    this.path = path;
    this.tmp = `${path}.tmp-${run_id}`;
  }

  get count(): number {
    return this.lines;
  }

  get description(): string {
    return this.path;
  }

  write(entry: string): void {
    this.pending.push(entry, '\n');
    this.pendingBytes += entry.length + 1;
    this.lines++;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    try {
      if (this.fd === undefined) {
        mkdirSync(dirname(this.tmp), { recursive: true });
        this.fd = openSync(this.tmp, 'w');
      }
      writeSync(this.fd, this.pending.join(''));
    } catch (err) {
      throw new RunError('E_DEAD_LETTER', `cannot write dead-letter file ${this.path}: ${(err as Error).message}`, {
        cause: err,
        hint: 'check that errors.dead_letter points to a writable directory',
      });
    }
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Flushes, closes and renames into place. Resolves with the path when a file was written. */
  async finish(): Promise<string | undefined> {
    if (this.lines === 0) return undefined;
    this.flush();
    try {
      if (this.fd !== undefined) {
        fsyncSync(this.fd);
        closeSync(this.fd);
        this.fd = undefined;
      }
      renameSync(this.tmp, this.path);
    } catch (err) {
      this.removeTmp();
      throw new RunError('E_DEAD_LETTER', `cannot write dead-letter file ${this.path}: ${(err as Error).message}`, { cause: err });
    }
    return this.path;
  }

  /** Removes the temporary file (before a whole-run retry). */
  async discard(): Promise<void> {
    this.removeTmp();
  }

  private removeTmp(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = undefined;
    }
    rmSync(this.tmp, { force: true });
  }
}
