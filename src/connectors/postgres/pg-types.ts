import { parsePgArray } from './pg-array.js';
import type { Column, ColumnType, Value } from '../../core/records/types.js';

/** The built-in type OIDs we map exactly (pg_type.oid, stable across versions). */
export const OID = {
  bool: 16, bytea: 17, char: 18, name: 19, int8: 20, int2: 21, int4: 23, text: 25, oid: 26,
  json: 114, float4: 700, float8: 701, bpchar: 1042, varchar: 1043, date: 1082,
  timestamp: 1114, timestamptz: 1184, numeric: 1700, uuid: 2950, jsonb: 3802,
} as const;

/** array OID → element OID, for the arrays whose elements we convert (others stay text). */
const ARRAY_ELEMENT: Readonly<Record<number, number>> = {
  1000: OID.bool, 1001: OID.bytea, 1002: OID.char, 1003: OID.name, 1005: OID.int2, 1007: OID.int4,
  1016: OID.int8, 1009: OID.text, 1014: OID.bpchar, 1015: OID.varchar, 1021: OID.float4,
  1022: OID.float8, 1231: OID.numeric, 1182: OID.date, 1115: OID.timestamp, 1185: OID.timestamptz,
  2951: OID.uuid, 199: OID.json, 3807: OID.jsonb, 1028: OID.oid,
};

const NATIVE_NAME: Readonly<Record<number, string>> = {
  16: 'boolean', 17: 'bytea', 18: '"char"', 19: 'name', 20: 'bigint', 21: 'smallint', 23: 'integer',
  25: 'text', 26: 'oid', 114: 'json', 700: 'real', 701: 'double precision', 1042: 'character',
  1043: 'character varying', 1082: 'date', 1114: 'timestamp', 1184: 'timestamptz', 1700: 'numeric',
  2950: 'uuid', 3802: 'jsonb',
};

function canonicalOf(oid: number): ColumnType {
  switch (oid) {
    case OID.int2: case OID.int4: case OID.int8: case OID.oid: return 'integer';
    case OID.float4: case OID.float8: return 'number';
    case OID.numeric: return 'decimal';
    case OID.bool: return 'boolean';
    case OID.date: return 'date';
    case OID.timestamp: case OID.timestamptz: return 'timestamp';
    case OID.json: case OID.jsonb: return 'json';
    case OID.bytea: return 'binary';
    default: return ARRAY_ELEMENT[oid] !== undefined ? 'json' : 'string';
  }
}

/** A result field (pg's FieldDef) → canonical column, with numeric precision/scale from typmod. */
export function columnFromField(field: { name: string; dataTypeID: number; dataTypeModifier: number }): Column {
  const { dataTypeID: oid, dataTypeModifier: mod } = field;
  const type = canonicalOf(oid);
  const base = NATIVE_NAME[oid] ?? (ARRAY_ELEMENT[oid] !== undefined ? `${NATIVE_NAME[ARRAY_ELEMENT[oid]!]}[]` : `oid ${oid}`);
  if (oid === OID.numeric && mod >= 4) {
    const precision = ((mod - 4) >> 16) & 0xffff;
    const scale = (mod - 4) & 0xffff;
    return { name: field.name, type, precision, scale, native_type: `numeric(${precision},${scale})` };
  }
  if (oid === OID.timestamp || oid === OID.timestamptz) {
    return { name: field.name, type, with_zone: oid === OID.timestamptz, native_type: base };
  }
  return { name: field.name, type, native_type: base };
}

type Parser = (text: string) => unknown;

const parseInt8 = (text: string): number | bigint => {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
};

const parseBytea = (text: string): Uint8Array => {
  if (text.startsWith('\\x')) return new Uint8Array(Buffer.from(text.slice(2), 'hex'));
  return new Uint8Array(unescapeBytea(text));
};

/** The legacy `escape` bytea output (bytea_output = escape): backslash octal escapes. */
function unescapeBytea(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') out.push(text.charCodeAt(i));
    else if (text[i + 1] === '\\') { out.push(92); i++; }
    else { out.push(parseInt(text.slice(i + 1, i + 4), 8)); i += 3; }
  }
  return out;
}

/** '2024-01-02 03:04:05.123456' → '2024-01-02T03:04:05.123456' (infinity/BC stay as printed). */
export function isoTimestamp(text: string): string {
  return /^\d{4}-\d\d-\d\d \d/.test(text) ? text.replace(' ', 'T') : text;
}

const TZ = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?$/;

/** timestamptz text with any offset → ISO with 'Z', keeping the fractional digits exactly. */
export function isoTimestampTz(text: string): string {
  // the session runs in UTC: '2024-01-02 03:04:05.123456+00' is the common case
  if (text.charCodeAt(10) === 32 && text.endsWith('+00') && text.length >= 22) return `${text.slice(0, 10)}T${text.slice(11, -3)}Z`;
  const m = TZ.exec(text);
  if (!m) return text;
  const [, y, mo, d, h, mi, s, frac = '', sign, oh, om = '00', os = '00'] = m;
  const offsetSecs = (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os));
  if (offsetSecs === 0) return `${y}-${mo}-${d}T${h}:${mi}:${s}${frac}Z`;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetSecs * 1000;
  return `${new Date(utc).toISOString().slice(0, 19)}${frac}Z`;
}

const SCALAR: Readonly<Record<number, Parser>> = {
  [OID.int2]: Number, [OID.int4]: Number, [OID.oid]: Number, [OID.int8]: parseInt8,
  [OID.float4]: Number, [OID.float8]: Number,
  [OID.bool]: (t) => t === 't' || t === 'true',
  [OID.timestamp]: isoTimestamp, [OID.timestamptz]: isoTimestampTz,
  [OID.json]: JSON.parse, [OID.jsonb]: JSON.parse, [OID.bytea]: parseBytea,
};

/** Array elements must be JSON values: big int8 → string, bytea → '\x…' text. */
const ELEMENT: Readonly<Record<number, Parser>> = {
  ...SCALAR,
  [OID.int8]: (t) => { const n = Number(t); return Number.isSafeInteger(n) ? n : t; },
  [OID.bytea]: (t) => t,
  [OID.float4]: jsonNumber, [OID.float8]: jsonNumber,
};

function jsonNumber(text: string): number | string {
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

const identity: Parser = (text) => text;

/**
 * Per-connection type parsers (pg's `types` option), so values arrive in canonical form without
 * touching pg's global parsers: dates and timestamps stay strings, numeric stays a string.
 */
export const canonicalTypes = {
  getTypeParser(oid: number, format?: string): Parser {
    if (format === 'binary') return identity;
    const scalar = SCALAR[oid];
    if (scalar) return scalar;
    const element = ARRAY_ELEMENT[oid];
    if (element !== undefined) {
      const parseElement = ELEMENT[element] ?? identity;
      return (text) => parsePgArray(text, parseElement);
    }
    return identity;
  },
};

export type { Value };
