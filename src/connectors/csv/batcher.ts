import { RunError } from '../../core/errors.js';
import { DEFAULT_SAMPLE_ROWS, inferSchema } from '../../core/records/infer.js';
import type { ColumnType, RecordBatch, RecordSchema, Row, SourcePosition } from '../../core/records/types.js';
import type { SourceContext } from '../define.js';
import { createRowBuilder, type RowBuilder } from '../shared/row-builder.js';
import { isBlank, type CsvRecord } from './splitter.js';

export interface BatcherOptions {
  readonly header: boolean;
  readonly infer: boolean;
  readonly columns: Readonly<Record<string, ColumnType>>;
  readonly null_values: readonly string[];
  readonly delimiter: string;
  /** the file as named in messages and rejects. */
  readonly display: string;
}

/**
 * Turns CSV records into typed batches: takes the header, samples the first rows to infer types,
 * converts fields, and sends malformed or ill-typed records to ctx.reject with their line.
 */
export class CsvBatcher {
  private names: string[] | undefined;
  private schema: RecordSchema | undefined;
  private builder: RowBuilder | undefined;
  private sample: { rec: CsvRecord; no: number }[] = [];
  private rows: Row[] = [];
  private origin: SourcePosition[] = [];
  private ready: RecordBatch[] = [];
  private recordNo = 0;
  private batches = 0;
  private emitted = 0;

  constructor(
    private readonly options: BatcherOptions,
    private readonly ctx: SourceContext,
  ) {}

  /** true once ctx.limit rows were produced. */
  get done(): boolean {
    return this.ctx.limit !== undefined && this.emitted >= this.ctx.limit;
  }

  add(records: readonly CsvRecord[]): RecordBatch[] {
    for (const rec of records) {
      if (this.done) break;
      if (rec.error === undefined && isBlank(rec.fields)) continue;
      if (this.names === undefined) {
        this.names = this.takeNames(rec);
        if (this.options.header) continue;
      }
      this.recordNo++;
      if (rec.error !== undefined) this.rejectMalformed(rec);
      else if (this.builder === undefined) this.sampleRecord(rec);
      else this.convert(rec, this.builder);
    }
    return this.drain();
  }

  /** Flushes the last rows; a file with a header and no rows yields one empty batch with the schema. */
  finish(): RecordBatch[] {
    if (this.builder === undefined && this.names !== undefined) this.startSchema();
    if (this.rows.length > 0 || (this.batches === 0 && this.schema !== undefined)) this.flush();
    return this.drain();
  }

  private takeNames(rec: CsvRecord): string[] {
    const { display } = this.options;
    if (rec.error !== undefined) {
      throw new RunError('E_CSV_HEADER', `the first record of ${display} (line ${rec.line}) is malformed: ${rec.error}`, {
        hint: 'check the quote and delimiter options',
        where: { position: `${display}:${rec.line}` },
      });
    }
    if (!this.options.header) return rec.fields.map((_, i) => `column_${i + 1}`);
    const names = rec.fields.map((f) => f.trim());
    const empty = names.flatMap((n, i) => (n === '' ? [i + 1] : []));
    if (empty.length > 0 && names.length > 1) {
      throw new RunError('E_CSV_HEADER', `the header of ${display} has an empty column name at position ${empty.join(', ')}`, {
        hint: 'name every column in the header, or set header: false',
        where: { position: `${display}:${rec.line}` },
      });
    }
    const dups = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
    if (dups.length > 0) {
      throw new RunError('E_CSV_HEADER', `the header of ${display} repeats column name${dups.length > 1 ? 's' : ''} ${dups.join(', ')}`, {
        hint: 'rename the duplicates in the file, or set header: false and rename columns in a transform',
        where: { position: `${display}:${rec.line}` },
      });
    }
    for (const name of Object.keys(this.options.columns)) {
      if (!names.includes(name)) {
        throw new RunError('E_CSV_COLUMN_UNKNOWN', `columns: "${name}" is not a column of ${display}`, {
          hint: `the header has ${names.join(', ')}`,
        });
      }
    }
    return names;
  }

  private sampleRecord(rec: CsvRecord): void {
    this.sample.push({ rec, no: this.recordNo });
    if (!this.options.infer || this.sample.length >= DEFAULT_SAMPLE_ROWS) this.startSchema();
  }

  private startSchema(): void {
    const names = this.names as string[];
    const { infer, columns } = this.options;
    const nulls = new Set(this.options.null_values);
    const sampleFields = this.sample.map(({ rec }) => rec.fields.map((f) => (nulls.has(f) ? null : f)));
    const schema = infer
      ? inferSchema(names, sampleFields, columns)
      : { columns: names.map((name) => ({ name, type: columns[name] ?? ('string' as ColumnType) })) };
    this.schema = schema;
    this.builder = createRowBuilder(schema, this.options.null_values);
    if (infer) {
      this.ctx.events({ type: 'schema.inferred', stage: this.ctx.stage, columns: schema.columns.map((c) => ({ name: c.name, type: c.type })) });
    }
    const sample = this.sample;
    this.sample = [];
    for (const { rec, no } of sample) {
      if (!this.done) this.convert(rec, this.builder, no);
    }
  }

  private convert(rec: CsvRecord, builder: RowBuilder, recordNo = this.recordNo): void {
    const position: SourcePosition = { file: this.options.display, line: rec.line, row: recordNo };
    const row = builder.build(rec.fields);
    if (row === undefined) {
      const failure = builder.failure;
      this.ctx.reject({ record: builder.raw(rec.fields), reason: failure?.reason ?? 'invalid value', ...(failure ? { column: failure.column } : {}), position });
      return;
    }
    this.rows.push(row);
    this.origin.push(position);
    this.emitted++;
    if (this.rows.length >= this.ctx.batch_size || this.done) this.flush();
  }

  private rejectMalformed(rec: CsvRecord): void {
    const record = rec.raw ?? rec.fields.join(this.options.delimiter);
    this.ctx.reject({ record, reason: rec.error as string, position: { file: this.options.display, line: rec.line, row: this.recordNo } });
  }

  private flush(): void {
    this.batches++;
    this.ready.push({ schema: this.schema as RecordSchema, rows: this.rows, origin: this.origin });
    this.rows = [];
    this.origin = [];
  }

  private drain(): RecordBatch[] {
    const out = this.ready;
    this.ready = [];
    return out;
  }
}
