import { describe, expect, it } from 'vitest';
import type { Issue } from '../../core/issues.js';
import type { LintContext } from '../define.js';
import { createCsvEncoder, csvField } from './copy-encoder.js';
import { postgres } from './index.js';
import { parsePgArray } from './pg-array.js';
import { canonicalTypes, columnFromField, isoTimestampTz, OID } from './pg-types.js';
import { parsePostgresUrl } from './url.js';

const lintCtx: LintContext = {
  locate: () => undefined,
  issue: (path, code, message, hint): Issue => ({ severity: 'error', path, code, message, ...(hint ? { hint } : {}) }),
};
const lint = (role: 'source' | 'sink' | 'connection', options: Record<string, unknown>) =>
  postgres.lint!({ role, options, path: '/x' }, lintCtx).map((i) => i.code);

describe('postgres definition', () => {
  it('declares schemes, modes and a secret password', () => {
    expect(postgres.url_schemes).toEqual(['postgres', 'postgresql']);
    expect(postgres.sink?.capabilities.modes).toEqual(['append', 'overwrite', 'upsert']);
    const props = postgres.connection!.properties as Record<string, Record<string, unknown>>;
    expect(props.password).toMatchObject({ writeOnly: true, 'x-secret': true });
    expect(props.connect_timeout_secs).toMatchObject({ default: 10 });
  });

  it('lints cross-field rules', () => {
    expect(lint('source', {})).toEqual(['E_PG_TABLE_OR_QUERY']);
    expect(lint('source', { table: 't', query: 'SELECT 1' })).toEqual(['E_PG_TABLE_OR_QUERY']);
    expect(lint('source', { query: 'SELECT 1', columns: ['a'] })).toEqual(['E_PG_COLUMNS_NEED_TABLE']);
    expect(lint('source', { table: 't', params: [1] })).toEqual(['E_PG_PARAMS_NEED_QUERY']);
    expect(lint('source', { query: 'SELECT $1', params: [1] })).toEqual([]);
    expect(lint('sink', { table: 't', mode: 'upsert', key: ['id'] })).toEqual([]);
    expect(lint('sink', { table: 't', mode: 'overwrite', commit_every: 10 })).toEqual(['E_PG_OVERWRITE_COMMIT_EVERY']);
    expect(lint('connection', { url: 'mysql://x' })).toEqual(['E_PG_URL']);
    expect(lint('connection', { url: '${env:DB_URL}' })).toEqual([]);
  });
});

describe('connection urls', () => {
  it('parses every part and decodes the password', () => {
    expect(parsePostgresUrl('postgresql://etl:p%40ss%3Aw@db.example:6543/ware?sslmode=verify-full&application_name=x&connect_timeout=3')).toEqual({
      host: 'db.example', port: 6543, user: 'etl', password: 'p@ss:w', database: 'ware', ssl: 'verify-full', application_name: 'x', connect_timeout_secs: 3,
    });
    expect(parsePostgresUrl('postgres://u@/db?host=/var/run/postgresql')).toEqual({ host: '/var/run/postgresql', user: 'u', database: 'db' });
    expect(postgres.connectionFromUrl!('postgres://a:b@h/d?sslmode=require')).toMatchObject({ ssl: 'require', password: 'b' });
  });

  it('never echoes the url in errors', () => {
    expect(() => parsePostgresUrl('postgres://u:secret@h/d?sslmode=bogus')).toThrow(/sslmode "bogus"/);
    try {
      parsePostgresUrl('not a url with secret');
    } catch (err) {
      expect((err as Error).message).not.toContain('secret');
    }
  });
});

describe('value parsing', () => {
  const parse = (oid: number, text: string) => canonicalTypes.getTypeParser(oid)(text);

  it('keeps exact values', () => {
    expect(parse(OID.int8, '9007199254740991')).toBe(9007199254740991);
    expect(parse(OID.int8, '-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parse(OID.numeric, '12345678901234567890.123')).toBe('12345678901234567890.123');
    expect(parse(OID.date, '2024-01-02')).toBe('2024-01-02');
    expect(parse(OID.timestamp, '2024-01-02 03:04:05.123456')).toBe('2024-01-02T03:04:05.123456');
    expect(parse(OID.timestamp, 'infinity')).toBe('infinity');
    expect(parse(OID.bytea, '\\x00ff')).toEqual(new Uint8Array([0, 255]));
    expect(parse(OID.float8, 'NaN')).toBeNaN();
    expect(parse(OID.bool, 'f')).toBe(false);
  });

  it('normalises timestamptz offsets to Z and keeps the fraction', () => {
    expect(isoTimestampTz('2024-01-02 03:04:05.123456+00')).toBe('2024-01-02T03:04:05.123456Z');
    expect(isoTimestampTz('2024-01-02 03:04:05+00')).toBe('2024-01-02T03:04:05Z');
    expect(isoTimestampTz('0044-03-15 10:00:00+00 BC')).toBe('0044-03-15 10:00:00+00 BC');
    expect(isoTimestampTz('2024-01-02 03:04:05.000001+05:30')).toBe('2024-01-01T21:34:05.000001Z');
    expect(isoTimestampTz('2024-01-01 23:00:00-02')).toBe('2024-01-02T01:00:00Z');
  });

  it('parses arrays into JSON values', () => {
    expect(parsePgArray('{1,NULL,"a \\"b\\"",{2,3}}', (s) => s)).toEqual(['1', null, 'a "b"', ['2', '3']]);
    expect(parsePgArray('[0:1]={7,8}', Number)).toEqual([7, 8]);
    expect(parsePgArray('{}', Number)).toEqual([]);
    expect(parse(1016, '{1,9223372036854775807}')).toEqual([1, '9223372036854775807']);
  });

  it('reads numeric precision and scale from the typmod', () => {
    expect(columnFromField({ name: 'n', dataTypeID: OID.numeric, dataTypeModifier: ((12 << 16) | 2) + 4 })).toEqual({
      name: 'n', type: 'decimal', precision: 12, scale: 2, native_type: 'numeric(12,2)',
    });
    expect(columnFromField({ name: 'x', dataTypeID: 99999, dataTypeModifier: -1 })).toMatchObject({ type: 'string', native_type: 'oid 99999' });
  });
});

describe('COPY CSV encoding', () => {
  it('distinguishes NULL from the empty string and quotes what needs it', () => {
    expect(csvField('')).toBe('""');
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField('\\.')).toBe('"\\."');
    const encode = createCsvEncoder([
      { name: 's', type: 'string' }, { name: 'i', type: 'integer' }, { name: 'j', type: 'json' },
      { name: 'b', type: 'binary' }, { name: 'f', type: 'boolean' },
    ]);
    expect(encode([
      { s: null, i: 12345678901234567890n, j: { a: 'x,y' }, b: new Uint8Array([1, 171]), f: true },
      { s: '', i: 1, j: 'str', b: null, f: false },
      { i: null, j: null },
    ])).toBe(',12345678901234567890,"{""a"":""x,y""}",\\x01ab,t\n"",1,"""str""",,f\n,,,,\n');
  });
});
