/**
 * The canonical record model every stage speaks.
 *
 * Values are kept exact: decimals are strings ("123.450"), integers beyond 2^53 are bigint,
 * timestamps are ISO-8601 strings with up to microsecond precision (never Date, which drops
 * microseconds), dates are "YYYY-MM-DD". A timestamp without a zone is read as UTC.
 */
export type ColumnType =
  | 'string'
  | 'integer'
  | 'number'
  | 'decimal'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | 'json'
  | 'binary';

export const COLUMN_TYPES: readonly ColumnType[] = [
  'string', 'integer', 'number', 'decimal', 'boolean', 'date', 'timestamp', 'json', 'binary',
];

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  /** false when the source guarantees no nulls (a NOT NULL column, a required parquet field). */
  readonly nullable?: boolean;
  /** decimal precision/scale when known (database NUMERIC(p,s), parquet DECIMAL). */
  readonly precision?: number;
  readonly scale?: number;
  /** timestamp columns: true when values carry a zone/offset (timestamptz). */
  readonly with_zone?: boolean;
  /** the source's own type name, for messages and type maps ("numeric(12,2)", "INT96"). */
  readonly native_type?: string;
}

export interface RecordSchema {
  readonly columns: readonly Column[];
}

/**
 * One cell. By column type:
 * string → string; integer → number (safe range) or bigint; number → number;
 * decimal → string; boolean → boolean; date → 'YYYY-MM-DD'; timestamp → ISO string;
 * json → any JSON value; binary → Uint8Array; missing → null.
 */
export type Value =
  | null
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | JsonValue;

export type JsonValue =
  | null
  | string
  | number
  | boolean
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

export type Row = Record<string, Value>;

/** Where a row came from, so a reject can name it: file:line, or row number, or a key. */
export interface SourcePosition {
  readonly file?: string;
  /** 1-based physical line where the record starts (files). */
  readonly line?: number;
  /** 1-based record number within the source (excluding a header). */
  readonly row?: number;
  /** free-form locator: a database key, an HTTP page, a parquet row group. */
  readonly locator?: string;
}

/**
 * The unit that flows between stages. `origin[i]` describes `rows[i]` (may be omitted for
 * rows produced without a source position). Batches are never mutated after they are yielded.
 */
export interface RecordBatch {
  readonly schema: RecordSchema;
  readonly rows: readonly Row[];
  readonly origin?: readonly (SourcePosition | undefined)[];
}

export const DEFAULT_BATCH_SIZE = 2000;
