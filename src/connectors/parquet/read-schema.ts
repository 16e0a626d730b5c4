import type { FileMetaData, SchemaElement, SchemaTree } from 'hyparquet';
import type { Column, ColumnType, Value } from '../../core/records/types.js';
import { dateFromDays, decimalFromRaw, isoFromEpoch, timeOfDay, toJsonValue, type TimeUnit } from './values.js';

/** One top-level Parquet field as a canonical column plus the conversion of its values. */
export interface ReadColumn {
  readonly column: Column;
  readonly convert: (value: unknown) => Value;
}

const utf8 = new TextDecoder();

/** hyparquet's parsers, returning canonical strings instead of Date objects (which drop micros). */
export const canonicalParsers = {
  timestampFromMilliseconds: (v: bigint): string => isoFromEpoch(BigInt(v), 'MILLIS'),
  timestampFromMicroseconds: (v: bigint): string => isoFromEpoch(BigInt(v), 'MICROS'),
  timestampFromNanoseconds: (v: bigint): string => isoFromEpoch(BigInt(v), 'NANOS'),
  dateFromDays: (days: number): string => dateFromDays(days),
};

const nullable = (el: SchemaElement): boolean => el.repetition_type !== 'REQUIRED';
const isDecimal = (el: SchemaElement): boolean => el.converted_type === 'DECIMAL' || el.logical_type?.type === 'DECIMAL';
/** annotations hyparquet cannot decode (it throws): read as plain bytes instead. */
const isOpaque = (el: SchemaElement): boolean =>
  el.converted_type === 'BSON' || el.converted_type === 'INTERVAL' || el.logical_type?.type === 'BSON' || el.logical_type?.type === 'INTERVAL';

function nativeType(el: SchemaElement, group: boolean): string {
  const physical = group ? 'group' : el.type === 'FIXED_LEN_BYTE_ARRAY' ? `FIXED_LEN_BYTE_ARRAY(${el.type_length ?? '?'})` : (el.type ?? '?');
  const lt = el.logical_type;
  let logical: string | undefined = el.converted_type;
  if (isDecimal(el)) logical = `DECIMAL(${decimalPrecision(el)},${decimalScale(el)})`;
  else if (lt?.type === 'TIMESTAMP' || lt?.type === 'TIME') logical = `${lt.type}(${lt.unit},${lt.isAdjustedToUTC ? 'UTC' : 'local'})`;
  else if (lt?.type === 'INTEGER') logical = `INTEGER(${lt.bitWidth},${lt.isSigned ? 'signed' : 'unsigned'})`;
  else if (lt) logical = lt.type;
  return logical ? `${physical} ${logical}` : physical;
}

const decimalScale = (el: SchemaElement): number =>
  el.logical_type?.type === 'DECIMAL' ? el.logical_type.scale : (el.scale ?? 0);
const decimalPrecision = (el: SchemaElement): number =>
  el.logical_type?.type === 'DECIMAL' ? el.logical_type.precision : (el.precision ?? 0);

function timestampInfo(el: SchemaElement): { unit: TimeUnit; utc: boolean } | undefined {
  const lt = el.logical_type;
  if (lt?.type === 'TIMESTAMP') return { unit: lt.unit as TimeUnit, utc: lt.isAdjustedToUTC };
  if (el.converted_type === 'TIMESTAMP_MILLIS') return { unit: 'MILLIS', utc: true };
  if (el.converted_type === 'TIMESTAMP_MICROS') return { unit: 'MICROS', utc: true };
  return undefined;
}

function timeUnitOf(el: SchemaElement): TimeUnit | undefined {
  if (el.logical_type?.type === 'TIME') return el.logical_type.unit as TimeUnit;
  if (el.converted_type === 'TIME_MILLIS') return 'MILLIS';
  if (el.converted_type === 'TIME_MICROS') return 'MICROS';
  return undefined;
}

const orNull = (fn: (v: unknown) => Value) => (v: unknown): Value => (v === null || v === undefined ? null : fn(v));
const integer = orNull((v) => (typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v) : (v as number)));
const identity = orNull((v) => v as Value);
const json = (v: unknown): Value => (v === undefined ? null : toJsonValue(v));

/** The canonical type and converter of a leaf field (hyparquet has already applied its own conversions). */
function leafColumn(el: SchemaElement): { type: ColumnType; convert: (v: unknown) => Value; extra?: Partial<Column> } {
  if (isDecimal(el)) {
    const scale = decimalScale(el);
    return { type: 'decimal', convert: orNull((v) => decimalFromRaw(v, scale)), extra: { precision: decimalPrecision(el), scale } };
  }
  const ts = timestampInfo(el);
  if (ts) return { type: 'timestamp', convert: ts.utc ? orNull((v) => `${v as string}Z`) : identity, extra: { with_zone: ts.utc } };
  if (el.type === 'INT96') return { type: 'timestamp', convert: identity, extra: { with_zone: false } };
  const time = timeUnitOf(el);
  if (time) return { type: 'string', convert: orNull((v) => timeOfDay(v as number | bigint, time)) };
  const lt = el.logical_type?.type;
  if (el.converted_type === 'DATE' || lt === 'DATE') return { type: 'date', convert: identity };
  if (el.converted_type === 'JSON' || lt === 'JSON' || lt === 'GEOMETRY' || lt === 'GEOGRAPHY' || lt === 'VARIANT') return { type: 'json', convert: json };
  if (el.converted_type === 'ENUM' || lt === 'ENUM') return { type: 'string', convert: orNull((v) => (v instanceof Uint8Array ? utf8.decode(v) : String(v))) };
  if (el.converted_type === 'UTF8' || lt === 'STRING' || lt === 'UUID') return { type: 'string', convert: identity };
  if (lt === 'FLOAT16') return { type: 'number', convert: identity };
  switch (el.type) {
    case 'BOOLEAN':
      return { type: 'boolean', convert: identity };
    case 'INT32':
    case 'INT64':
      return { type: 'integer', convert: integer };
    case 'FLOAT':
    case 'DOUBLE':
      return { type: 'number', convert: identity };
    default:
      return { type: 'binary', convert: identity };
  }
}

export function readColumnFor(node: SchemaTree): ReadColumn {
  const el = node.element;
  const group = node.children.length > 0;
  const base = { name: el.name, nullable: nullable(el), native_type: nativeType(el, group) };
  if (group || el.repetition_type === 'REPEATED') return { column: { ...base, type: 'json' }, convert: json };
  const leaf = leafColumn(el);
  return { column: { ...base, type: leaf.type, ...leaf.extra }, convert: leaf.convert };
}

/**
 * A copy of the metadata in which top-level DECIMAL leaves lose their annotation (hyparquet
 * would turn them into floats; we convert the raw integers/bytes exactly) and BSON/INTERVAL
 * (which hyparquet rejects) are read as bytes. Nested decimals stay hyparquet numbers.
 */
export function metadataForRead(metadata: FileMetaData): FileMetaData {
  const schema = metadata.schema.map((el) => ({ ...el }));
  const strip = (el: SchemaElement): void => {
    delete el.converted_type;
    delete el.logical_type;
  };
  let i = 1;
  const rootChildren = metadata.schema[0]?.num_children ?? 0;
  for (let c = 0; c < rootChildren && i < schema.length; c++) {
    const el = schema[i] as SchemaElement;
    if (!el.num_children && isDecimal(el) && el.repetition_type !== 'REPEATED') strip(el);
    i = skipSubtree(schema, i);
  }
  for (const el of schema) if (isOpaque(el)) strip(el);
  return { ...metadata, schema };
}

/** Index just past the subtree that starts at `i` (schema elements are in pre-order). */
function skipSubtree(schema: readonly SchemaElement[], i: number): number {
  let pending = 1;
  while (pending > 0 && i < schema.length) {
    pending += (schema[i]?.num_children ?? 0) - 1;
    i++;
  }
  return i;
}
