import { ConnectorError } from '../../core/errors.js';
import type { RecordBatch } from '../../core/records/types.js';
import type { IncrementalWindow, SourceContext } from '../define.js';
import { quoteIdent, selectFromTable, type BoundQuery } from '../sql/dialect.js';
import { splitRange } from '../sql/partition.js';
import { keyRanges, rangeCondition, type TextRange } from './partition-keys.js';
import { closeQuietly, connect, resolveConnection } from './connection.js';
import { postgresDialect } from './dialect.js';
import { pgError } from './errors.js';
import type { PostgresSourceOptions } from './schema.js';

type Partitioned = PostgresSourceOptions & { table: string; partition: { column: string; count: number } };
type ReadQuery = (query: BoundQuery, label: string) => AsyncIterable<RecordBatch>;

/** The table read with the incremental window as a WHERE (no ORDER BY: partitions come unordered). */
function windowed(options: PostgresSourceOptions, window: IncrementalWindow | undefined): BoundQuery {
  const base = selectFromTable(postgresDialect, options.table!, options.columns);
  if (!window || (window.after === undefined && window.until === undefined)) return { sql: `SELECT * FROM (${base}) AS src`, params: [] };
  const col = `src.${quoteIdent(window.column)}`;
  const params: string[] = [];
  const where: string[] = [];
  if (window.after !== undefined) where.push(`${col} > $${params.push(window.after)}`);
  if (window.until !== undefined) where.push(`${col} <= $${params.push(window.until)}`);
  return { sql: `SELECT * FROM (${base}) AS src WHERE ${where.join(' AND ')}`, params };
}

/** `SELECT min(key), max(key)` over the rows the read will return. */
export function partitionBoundsQuery(options: PostgresSourceOptions, ctx: Pick<SourceContext, 'incremental'>): BoundQuery {
  const inner = windowed(options, ctx.incremental);
  const key = `w.${quoteIdent(options.partition!.column)}`;
  return { sql: `SELECT min(${key})::text AS lo, max(${key})::text AS hi, pg_typeof(min(${key}))::text AS type FROM (${inner.sql}) AS w`, params: inner.params };
}

/** The per-range statement, for dry-run: `… WHERE <key> >= $n AND <key> < $m`. */
export function partitionedSql(options: PostgresSourceOptions, ctx: Pick<SourceContext, 'incremental'>): string {
  const inner = windowed(options, ctx.incremental);
  const key = `w.${quoteIdent(options.partition!.column)}`;
  const cond = rangeCondition(key, { lo: 'lo', hi: 'hi', last: false }, (i) => `$${i}`, inner.params.length + 1);
  return `SELECT * FROM (${inner.sql}) AS w WHERE ${cond.sql}`;
}

/**
 * A partitioned read: min/max of the key, `count` equal-width ranges cut by sql/partition.ts
 * (shared with oracle; timestamps are cut as microseconds), NULL keys read with the first range,
 * each read over its own connection, all at once, merged into one batch stream as they come.
 */
export async function* readPartitioned(options: PostgresSourceOptions, ctx: SourceContext, readQuery: ReadQuery): AsyncGenerator<RecordBatch> {
  const o = options as Partitioned;
  const bounds = await readBounds(o, ctx);
  const inner = windowed(o, ctx.incremental);
  const key = `w.${quoteIdent(o.partition.column)}`;
  if (bounds === undefined) {
    // no rows (or every key NULL): one plain read still returns the columns
    yield* readQuery({ sql: `SELECT * FROM (${inner.sql}) AS w`, params: inner.params }, o.table);
    return;
  }
  // bounds are cast to the key's own type, so an index on it serves each range
  const cast = `::${bounds.type}`;
  const ranges = keyRanges(bounds.lo, bounds.hi, o.partition.count, splitRange).map((r) => (bounds.type === 'date' ? toDates(r) : r));
  const readers = ranges.map((range, i) => {
    const cond = rangeCondition(key, range, (n) => `$${n}${cast}`, inner.params.length + 1, i === 0);
    const query = { sql: `SELECT * FROM (${inner.sql}) AS w WHERE ${cond.sql}`, params: [...inner.params, ...cond.params] };
    return readQuery(query, `${o.table} range ${i + 1}/${ranges.length}`);
  });
  yield* mergeStreams(readers);
}

const KEY_TYPES = new Set(['smallint', 'integer', 'bigint', 'numeric', 'date', 'timestamp without time zone', 'timestamp with time zone']);

/** Date keys: boundaries floored to whole days (still increasing, so the ranges still cover each day once). */
function toDates(r: TextRange): TextRange {
  return { lo: r.lo.slice(0, 10), hi: r.hi.slice(0, 10), last: r.last };
}

interface Bounds { lo: string; hi: string; type: string }

async function readBounds(o: Partitioned, ctx: SourceContext): Promise<Bounds | undefined> {
  const q = partitionBoundsQuery(o, ctx);
  const client = await connect(ctx.connection, ctx);
  let row: { lo: string | null; hi: string | null; type: string } | undefined;
  try {
    row = (await client.query<{ lo: string | null; hi: string | null; type: string }>({ text: q.sql, values: [...q.params] })).rows[0];
  } catch (err) {
    throw pgError(err, `reading the range of ${o.partition.column} in ${o.table}`, resolveConnection(ctx.connection).password);
  } finally {
    await closeQuietly(client);
  }
  if (!row || row.lo === null || row.hi === null) return undefined;
  if (!KEY_TYPES.has(row.type)) {
    throw new ConnectorError('E_PG_PARTITION_TYPE', `cannot partition ${o.table} on ${o.partition.column} (${row.type}): the key must be an integer, date or timestamp column`, {
      kind: 'config',
      hint: 'partition on an integer, date or timestamp column (an id or updated_at)',
    });
  }
  return { lo: row.lo, hi: row.hi, type: row.type };
}

/**
 * Interleaves several batch streams, each pulled as soon as its last batch was taken (at most
 * one batch waiting per stream). The first error ends the whole read; every stream is closed.
 */
export async function* mergeStreams<T>(sources: readonly AsyncIterable<T>[]): AsyncGenerator<T> {
  const its = sources.map((s) => s[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ i: number; r: IteratorResult<T> }>>();
  const pull = (i: number): void => {
    pending.set(i, its[i]!.next().then((r) => ({ i, r })));
  };
  its.forEach((_, i) => pull(i));
  try {
    while (pending.size > 0) {
      const { i, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(i);
        continue;
      }
      pull(i);
      yield r.value;
    }
  } finally {
    for (const p of pending.values()) p.catch(() => undefined);
    await Promise.allSettled(its.map((it) => it.return?.()));
  }
}
