import type { Writable } from 'node:stream';
import type { ColumnType, Row, Value } from '../../core/records/types.js';

/**
 * Rows → PostgreSQL CSV for `COPY … FROM STDIN WITH (FORMAT csv)`.
 * NULL is an unquoted empty field; the empty string is `""`. Any field with a quote, comma,
 * CR/LF or backslash is quoted (the backslash so a lone `\.` can never end the data early).
 */
type FieldEncoder = (value: Value | undefined) => string;

const NEEDS_QUOTES = /[",\r\n\\]/;

export function csvField(text: string): string {
  if (text === '') return '""';
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function jsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function scalarText(value: Value): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  return jsonText(value);
}

function binaryText(value: Value): string {
  if (value instanceof Uint8Array) return scalarText(value);
  return `\\x${Buffer.from(typeof value === 'string' ? value : jsonText(value), 'utf8').toString('hex')}`;
}

function encoderFor(type: ColumnType): FieldEncoder {
  switch (type) {
    case 'json':
      return (v) => (v === null || v === undefined ? '' : csvField(jsonText(v)));
    case 'binary':
      return (v) => (v === null || v === undefined ? '' : binaryText(v));
    case 'integer': case 'number':
      return (v) => (v === null || v === undefined ? '' : typeof v === 'number' || typeof v === 'bigint' ? String(v) : csvField(scalarText(v)));
    default:
      return (v) => (v === null || v === undefined ? '' : csvField(scalarText(v)));
  }
}

export interface EncodedColumn {
  readonly name: string;
  readonly type: ColumnType;
}

/** Builds a function that encodes a slice of rows as CSV lines (in `columns` order). */
export function createCsvEncoder(columns: readonly EncodedColumn[], extra?: () => string): (rows: readonly Row[], from?: number, to?: number) => string {
  const names = columns.map((c) => c.name);
  const encoders = columns.map((c) => encoderFor(c.type));
  const n = names.length;
  return (rows, from = 0, to = rows.length) => {
    let out = '';
    for (let r = from; r < to; r++) {
      const row = rows[r]!;
      let line = '';
      for (let i = 0; i < n; i++) {
        if (i > 0) line += ',';
        line += encoders[i]!(row[names[i]!]);
      }
      if (extra) line += `${n > 0 ? ',' : ''}${extra()}`;
      out += `${line}\n`;
    }
    return out;
  };
}

/**
 * Coalesces encoded text into ~64 KiB writes: one CopyData message per row halves COPY speed
 * (db-bench). Waits for 'drain' so memory stays bounded.
 */
export class ChunkWriter {
  private buffer = '';
  private error: Error | undefined;

  constructor(private readonly stream: Writable, private readonly chunkSize = 64 * 1024) {
    // the server may reject the data at any time; keep the error for the next write
    stream.on('error', (err: Error) => { this.error ??= err; });
  }

  async write(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= this.chunkSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.error) throw this.error;
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) await this.wait('drain');
  }

  /** flushes, ends the stream and waits until the server confirmed the COPY. */
  async end(): Promise<void> {
    await this.flush();
    const done = this.wait('finish');
    this.stream.end();
    await done;
  }

  private wait(event: 'drain' | 'finish'): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => { this.stream.off(event, onDone); reject(err); };
      const onDone = (): void => { this.stream.off('error', onError); resolve(); };
      this.stream.once(event, onDone);
      this.stream.once('error', onError);
    });
  }
}
