import type { Row, Value } from '../../core/records/types.js';
import type { FlatTarget } from './flatten.js';

/**
 * The flattened records of one batch, as (column index, raw value) pairs record after record,
 * in flattening order: no object per record until the typed row. Column indexes are stable
 * for the whole read (a new path gets the next index).
 */
export class FlatColumns implements FlatTarget {
  /** every column name so far, by index. */
  readonly names: string[] = [];
  readonly cols: number[] = [];
  readonly values: Value[] = [];
  /** pairs in use (the arrays are reused from batch to batch). */
  size = 0;
  private readonly index = new Map<string, number>();
  private readonly starts: number[] = [];
  private records = 0;
  /** the previous record's paths and columns by position: records mostly share one layout. */
  private readonly lastPath: string[] = [];
  private readonly lastCol: number[] = [];
  private k = 0;

  clear(): void {
    this.size = 0;
    this.records = 0;
  }

  /** Starts the next record (also called once after the last one, to close it). */
  startRecord(): void {
    this.starts[this.records++] = this.size;
    this.k = 0;
  }

  /** Index of the first pair of record r (r = the record count gives the end of the last one). */
  start(r: number): number {
    return this.starts[r] as number;
  }

  put(path: string, value: Value): void {
    const k = this.k++;
    let col: number;
    if (k < this.lastPath.length && this.lastPath[k] === path) {
      col = this.lastCol[k] as number;
    } else {
      col = this.columnOf(path);
      this.lastPath[k] = path;
      this.lastCol[k] = col;
    }
    const j = this.size++;
    this.cols[j] = col;
    this.values[j] = value;
  }

  /** The record's untyped values keyed by column, in flattening order (for a reject). */
  rawRow(r: number): Row {
    const row: Row = {};
    for (let j = this.start(r); j < this.start(r + 1); j++) row[this.names[this.cols[j] as number] as string] = this.values[j] as Value;
    return row;
  }

  private columnOf(path: string): number {
    let col = this.index.get(path);
    if (col === undefined) {
      col = this.names.length;
      this.names.push(path);
      this.index.set(path, col);
    }
    return col;
  }
}
