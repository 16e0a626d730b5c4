import type { RecordBatch, Row } from '../../core/records/types.js';
import type { SinkContext } from '../define.js';
import type { SqliteDatabase, SqliteParam, SqliteStatement } from './driver.js';
import { insertFor, type SinkLayout } from './sink-sql.js';
import { bindValue, ValueMismatch } from './types.js';

/**
 * Writes batches with prepared multi-row INSERTs inside the caller's transaction. A row SQLite
 * refuses (NOT NULL, CHECK, UNIQUE on another index, a value too big) is rejected with its reason;
 * SQLite undoes just the failed statement, so the rest of the chunk is retried row by row.
 */
export class BatchWriter {
  private readonly statements = new Map<number, SqliteStatement>();

  constructor(
    private readonly db: SqliteDatabase,
    private layout: SinkLayout,
    private readonly ctx: SinkContext,
  ) {}

  /** After ALTER TABLE the column list changes: statements are prepared again. */
  relayout(layout: SinkLayout): void {
    this.layout = layout;
    this.statements.clear();
  }

  /** Returns the number of rows written. */
  write(batch: RecordBatch): number {
    const bound: { params: SqliteParam[]; index: number }[] = [];
    batch.rows.forEach((row, index) => {
      const params = this.bind(row, batch, index);
      if (params) bound.push({ params, index });
    });
    let written = 0;
    const per = this.layout.rows_per_statement;
    for (let start = 0; start < bound.length; start += per) {
      const chunk = bound.slice(start, start + per);
      try {
        this.statement(chunk.length).run(chunk.flatMap((b) => b.params));
        written += chunk.length;
      } catch (err) {
        if (!isRowError(err)) throw err;
        written += this.writeOneByOne(chunk, batch);
      }
    }
    return written;
  }

  private writeOneByOne(chunk: readonly { params: SqliteParam[]; index: number }[], batch: RecordBatch): number {
    let written = 0;
    for (const b of chunk) {
      try {
        this.statement(1).run(b.params);
        written++;
      } catch (err) {
        if (!isRowError(err)) throw err;
        this.reject(batch, b.index, (err as Error).message);
      }
    }
    return written;
  }

  private bind(row: Row, batch: RecordBatch, index: number): SqliteParam[] | undefined {
    const params: SqliteParam[] = [];
    for (const c of this.layout.columns) {
      try {
        params.push(bindValue(row[c.name], c.type));
      } catch (err) {
        if (!(err instanceof ValueMismatch)) throw err;
        this.reject(batch, index, `column ${c.name}: ${err.message}`, c.name);
        return undefined;
      }
    }
    return params;
  }

  private reject(batch: RecordBatch, index: number, reason: string, column?: string): void {
    const position = batch.origin?.[index];
    this.ctx.reject({
      record: batch.rows[index] ?? {},
      reason: `sqlite refused the row: ${reason}`,
      ...(column !== undefined ? { column } : {}),
      ...(position !== undefined ? { position } : {}),
    });
  }

  private statement(rows: number): SqliteStatement {
    let stmt = this.statements.get(rows);
    if (!stmt) {
      stmt = this.db.prepare(insertFor(this.layout, rows));
      this.statements.set(rows, stmt);
    }
    return stmt;
  }
}

/** SQLITE_CONSTRAINT (19), SQLITE_MISMATCH (20), SQLITE_TOOBIG (18): bad data, not a broken run. */
function isRowError(err: unknown): boolean {
  const e = err as { code?: unknown; errcode?: unknown };
  if (typeof e.code === 'string' && /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG)/.test(e.code)) return true;
  return typeof e.errcode === 'number' && [18, 19, 20].includes(e.errcode & 0xff);
}
