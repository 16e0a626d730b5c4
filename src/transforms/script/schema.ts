import type { Column, ColumnType, RecordSchema, Row } from '../../core/records/types.js';
import { typeOfValue } from '../shared/infer.js';

/** Value types a declared column type accepts as is (decimals are strings, dates strings…). */
const FITS: Record<ColumnType, readonly ColumnType[]> = {
  string: ['string', 'date', 'timestamp'],
  integer: ['integer'],
  number: ['number', 'integer'],
  decimal: ['string', 'integer', 'number'],
  boolean: ['boolean'],
  date: ['date'],
  timestamp: ['timestamp', 'date'],
  json: ['string', 'integer', 'number', 'boolean', 'date', 'timestamp', 'json'],
  binary: ['binary'],
};

/**
 * The output schema of rows a script produced: the row keys in first-seen order; a column of
 * the input keeps its declared type when the values still fit it, a new one gets the type its
 * values suggest. A type once decided stays (sinks expect one schema), new columns are appended.
 */
export class SchemaTracker {
  private readonly columns = new Map<string, Column>();
  private last: RecordSchema | undefined;

  update(input: RecordSchema, rows: readonly Row[]): RecordSchema {
    const declared = new Map(input.columns.map((c) => [c.name, c]));
    let changed = false;
    for (const row of rows) {
      for (const [name, value] of Object.entries(row)) {
        const known = this.columns.has(name);
        if (known && !this.undecided.has(name)) continue;
        const seen = typeOfValue(value);
        const base = declared.get(name);
        if (seen === undefined) {
          if (known) continue;
          // only nulls so far: the input's type, else a guess the first value corrects
          this.columns.set(name, base ?? { name, type: 'string' });
          if (!base) this.undecided.add(name);
        } else {
          this.columns.set(name, base && FITS[base.type].includes(seen) ? base : { name, type: seen });
          this.undecided.delete(name);
        }
        changed = true;
      }
    }
    if (!changed && this.last) return this.last;
    this.last = { columns: [...this.columns.values()] };
    return this.last;
  }

  /** columns seen only as null so far: their type is a guess the next value may correct. */
  private readonly undecided = new Set<string>();
}
