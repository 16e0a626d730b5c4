import { inferSchema, mismatchReason, parseValue } from '../../core/records/infer.js';
import type { Column, ColumnType, RecordBatch, RecordSchema, Row, SourcePosition, Value } from '../../core/records/types.js';
import type { SourceContext } from '../define.js';
import { collectRepeated, flattenRecord, type XmlNode } from './flatten.js';

export interface PendingRow {
  readonly node: XmlNode;
  readonly position: SourcePosition;
}

/**
 * Gives XML rows stable, typed columns. Columns are added in the order they first appear; a
 * new column's type comes from `columns:` or is inferred (inferSchema) from the batch where it
 * first appears, and never changes afterwards. A value that does not fit its column's type is
 * rejected with its reason and position. An empty element in a non-string column is null.
 */
export class BatchTyper {
  private readonly columns: Column[] = [];
  private readonly known = new Set<string>();
  private schema: RecordSchema = { columns: [] };
  private readonly scratch: Value[] = [];
  /** element paths that are json arrays: declared json, or seen repeating in a record. */
  private readonly arrayPaths: Set<string>;

  constructor(
    private readonly overrides: Readonly<Record<string, ColumnType>>,
    private readonly infer: boolean,
    private readonly attributePrefix: string,
    private readonly ctx: Pick<SourceContext, 'reject' | 'events' | 'stage'>,
  ) {
    this.arrayPaths = new Set(Object.keys(overrides).filter((name) => overrides[name] === 'json'));
  }

  batch(pending: readonly PendingRow[]): RecordBatch {
    for (const { node } of pending) collectRepeated(node, '', this.arrayPaths);
    const flat = pending.map(({ node }) => flattenRecord(node, this.attributePrefix, this.arrayPaths));
    this.addColumns(flat);
    const rows: Row[] = [];
    const origin: SourcePosition[] = [];
    for (let i = 0; i < flat.length; i++) {
      const position = (pending[i] as PendingRow).position;
      const typed = this.typeRow(flat[i] as Row, position);
      if (typed) {
        rows.push(typed);
        origin.push(position);
      }
    }
    return { schema: this.schema, rows, origin };
  }

  private addColumns(flat: readonly Row[]): void {
    const fresh: string[] = [];
    const repeated = new Set<string>();
    for (const row of flat) {
      for (const name in row) {
        if (Array.isArray(row[name])) repeated.add(name);
        if (!this.known.has(name)) {
          this.known.add(name);
          fresh.push(name);
        }
      }
    }
    if (fresh.length === 0) return;
    const overrides: Record<string, ColumnType> = {};
    for (const name of fresh) {
      const declared = this.overrides[name];
      if (declared) overrides[name] = declared;
      else if (repeated.has(name)) overrides[name] = 'json';
      else if (!this.infer) overrides[name] = 'string';
    }
    const sample = flat.map((row) => fresh.map((name) => {
      const v = row[name];
      return typeof v === 'string' ? v : null;
    }));
    const inferred = inferSchema(fresh, sample, overrides);
    this.columns.push(...inferred.columns);
    this.schema = { columns: [...this.columns] };
    this.ctx.events({ type: 'schema.inferred', stage: this.ctx.stage, columns: this.columns.map((c) => ({ name: c.name, type: c.type })) });
  }

  /** Types the flattened row in place (it is ours), or rejects it untouched and returns undefined. */
  private typeRow(row: Row, position: SourcePosition): Row | undefined {
    const typed = this.scratch;
    for (let i = 0; i < this.columns.length; i++) {
      const { name, type } = this.columns[i] as Column;
      const value = row[name];
      const t = typeValue(value, type);
      if (t === undefined) {
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        const reason = Array.isArray(value)
          ? `column ${name}: the element repeats in this record but the column is ${type} (declare it as json in columns:)`
          : mismatchReason(name, text, type);
        this.ctx.reject({ record: row, reason, column: name, position });
        return undefined;
      }
      typed[i] = t;
    }
    for (let i = 0; i < this.columns.length; i++) row[(this.columns[i] as Column).name] = typed[i] as Value;
    return row;
  }
}

function typeValue(value: Value | undefined, type: ColumnType): Value | undefined {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return type === 'json' ? value : undefined;
  if (typeof value !== 'string' || type === 'string') return value;
  if (value === '') return null;
  if (type === 'json') return value;
  return parseValue(value, type);
}
