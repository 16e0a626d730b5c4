/**
 * Key bounds of a partitioned postgres read as text: integers in decimal, dates and timestamps
 * as ISO-8601 UTC with microseconds. The cutting itself is sql/partition.ts's splitRange (over
 * bigints; a timestamp is cut as microseconds since the epoch).
 */

export interface TextRange {
  readonly lo: string;
  readonly hi: string;
  /** the last range includes `hi`. */
  readonly last: boolean;
}

type Split = (lo: bigint, hi: bigint, count: number) => readonly { from: number | bigint; to: number | bigint; last: boolean }[];

const INTEGER = /^[+-]?\d+$/;
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Microseconds since the epoch of a SQL/ISO timestamp or date as postgres prints it (UTC when no zone). */
export function toMicros(text: string): bigint | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const [, date, hh = '00', mm = '00', ss = '00', frac = '', zone = 'Z'] = m;
  const z = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const ms = Date.parse(`${date}T${hh}:${mm}:${ss}${z}`);
  if (Number.isNaN(ms)) return undefined;
  return BigInt(ms) * 1000n + BigInt(frac.slice(0, 6).padEnd(6, '0'));
}

export function fromMicros(us: bigint): string {
  const ms = us / 1000n - (us % 1000n < 0n ? 1n : 0n);
  const iso = new Date(Number(ms)).toISOString();
  const micro = ((us % 1_000_000n) + 1_000_000n) % 1_000_000n;
  return `${iso.slice(0, 19)}.${micro.toString().padStart(6, '0')}Z`;
}

/** `count` ranges over min…max (integers, or timestamps/dates); throws when neither parses. */
export function keyRanges(min: string, max: string, count: number, split: Split): TextRange[] {
  const ints = INTEGER.test(min) && INTEGER.test(max);
  const lo = ints ? BigInt(min) : toMicros(min);
  const hi = ints ? BigInt(max) : toMicros(max);
  if (lo === undefined || hi === undefined) throw new TypeError(`cannot split ${min} … ${max}: not integers, dates or timestamps`);
  const text = (v: number | bigint): string => (ints ? BigInt(v).toString() : fromMicros(BigInt(v)));
  return split(lo, hi, count).map((r) => ({ lo: text(r.from), hi: text(r.to), last: r.last }));
}

/**
 * The WHERE condition of one range, placeholders numbered from `first`:
 * `key >= $3 AND key < $4` (`<=` on the last); the first range also takes NULL keys.
 */
export function rangeCondition(key: string, range: TextRange, placeholder: (i: number) => string, first: number, withNulls = false): { sql: string; params: string[] } {
  const cond = `${key} >= ${placeholder(first)} AND ${key} ${range.last ? '<=' : '<'} ${placeholder(first + 1)}`;
  return { sql: withNulls ? `(${key} IS NULL OR (${cond}))` : cond, params: [range.lo, range.hi] };
}
