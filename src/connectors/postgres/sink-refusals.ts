import type pg from 'pg';
import { throwIfAborted } from '../../core/errors.js';
import type { RecordBatch, Row } from '../../core/records/types.js';
import type { SinkContext } from '../define.js';
import { quoteIdent } from '../sql/identifiers.js';
import { classifyPgError } from './errors.js';

/**
 * Rows the target refuses (SQLSTATE classes 22 "data exception" and 23 "integrity constraint
 * violation": NOT NULL, CHECK, a unique index other than the upsert key, a foreign key, a value
 * too long) become rejects with PostgreSQL's reason. With `refused_rows: 'reject'` the load goes
 * on without them: each piece of work runs under a savepoint, and a failed piece is rolled back
 * and redone without the refused row (found from the COPY line number, or by halving the piece).
 * With 'fail' (the default) the first refused row is rejected and the run fails.
 */
export function isRefusal(err: unknown): boolean {
  return classifyPgError(err) === 'data';
}

interface PgDriverError { message?: string; code?: string; detail?: string; column?: string; where?: string }

/** One line for the dead letter: PostgreSQL's message, SQLSTATE and the useful part of the detail. */
export function refusalReason(err: unknown): { reason: string; column?: string } {
  const e = err as PgDriverError;
  const detail = e.detail && !e.detail.startsWith('Failing row contains') ? `: ${e.detail}` : '';
  return { reason: `${e.message ?? String(err)}${e.code ? ` [${e.code}]` : ''}${detail}`, ...(e.column ? { column: e.column } : {}) };
}

/** The 1-based line of a COPY error ('COPY t, line 3, column b: …'), when PostgreSQL names one. */
export function copyErrorLine(err: unknown): number | undefined {
  const where = (err as PgDriverError).where;
  const m = where ? /COPY [^,]+, line (\d+)/.exec(where) : null;
  return m ? Number(m[1]) : undefined;
}

export type Query = (sql: string, params?: unknown[]) => Promise<pg.QueryResult>;

const SAVEPOINT = 'etl_cli_rows';

/** A half-open range of indexes (COPY: of the batch's rows; merge: of staged sequence numbers). */
type Range = readonly [number, number];

/**
 * Runs `attempt` over `[from, to)` under savepoints, rejecting refused rows one at a time.
 * `locate` turns an error into the failing index when the server names it.
 */
async function withoutRefused(
  query: Query,
  ctx: SinkContext,
  from: number,
  to: number,
  attempt: (range: Range) => Promise<void>,
  refuse: (index: number, err: unknown) => Promise<void>,
  locate: (range: Range, err: unknown) => number | undefined,
): Promise<number> {
  const todo: Range[] = [[from, to]];
  let refused = 0;
  while (todo.length > 0) {
    const [a, b] = todo.pop()!;
    if (a >= b) continue;
    throwIfAborted(ctx.signal);
    await query(`SAVEPOINT ${SAVEPOINT}`);
    try {
      await attempt([a, b]);
      await query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
      continue;
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      const bad = locate([a, b], err) ?? (b - a === 1 ? a : undefined);
      if (bad === undefined) {
        const mid = a + Math.ceil((b - a) / 2);
        todo.push([mid, b], [a, mid]); // left half first: input order is kept
        continue;
      }
      await refuse(bad, err);
      refused++;
      throwIfAborted(ctx.signal);
      // the rows before the refused one were accepted; the rest go in smaller pieces, so many
      // refusals in one batch do not resend the whole remainder each time
      todo.push(...pieces(bad + 1, b).reverse(), [a, bad]);
    }
  }
  return refused;
}

function pieces(from: number, to: number, parts = 4): Range[] {
  const size = Math.max(1, Math.ceil((to - from) / parts));
  const out: Range[] = [];
  for (let a = from; a < to; a += size) out.push([a, Math.min(to, a + size)]);
  return out;
}

export interface CopyRows {
  /** COPY rows[from, to) in one COPY statement; rejects with the server's error. */
  (rows: readonly Row[], from: number, to: number): Promise<void>;
}

/**
 * Loads batch.rows[from, to) with `copy` (one COPY per call), leaving out and rejecting the
 * rows the server refuses; returns how many were refused.
 * A reject's position is the row's source position, or else its row number in the load
 * (`firstRow` is that of rows[from]).
 */
export async function copyWithRefusals(
  query: Query,
  ctx: SinkContext,
  copy: CopyRows,
  batch: RecordBatch,
  from: number,
  to: number,
  firstRow: number,
): Promise<number> {
  const refuse = async (index: number, err: unknown): Promise<void> => rejectRow(ctx, batch, index, firstRow + index - from, err);
  return withoutRefused(query, ctx, from, to, ([a, b]) => copy(batch.rows, a, b), refuse, ([a, b], err) => {
    const line = copyErrorLine(err);
    return line !== undefined && a + line - 1 < b ? a + line - 1 : undefined;
  });
}

/** Rejects batch.rows[index], refused by the server: at its source position, else its row in the load. */
export function rejectRow(ctx: SinkContext, batch: RecordBatch, index: number, loadRow: number, err: unknown): void {
  const position = batch.origin?.[index] ?? { row: loadRow };
  ctx.reject({ record: batch.rows[index]!, ...refusalReason(err), rule: 'database', position });
}

export interface StagedMerge {
  readonly staging: string;
  readonly seq: string;
  readonly columns: readonly string[];
  /** the deduplicating merge of the staged rows whose sequence is BETWEEN $1 AND $2. */
  readonly rangeSql: string;
}

/**
 * The upsert merge refused a row: merge the staged rows again in ranges of their input sequence
 * (each range under a savepoint, halved when refused) and reject the refused rows.
 */
export async function mergeWithRefusals(query: Query, ctx: SinkContext, m: StagedMerge): Promise<number> {
  const staging = quoteIdent(m.staging);
  const seq = quoteIdent(m.seq);
  await query(`CREATE INDEX ON ${staging} (${seq})`);
  const bounds = await query(`SELECT min(${seq}) AS lo, max(${seq}) AS hi FROM ${staging}`);
  const { lo, hi } = bounds.rows[0] as { lo: number | null; hi: number | null };
  if (lo === null || hi === null) return 0;
  const cols = m.columns.map(quoteIdent).join(', ');
  const refuse = async (n: number, err: unknown): Promise<void> => {
    const found = await query(`SELECT ${cols} FROM ${staging} WHERE ${seq} = $1`, [n]);
    const record = (found.rows[0] ?? {}) as Row;
    ctx.reject({ record, ...refusalReason(err), rule: 'database', position: { row: Number(n) } });
  };
  return withoutRefused(query, ctx, Number(lo), Number(hi) + 1, ([a, b]) => query(m.rangeSql, [a, b - 1]).then(() => undefined), refuse, () => undefined);
}
