import { normaliseDecimal, parseDate, parseTimestamp, parseValue } from '../../core/records/infer.js';
import type { Column, ColumnType, RecordBatch, RecordSchema, Row, SourcePosition, Value } from '../../core/records/types.js';
import type { SourceContext } from '../define.js';

/** A top-level JSON number too precise for float64 (more than 15 significant digits), kept as text. */
export class PreciseNumber {
  constructor(readonly text: string) {}
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The exact value of a long number token: integer (number or bigint) in int64, else decimal text. */
export function preciseNumberValue(token: string): number | bigint | PreciseNumber {
  if (/^-?\d+$/.test(token)) {
    const b = BigInt(token);
    if (b >= INT64_MIN && b <= INT64_MAX) return Number.isSafeInteger(Number(b)) ? Number(b) : b;
  }
  return new PreciseNumber(normaliseDecimal(token) ?? token);
}

/** `bigint`: an integer beyond 2^53 (column type integer, but mixed with fractions it needs decimal). */
type Kind = 'null' | 'string' | 'date' | 'timestamp' | 'integer' | 'bigint' | 'number' | 'decimal' | 'boolean' | 'json';

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return parseDate(v) !== undefined ? 'date' : parseTimestamp(v) !== undefined ? 'timestamp' : 'string';
    case 'number':
      return Number.isSafeInteger(v) ? 'integer' : 'number';
    case 'bigint':
      return 'bigint';
    case 'boolean':
      return 'boolean';
    default:
      return v instanceof PreciseNumber ? 'decimal' : 'json';
  }
}

const NUMERIC_RANK: Partial<Record<Kind, number>> = { integer: 1, bigint: 2, number: 2, decimal: 3 };

/** The narrowest type that holds both kinds without loss; json when they do not mix. */
function widen(a: Kind, b: Kind): Kind {
  if (a === b || b === 'null') return a;
  if (a === 'null') return b;
  const ra = NUMERIC_RANK[a];
  const rb = NUMERIC_RANK[b];
  if (ra !== undefined && rb !== undefined) {
    if ((a === 'bigint' && b === 'number') || (a === 'number' && b === 'bigint')) return 'decimal';
    return ra > rb ? a : b;
  }
  if ((a === 'date' && b === 'timestamp') || (a === 'timestamp' && b === 'date')) return 'timestamp';
  if ([a, b].every((k) => k === 'string' || k === 'date' || k === 'timestamp')) return 'string';
  return 'json';
}

/**
 * Fits a parsed JSON value into a column type without loss, or returns undefined.
 * Numbers and booleans fit a string column as their text; strings are parsed for typed columns.
 */
export function fitJsonValue(v: unknown, type: ColumnType): Value | undefined {
  if (v === null || v === undefined) return null;
  if (v instanceof PreciseNumber) return type === 'decimal' || type === 'string' || type === 'json' ? v.text : undefined;
  switch (type) {
    case 'json':
      return typeof v === 'bigint' ? v.toString() : (v as Value);
    case 'string':
      if (typeof v === 'string') return v;
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'integer':
      if (typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v))) return v;
      return typeof v === 'string' ? parseValue(v, type) : undefined;
    case 'number':
      if (typeof v === 'number') return v;
      return typeof v === 'string' ? parseValue(v, type) : undefined;
    case 'decimal':
      if (typeof v === 'number' || typeof v === 'bigint') return String(v);
      return typeof v === 'string' ? normaliseDecimal(v) : undefined;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      return typeof v === 'string' ? parseValue(v, type) : undefined;
    default:
      return typeof v === 'string' ? parseValue(v, type) : undefined;
  }
}

function describeValue(v: unknown): string {
  const text = v instanceof PreciseNumber ? v.text : typeof v === 'bigint' ? v.toString() : JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Builds typed batches from parsed JSON objects (NDJSON lines, JSON array items). Top-level keys
 * are columns; nested objects/arrays are json values. The schema is the union of the keys of the
 * first batch, typed from its values; keys first seen later are appended to the schema of later
 * batches. A value that does not fit its column's type is rejected with its position.
 */
export class JsonBatchBuilder {
  private columns: Column[] = [];
  private known = new Map<string, number>();
  private pending: { obj: Record<string, unknown>; position: SourcePosition }[] = [];

  constructor(
    private readonly ctx: SourceContext,
    private readonly overrides: Readonly<Record<string, ColumnType>> = {},
  ) {}

  get size(): number {
    return this.pending.length;
  }

  add(obj: Record<string, unknown>, position: SourcePosition): void {
    this.pending.push({ obj, position });
  }

  /** Converts the pending objects into one batch (undefined when none survived). */
  flush(): RecordBatch | undefined {
    const pending = this.pending;
    this.pending = [];
    if (pending.length === 0) return undefined;
    this.extendSchema(pending);
    const schema: RecordSchema = { columns: this.columns.slice() };
    const rows: Row[] = [];
    const origin: SourcePosition[] = [];
    for (const { obj, position } of pending) {
      const row = this.convert(obj, position);
      if (row === undefined) continue;
      rows.push(row);
      origin.push(position);
    }
    return rows.length === 0 ? undefined : { schema, rows, origin };
  }

  private extendSchema(pending: readonly { obj: Record<string, unknown> }[]): void {
    const fresh = new Map<string, Kind>();
    for (const { obj } of pending) {
      for (const key in obj) {
        if (this.known.has(key)) continue;
        fresh.set(key, widen(fresh.get(key) ?? 'null', kindOf(obj[key])));
      }
    }
    for (const [name, kind] of fresh) {
      const type: ColumnType = this.overrides[name] ?? (kind === 'null' ? 'string' : kind === 'bigint' ? 'integer' : kind);
      this.known.set(name, this.columns.length);
      this.columns.push({ name, type });
    }
  }

  private convert(obj: Record<string, unknown>, position: SourcePosition): Row | undefined {
    const row: Record<string, Value> = {};
    for (const col of this.columns) {
      const v = obj[col.name];
      const value = fitJsonValue(v, col.type);
      if (value === undefined) {
        const reason = `column ${col.name}: ${describeValue(v)} is not ${col.type === 'integer' ? 'an' : 'a'} ${col.type}`;
        this.ctx.reject({ record: JSON.parse(JSON.stringify(obj, plain)) as Row, reason, column: col.name, position });
        return undefined;
      }
      row[col.name] = value;
    }
    return row;
  }
}

/** JSON.stringify replacer for rejected records: bigint and precise numbers as their digits. */
function plain(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof PreciseNumber) return v.text;
  return v;
}
