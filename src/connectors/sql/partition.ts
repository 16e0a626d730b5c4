import { subquery, type BoundQuery, type Dialect } from './dialect.js';

/**
 * Partitioned reads over a numeric key range, dialect-neutral: the bounds query finds MIN/MAX of
 * the column, `splitRange` cuts [min, max] into `count` half-open ranges, and `rangeQueries`
 * turns each into its own bound query (plus one for NULL keys, which no range holds).
 */
export interface PartitionSpec {
  readonly column: string;
  readonly count: number;
}

export interface KeyRange {
  readonly from: number | bigint;
  readonly to: number | bigint;
  /** the last range includes `to`. */
  readonly last: boolean;
}

const alias = (dialect: Dialect): string => `${dialect.subqueryAs ?? 'AS '}src`;

export function boundsQuery(dialect: Dialect, base: BoundQuery, column: string): BoundQuery {
  const col = `src.${dialect.quoteIdent(column)}`;
  return { sql: `SELECT MIN(${col}) AS lo, MAX(${col}) AS hi FROM ${subquery(base.sql)} ${alias(dialect)}`, params: base.params };
}

/** Integer keys split on integers (bigint-safe); other numbers split evenly as doubles. */
export function splitRange(lo: number | bigint, hi: number | bigint, count: number): KeyRange[] {
  const n = Math.max(1, Math.floor(count));
  const ints = (typeof lo === 'bigint' || Number.isInteger(lo)) && (typeof hi === 'bigint' || Number.isInteger(hi));
  if (ints) {
    const a = BigInt(lo);
    const b = BigInt(hi);
    if (b < a) return [];
    const width = b - a + 1n;
    const parts = BigInt(n) > width ? width : BigInt(n);
    const step = width / parts;
    const out: KeyRange[] = [];
    for (let i = 0n; i < parts; i++) {
      const from = a + i * step;
      const last = i === parts - 1n;
      const to = last ? b : from + step;
      out.push({ from: narrow(from), to: narrow(to), last });
    }
    return out;
  }
  const a = Number(lo);
  const b = Number(hi);
  if (!(b >= a)) return [];
  if (a === b) return [{ from: a, to: b, last: true }];
  const step = (b - a) / n;
  return Array.from({ length: n }, (_, i) => ({ from: a + i * step, to: i === n - 1 ? b : a + (i + 1) * step, last: i === n - 1 }));
}

function narrow(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** One query per range (`col >= from AND col < to`, the last `<= to`), then the NULL keys. */
export function rangeQueries(dialect: Dialect, base: BoundQuery, column: string, ranges: readonly KeyRange[]): BoundQuery[] {
  const col = `src.${dialect.quoteIdent(column)}`;
  const from = `SELECT * FROM ${subquery(base.sql)} ${alias(dialect)}`;
  const out = ranges.map((r) => {
    const params = [...base.params, r.from, r.to];
    const lo = dialect.placeholder(params.length - 1);
    const hi = dialect.placeholder(params.length);
    return { sql: `${from} WHERE ${col} >= ${lo} AND ${col} ${r.last ? '<=' : '<'} ${hi}`, params };
  });
  out.push({ sql: `${from} WHERE ${col} IS NULL`, params: [...base.params] });
  return out;
}
