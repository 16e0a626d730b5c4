import { DEAD_LETTER_COLUMNS } from '../../core/engine/dead-letter-target.js';
import type { DeadLetterCursor } from '../../core/engine/dead-letter-target.js';
import type { Dialect } from './dialect.js';

/**
 * SQL shared by the dead-letter stores (postgres, sqlite, mysql): the multi-row INSERT and the
 * keyset page over (stage, seq). Table and column names are always quoted identifiers.
 */
export function deadLetterInsert(dialect: Dialect, table: string, rows: number): string {
  const width = DEAD_LETTER_COLUMNS.length;
  const columns = DEAD_LETTER_COLUMNS.map((c) => dialect.quoteIdent(c)).join(', ');
  const tuples = Array.from({ length: rows }, (_, r) =>
    `(${DEAD_LETTER_COLUMNS.map((_c, i) => dialect.placeholder(r * width + i + 1)).join(', ')})`);
  return `INSERT INTO ${table} (${columns}) VALUES ${tuples.join(', ')}`;
}

/** `select` lists the columns as the store reads them back; params are [pipeline, run_id, …cursor]. */
export function deadLetterPage(dialect: Dialect, table: string, select: string, after: DeadLetterCursor | undefined, limit: number, pipeline: string, run_id: string): { sql: string; params: unknown[] } {
  const p = (i: number): string => dialect.placeholder(i);
  const q = (c: string): string => dialect.quoteIdent(c);
  const keyset = after ? ` AND (${q('stage')}, ${q('seq')}) > (${p(3)}, ${p(4)})` : '';
  return {
    sql: `SELECT ${select} FROM ${table} WHERE ${q('pipeline')} = ${p(1)} AND ${q('run_id')} = ${p(2)}${keyset} ORDER BY ${q('stage')}, ${q('seq')} LIMIT ${Math.trunc(limit)}`,
    params: after ? [pipeline, run_id, after.stage, after.seq] : [pipeline, run_id],
  };
}
