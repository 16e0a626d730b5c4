import { DEFAULT_SAMPLE_ROWS, inferSchema, mismatchReason, parseValue } from '../../core/records/infer.js';
import type { Column, ColumnType, RecordBatch, RecordSchema, Row, SourcePosition, Value } from '../../core/records/types.js';
import type { SourceContext } from '../define.js';
import { compileRowMaker } from '../shared/row-builder.js';
import { collectRepeated, flattenRecord, type XmlNode } from './flatten.js';
import { FlatColumns } from './flat-columns.js';

export interface PendingRow {
  readonly node: XmlNode;
  readonly position: SourcePosition;
  /** some element in the record has repeated children (only such a record adds array paths). */
  readonly repeats: boolean;
}

/**
 * Gives XML rows stable, typed columns. Columns are added in the order they first appear; a
 * new column's type comes from `columns:` or is inferred (inferSchema) from the batch where it
 * first appears, and never changes afterwards. A value that does not fit its column's type is
 * rejected with its reason and position. An empty element in a non-string column is null.
 *
 * A row's keys are in flattening order, then the columns it lacks (as null) in column order; a
 * row whose columns come exactly in column order is built by one compiled object literal.
 */
export class BatchTyper {
  private readonly columns: Column[] = [];
  private types: ColumnType[] = [];
  private schema: RecordSchema = { columns: [] };
  private readonly flat = new FlatColumns();
  /** raw values of the record being typed, by column; undefined when absent. */
  private byColumn: (Value | undefined)[] = [];
  private readonly typed: Value[] = [];
  private makeRow: (values: readonly Value[]) => Row = () => ({});
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
    for (const p of pending) if (p.repeats) collectRepeated(p.node, '', this.arrayPaths);
    const flat = this.flat;
    flat.clear();
    for (const p of pending) {
      flat.startRecord();
      flattenRecord(p.node, this.attributePrefix, this.arrayPaths, flat);
    }
    flat.startRecord();
    if (flat.names.length > this.columns.length) this.addColumns(pending.length);
    const rows: Row[] = [];
    const origin: SourcePosition[] = [];
    for (let r = 0; r < pending.length; r++) {
      const position = (pending[r] as PendingRow).position;
      const typed = this.typeRecord(r, position);
      if (typed) {
        rows.push(typed);
        origin.push(position);
      }
    }
    return { schema: this.schema, rows, origin };
  }

  private addColumns(records: number): void {
    const first = this.columns.length;
    const flat = this.flat;
    const fresh = flat.names.slice(first);
    const repeated = new Set<number>();
    for (let j = 0; j < flat.size; j++) {
      const col = flat.cols[j] as number;
      if (col >= first && Array.isArray(flat.values[j])) repeated.add(col);
    }
    const overrides: Record<string, ColumnType> = {};
    fresh.forEach((name, i) => {
      const declared = this.overrides[name];
      if (declared) overrides[name] = declared;
      else if (repeated.has(first + i)) overrides[name] = 'json';
      else if (!this.infer) overrides[name] = 'string';
    });
    const sample: (string | null)[][] = [];
    for (let r = 0; r < Math.min(records, DEFAULT_SAMPLE_ROWS); r++) {
      const row = new Array<string | null>(fresh.length).fill(null);
      for (let j = flat.start(r); j < flat.start(r + 1); j++) {
        const col = flat.cols[j] as number;
        const v = flat.values[j];
        if (col >= first) row[col - first] = typeof v === 'string' ? v : null;
      }
      sample.push(row);
    }
    this.columns.push(...inferSchema(fresh, sample, overrides).columns);
    this.types = this.columns.map((c) => c.type);
    this.byColumn = new Array<Value | undefined>(this.columns.length).fill(undefined);
    this.makeRow = compileRowMaker(flat.names);
    this.schema = { columns: [...this.columns] };
    this.ctx.events({ type: 'schema.inferred', stage: this.ctx.stage, columns: this.columns.map((c) => ({ name: c.name, type: c.type })) });
  }

  /** The typed row of record r, or undefined after rejecting it (with its untyped values). */
  private typeRecord(r: number, position: SourcePosition): Row | undefined {
    const { cols, values } = this.flat;
    const start = this.flat.start(r);
    const end = this.flat.start(r + 1);
    const byColumn = this.byColumn;
    let inOrder = true;
    for (let j = start; j < end; j++) {
      const col = cols[j] as number;
      byColumn[col] = values[j];
      if (col !== j - start) inOrder = false;
    }
    const types = this.types;
    const typed = this.typed;
    for (let i = 0; i < types.length; i++) {
      const value = byColumn[i];
      byColumn[i] = undefined;
      const t = typeValue(value, types[i] as ColumnType);
      if (t === undefined) {
        byColumn.fill(undefined);
        this.reject(r, i, value as Value, position);
        return undefined;
      }
      typed[i] = t;
    }
    if (inOrder) return this.makeRow(typed);
    const row: Row = {};
    for (let j = start; j < end; j++) row[this.flat.names[cols[j] as number] as string] = null;
    for (let i = 0; i < types.length; i++) row[this.flat.names[i] as string] = typed[i] as Value;
    return row;
  }

  private reject(r: number, col: number, value: Value, position: SourcePosition): void {
    const { name, type } = this.columns[col] as Column;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const reason = Array.isArray(value)
      ? `column ${name}: the element repeats in this record but the column is ${type} (declare it as json in columns:)`
      : mismatchReason(name, text, type);
    this.ctx.reject({ record: this.flat.rawRow(r), reason, column: name, position });
  }
}

function typeValue(value: Value | undefined, type: ColumnType): Value | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    if (type === 'string') return value;
    if (value === '') return null;
    return type === 'json' ? value : parseValue(value, type);
  }
  if (Array.isArray(value)) return type === 'json' ? value : undefined;
  return value;
}
