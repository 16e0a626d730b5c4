import { createServer, type Server, type Socket } from 'node:net';
import oracledb from 'oracledb';
import type { Metadata } from 'oracledb';
import { afterAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../core/errors.js';
import { createTestContext } from '../../testing/context.js';
import { boundsQuery, rangeQueries, splitRange } from '../sql/partition.js';
import { bindDefs, bindRows, bindValue } from './binds.js';
import { connect } from './connection.js';
import { oracleDialect, oracleName, oracleNativeType, quoteOracleIdent } from './dialect.js';
import { callTimeoutMs, connectOptions, loadOracleDb, SESSION_SQL } from './driver.js';
import { classifyOracleError, oracleError } from './errors.js';
import { oracle } from './index.js';
import { sourceQuery } from './query.js';
import { planFromTarget } from './sink-plan.js';
import { columnFromMetadata, fetchTypeHandler } from './types.js';
import { parseOracleUrl } from './url.js';

const noTable = { exists: false, schema_exists: true, columns: [], unique_keys: [] };
const people = { columns: [{ name: 'id', type: 'integer' as const }, { name: 'name', type: 'string' as const }, { name: 'at', type: 'timestamp' as const, with_zone: true }] };

describe('oracle connection options', () => {
  it('parses oracle:// urls into user, password and an Easy Connect string', () => {
    expect(parseOracleUrl('oracle://etl:p%40ss@db.example:1522/ORCLPDB1')).toEqual({ user: 'etl', password: 'p@ss', connect_string: 'db.example:1522/ORCLPDB1' });
    expect(parseOracleUrl('oracle://etl@db/XE?connect_timeout=3')).toEqual({ user: 'etl', connect_string: 'db:1521/XE', connect_timeout_secs: 3 });
    expect(() => parseOracleUrl('mysql://u:secret@h/db')).toThrow(/must start with oracle:\/\//);
    expect(oracle.url_schemes).toEqual(['oracle']);
  });

  it('always sets connectTimeout AND transportConnectTimeout (whole seconds) and a call timeout', () => {
    expect(connectOptions({ user: 'u', password: 'p', connect_string: 'h:1521/s' })).toEqual({ user: 'u', password: 'p', connectString: 'h:1521/s', connectTimeout: 10, transportConnectTimeout: 10 });
    expect(connectOptions({ connect_timeout_secs: 2.2 })).toMatchObject({ connectTimeout: 3, transportConnectTimeout: 3 });
    expect(connectOptions({ connect_timeout_secs: 0.1 })).toMatchObject({ connectTimeout: 1, transportConnectTimeout: 1 });
    expect(callTimeoutMs({})).toBe(3_600_000);
    expect(callTimeoutMs({ call_timeout_secs: 30 })).toBe(30_000);
    expect(SESSION_SQL).toContain("TIME_ZONE = 'UTC'");
    expect(SESSION_SQL).toContain("NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6TZH:TZM'");
  });

  it('says how to install the optional driver when it is missing', async () => {
    const err = await loadOracleDb(() => Promise.reject(new Error("Cannot find package 'oracledb'"))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({ code: 'E_ORACLE_DRIVER', kind: 'config', hint: 'install it next to etl-cli: npm install oracledb' });
    expect((await loadOracleDb()).getConnection).toBeTypeOf('function');
  });
});

describe('oracle connect against local stand-ins (no Oracle server here)', () => {
  const sockets: Socket[] = [];
  let silent: Server | undefined;
  afterAll(() => {
    for (const s of sockets) s.destroy();
    silent?.close();
  });

  it('a listener that accepts and never answers fails within the connect timeout, as transient', async () => {
    silent = createServer((s) => { sockets.push(s); });
    await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const ctx = createTestContext({ retry: { attempts: 1, initial_secs: 0, max_secs: 0, jitter: 0 } });
    const t0 = Date.now();
    const err = await connect({ user: 'u', password: 'secret-pw', connect_string: `127.0.0.1:${port}/XE`, connect_timeout_secs: 1 }, ctx).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).kind).toBe('transient');
    expect((err as Error).message).not.toContain('secret-pw');
  });

  it('a closed port is a transient connection error', async () => {
    const ctx = createTestContext({ retry: { attempts: 1, initial_secs: 0, max_secs: 0, jitter: 0 } });
    const err = await connect({ url: 'oracle://u:pw@127.0.0.1:1/XE', connect_timeout_secs: 2 }, ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'transient' });
  });
});

describe('oracle names and source SQL', () => {
  it('upper-cases simple lower-case names and quotes the rest exactly', () => {
    expect(oracleName('orders')).toBe('ORDERS');
    expect(oracleName('Orders')).toBe('Orders');
    expect(quoteOracleIdent('order_items')).toBe('"ORDER_ITEMS"');
    expect(quoteOracleIdent('my "odd" name')).toBe('"my ""odd"" name"');
    expect(oracleDialect.table('sales.orders').sql).toBe('"SALES"."ORDERS"');
  });

  it('builds table, flashback and incremental queries with binds only', () => {
    expect(sourceQuery({ table: 'orders', columns: ['id', 'Total'] }, undefined)).toEqual({ sql: 'SELECT "ID", "Total" FROM "ORDERS"', binds: [] });
    expect(sourceQuery({ table: 'sales.orders', flashback: { scn: 123456789 } }, undefined)).toEqual({ sql: 'SELECT * FROM "SALES"."ORDERS" AS OF SCN :1', binds: ['123456789'] });
    expect(sourceQuery({ table: 'orders', flashback: { timestamp: '2024-06-30T23:59:59+02:00' } }, { column: 'updated_at', after: '2024-01-01T00:00:00.5Z' })).toEqual({
      sql: `SELECT * FROM (SELECT * FROM "ORDERS" AS OF TIMESTAMP FROM_TZ(TO_TIMESTAMP(:1, 'YYYY-MM-DD HH24:MI:SS.FF'), 'UTC')) src WHERE src."UPDATED_AT" > :2 ORDER BY src."UPDATED_AT"`,
      binds: ['2024-06-30 21:59:59.000000', '2024-01-01 00:00:00.5'],
    });
    expect(sourceQuery({ query: 'SELECT * FROM t WHERE s = :status', params: { status: 'OPEN' } }, { column: 'ID', after: '10', until: '20' })).toEqual({
      sql: 'SELECT * FROM (SELECT * FROM t WHERE s = :status) src WHERE src."ID" > :etl_1 AND src."ID" <= :etl_2 ORDER BY src."ID"',
      binds: { status: 'OPEN', etl_1: '10', etl_2: '20' },
    });
    expect(() => sourceQuery({ query: 'SELECT 1 FROM dual', flashback: { scn: 1 } }, undefined)).toThrow(/flashback/);
    expect(() => sourceQuery({ table: 't', flashback: { timestamp: 'yesterday' } }, undefined)).toThrow(/not an ISO timestamp/);
  });

  it('splits a key range into partition queries (dialect-neutral helper)', () => {
    const base = { sql: 'SELECT * FROM "T"', params: [] };
    expect(boundsQuery(oracleDialect, base, 'id').sql).toBe('SELECT MIN(src."ID") AS lo, MAX(src."ID") AS hi FROM (SELECT * FROM "T") src');
    expect(splitRange(1, 10, 3)).toEqual([{ from: 1, to: 4, last: false }, { from: 4, to: 7, last: false }, { from: 7, to: 10, last: true }]);
    expect(splitRange(5, 6, 4)).toEqual([{ from: 5, to: 6, last: false }, { from: 6, to: 6, last: true }]);
    expect(splitRange(0, 1, 2)).toEqual([{ from: 0, to: 1, last: false }, { from: 1, to: 1, last: true }]);
    expect(splitRange(2n ** 60n, 2n ** 60n + 1n, 1)).toEqual([{ from: 2n ** 60n, to: 2n ** 60n + 1n, last: true }]);
    expect(splitRange(0.5, 1.5, 2)).toEqual([{ from: 0.5, to: 1, last: false }, { from: 1, to: 1.5, last: true }]);
    expect(splitRange(3, 1, 2)).toEqual([]);
    const qs = rangeQueries(oracleDialect, { sql: 'SELECT * FROM "T" AS OF SCN :1', params: ['9'] }, 'id', splitRange(1, 10, 2));
    expect(qs).toEqual([
      { sql: 'SELECT * FROM (SELECT * FROM "T" AS OF SCN :1) src WHERE src."ID" >= :2 AND src."ID" < :3', params: ['9', 1, 6] },
      { sql: 'SELECT * FROM (SELECT * FROM "T" AS OF SCN :1) src WHERE src."ID" >= :2 AND src."ID" <= :3', params: ['9', 6, 10] },
      { sql: 'SELECT * FROM (SELECT * FROM "T" AS OF SCN :1) src WHERE src."ID" IS NULL', params: ['9'] },
    ]);
  });
});

describe('oracle sink SQL', () => {
  it('append: CREATE TABLE, INSERT with UTC timestamp conversion, COMMIT', () => {
    const plan = planFromTarget(noTable, { table: 'people' }, people);
    expect(plan.statements).toEqual([
      'CREATE TABLE "PEOPLE" ("ID" NUMBER(19), "NAME" VARCHAR2(4000 CHAR), "AT" TIMESTAMP(6) WITH TIME ZONE)',
      `INSERT INTO "PEOPLE" ("ID", "NAME", "AT") VALUES (:1, :2, FROM_TZ(TO_TIMESTAMP(:3, 'YYYY-MM-DD HH24:MI:SS.FF'), 'UTC'))`,
      'COMMIT',
    ]);
    expect(plan.type_map).toEqual({ id: 'NUMBER(19)', name: 'VARCHAR2(4000 CHAR)', at: 'TIMESTAMP(6) WITH TIME ZONE' });
  });

  it('overwrite: DELETE and INSERT in one transaction', () => {
    const existing = { exists: true, schema_exists: true, columns: [{ name: 'ID', type: 'NUMBER(19,0)' }, { name: 'NAME', type: 'VARCHAR2' }, { name: 'AT', type: 'TIMESTAMP(6) WITH TIME ZONE' }], unique_keys: [] };
    expect(planFromTarget(existing, { table: 'people', mode: 'overwrite' }, people).statements).toEqual([
      'DELETE FROM "PEOPLE"',
      `INSERT INTO "PEOPLE" ("ID", "NAME", "AT") VALUES (:1, :2, FROM_TZ(TO_TIMESTAMP(:3, 'YYYY-MM-DD HH24:MI:SS.FF'), 'UTC'))`,
      'COMMIT',
    ]);
  });

  it('upsert: MERGE from dual, and refuses a table without a unique key', () => {
    const plan = planFromTarget(noTable, { table: 'crm.people', mode: 'upsert', key: ['id'] }, { columns: people.columns.slice(0, 2) });
    expect(plan.statements).toEqual([
      'CREATE TABLE "CRM"."PEOPLE" ("ID" NUMBER(19) NOT NULL, "NAME" VARCHAR2(4000 CHAR), PRIMARY KEY ("ID"))',
      'MERGE INTO "CRM"."PEOPLE" t USING (SELECT :1 "ID", :2 "NAME" FROM dual) s ON (t."ID" = s."ID") WHEN MATCHED THEN UPDATE SET t."NAME" = s."NAME" WHEN NOT MATCHED THEN INSERT ("ID", "NAME") VALUES (s."ID", s."NAME")',
      'COMMIT',
    ]);
    const keyOnly = planFromTarget(noTable, { table: 't', mode: 'upsert', key: ['id'] }, { columns: [people.columns[0]!] });
    expect(keyOnly.statements![1]).toBe('MERGE INTO "T" t USING (SELECT :1 "ID" FROM dual) s ON (t."ID" = s."ID") WHEN NOT MATCHED THEN INSERT ("ID") VALUES (s."ID")');
    const noKey = { exists: true, schema_exists: true, columns: [{ name: 'ID', type: 'NUMBER' }, { name: 'NAME', type: 'VARCHAR2' }], unique_keys: [['NAME']] };
    expect(() => planFromTarget(noKey, { table: 't', mode: 'upsert', key: ['id'] }, { columns: people.columns.slice(0, 2) })).toThrow(expect.objectContaining({ code: 'E_ORACLE_NO_UNIQUE_KEY' }));
    const withKey = { ...noKey, unique_keys: [['ID']] };
    expect(planFromTarget(withKey, { table: 't', mode: 'upsert', key: ['id'] }, { columns: people.columns.slice(0, 2) }).statements![0]).toMatch(/^MERGE INTO "T"/);
  });

  it('schema changes: fail by default, ADD (…) when asked', () => {
    const existing = { exists: true, schema_exists: true, columns: [{ name: 'ID', type: 'NUMBER(19,0)' }], unique_keys: [] };
    expect(() => planFromTarget(existing, { table: 't' }, { columns: people.columns.slice(0, 2) })).toThrow(expect.objectContaining({ code: 'E_ORACLE_SCHEMA_CHANGE' }));
    expect(planFromTarget(existing, { table: 't', on_schema_change: 'add_columns' }, { columns: people.columns.slice(0, 2) }).statements![0]).toBe('ALTER TABLE "T" ADD ("NAME" VARCHAR2(4000 CHAR))');
    expect(planFromTarget(existing, { table: 't', on_schema_change: 'ignore' }, { columns: people.columns.slice(0, 2) }).statements![0]).toBe('INSERT INTO "T" ("ID") VALUES (:1)');
  });

  it('maps canonical types to DDL', () => {
    expect(oracleNativeType({ name: 'd', type: 'decimal', precision: 12, scale: 2 })).toBe('NUMBER(12,2)');
    expect(oracleNativeType({ name: 'd', type: 'decimal' })).toBe('NUMBER');
    expect(oracleNativeType({ name: 'b', type: 'boolean' })).toBe('NUMBER(1)');
    expect(oracleNativeType({ name: 'j', type: 'json' })).toBe('CLOB');
    expect(oracleNativeType({ name: 'x', type: 'binary' })).toBe('BLOB');
    expect(oracleNativeType({ name: 'x', type: 'binary' }, true)).toBe('RAW(2000)');
    expect(oracleNativeType({ name: 'd', type: 'date' })).toBe('DATE');
    expect(oracleNativeType({ name: 't', type: 'timestamp' })).toBe('TIMESTAMP(6)');
  });
});

describe('oracle values', () => {
  const meta = (dbType: Metadata['dbType'], extra: Partial<Metadata> = {}): Metadata => ({ name: 'C', dbType, nullable: true, ...extra });
  const handler = fetchTypeHandler(oracledb);

  it('fetches NUMBER as exact text, integers as number or bigint', () => {
    const int = handler(meta(oracledb.DB_TYPE_NUMBER, { precision: 19, scale: 0 }))!;
    expect(int.type).toBe(oracledb.STRING);
    expect(int.converter!('9007199254740993')).toBe(9007199254740993n);
    expect(int.converter!('-42')).toBe(-42);
    expect(int.converter!(null)).toBeNull();
    const dec = handler(meta(oracledb.DB_TYPE_NUMBER, { precision: 0, scale: -127 }))!;
    expect(dec.converter!('.5')).toBe('0.5');
    expect(dec.converter!('-.25')).toBe('-0.25');
    expect(dec.converter!('12345678901234567890.123456789')).toBe('12345678901234567890.123456789');
    expect(columnFromMetadata(meta(oracledb.DB_TYPE_NUMBER, { precision: 15, scale: 0 })).type).toBe('integer');
    expect(columnFromMetadata(meta(oracledb.DB_TYPE_NUMBER, { precision: 12, scale: 2 }))).toMatchObject({ type: 'decimal', precision: 12, scale: 2 });
    expect(columnFromMetadata(meta(oracledb.DB_TYPE_NUMBER, { precision: 0, scale: -127 }))).toMatchObject({ type: 'decimal' });
  });

  it('fetches dates and timestamps as text in the session formats, LOBs inline', () => {
    expect(handler(meta(oracledb.DB_TYPE_DATE))).toEqual({ type: oracledb.STRING });
    expect(handler(meta(oracledb.DB_TYPE_TIMESTAMP))).toEqual({ type: oracledb.STRING });
    const tz = handler(meta(oracledb.DB_TYPE_TIMESTAMP_TZ))!;
    expect(tz.converter!('2024-01-02T03:04:05.123456+00:00')).toBe('2024-01-02T03:04:05.123456Z');
    expect(tz.converter!('2024-01-02T03:04:05.123456+05:30')).toBe('2024-01-02T03:04:05.123456+05:30');
    expect(handler(meta(oracledb.DB_TYPE_TIMESTAMP_LTZ))!.converter!('2024-01-02T03:04:05.000001')).toBe('2024-01-02T03:04:05.000001Z');
    expect(handler(meta(oracledb.DB_TYPE_CLOB))).toEqual({ type: oracledb.STRING });
    const blob = handler(meta(oracledb.DB_TYPE_BLOB))!;
    expect(blob.type).toBe(oracledb.BUFFER);
    expect(blob.converter!(Buffer.from([1, 2]))).toEqual(new Uint8Array([1, 2]));
    expect(handler(meta(oracledb.DB_TYPE_BINARY_DOUBLE))).toBeUndefined();
    expect(columnFromMetadata(meta(oracledb.DB_TYPE_TIMESTAMP_TZ))).toMatchObject({ type: 'timestamp', with_zone: true });
    expect(columnFromMetadata(meta(oracledb.DB_TYPE_DATE))).toMatchObject({ type: 'timestamp', with_zone: false });
    expect(columnFromMetadata(meta(oracledb.DB_TYPE_RAW)).type).toBe('binary');
    expect(columnFromMetadata(meta(oracledb.DB_TYPE_VARCHAR)).type).toBe('string');
  });

  it('turns rows into executeMany binds with sized bindDefs', () => {
    const cols = [
      { name: 'i', type: 'integer' as const }, { name: 'n', type: 'number' as const }, { name: 'b', type: 'boolean' as const },
      { name: 't', type: 'timestamp' as const }, { name: 'j', type: 'json' as const }, { name: 'x', type: 'binary' as const }, { name: 's', type: 'string' as const },
    ];
    const rows = bindRows(cols, [
      { i: 12345678901234567890n, n: 1.5, b: true, t: '2024-01-01T01:00:00+01:00', j: { a: 1 }, x: new Uint8Array([1, 2, 3]), s: 'héllo' },
      { i: null, n: null, b: false, t: null, j: null, x: null, s: null },
    ], 0, 2);
    expect(rows[0]).toEqual(['12345678901234567890', 1.5, 1, '2024-01-01 00:00:00.000000', '{"a":1}', Buffer.from([1, 2, 3]), 'héllo']);
    expect(rows[1]).toEqual([null, null, 0, null, null, null, null]);
    expect(bindDefs(oracledb, cols, rows)).toEqual([
      { type: oracledb.STRING, maxSize: 20 }, { type: oracledb.NUMBER }, { type: oracledb.NUMBER },
      { type: oracledb.STRING, maxSize: 26 }, { type: oracledb.STRING, maxSize: 7 }, { type: oracledb.BUFFER, maxSize: 3 }, { type: oracledb.STRING, maxSize: 6 },
    ]);
    expect(bindDefs(oracledb, [cols[6]!], [['x'.repeat(40000)]])).toEqual([{ type: oracledb.DB_TYPE_CLOB }]);
    expect(bindValue({ name: 'd', type: 'date' }, '2024-02-29')).toBe('2024-02-29');
  });
});

describe('oracle errors', () => {
  it('classifies ORA- errors', () => {
    expect(classifyOracleError({ errorNum: 12170, message: 'ORA-12170: TNS:Connect timeout occurred' })).toBe('transient');
    expect(classifyOracleError({ message: 'ORA-12541: TNS:no listener' })).toBe('transient');
    expect(classifyOracleError({ errorNum: 3113, message: 'ORA-03113: end-of-file on communication channel' })).toBe('transient');
    expect(classifyOracleError({ errorNum: 942, message: 'ORA-00942: table or view does not exist' })).toBe('config');
    expect(classifyOracleError({ errorNum: 1400, message: 'ORA-01400: cannot insert NULL into ("ETL"."T"."ID")' })).toBe('data');
    expect(classifyOracleError({ code: 'NJS-510', message: 'NJS-510: connection to host 127.0.0.1 port 1521 timed out' })).toBe('transient');
    expect(classifyOracleError({ code: 'ECONNREFUSED' })).toBe('transient');
  });

  it('wraps errors with an E_ORA_ code, a hint and no password', () => {
    const e = oracleError({ errorNum: 1017, message: 'ORA-01017: invalid credential for hunter22\nHelp: …' }, 'connecting', 'hunter22') as ConnectorError;
    expect(e).toMatchObject({ code: 'E_ORA_01017', kind: 'config', hint: 'check the user and password of the connection' });
    expect(e.message).toBe('oracle: connecting failed: ORA-01017: invalid credential for ***');
    expect((oracleError({ errorNum: 942, message: 'ORA-00942: table or view does not exist' }, 'reading orders') as ConnectorError).hint).toMatch(/ORDERS/);
  });
});
