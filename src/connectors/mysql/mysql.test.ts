import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../core/errors.js';
import { toUtcDateTime } from '../sql/timestamps.js';
import { driverOptions, serverInfo, supportsInsertAlias } from './connection.js';
import { mysqlDialect, mysqlNativeType, quoteMysqlIdent } from './dialect.js';
import { classifyMysqlError, mysqlError } from './errors.js';
import { mysql } from './index.js';
import * as sql from './sink-sql.js';
import { sourceQuery } from './source.js';
import { canonicalType, columnFromField, converterFor, T, type MysqlField } from './types.js';
import { parseMysqlUrl } from './url.js';
import { encoderFor, literal } from './values.js';

const field = (f: Partial<MysqlField>): MysqlField => ({ name: 'c', columnType: T.VAR_STRING, characterSet: 224, columnLength: 0, flags: 0, decimals: 0, ...f });

describe('mysql url and connection options', () => {
  it('parses mysql:// and mariadb:// urls without leaking them in errors', () => {
    expect(parseMysqlUrl('mysql://etl:p%40ss@db.example:3307/shop?ssl=require&connect_timeout=5')).toEqual({
      host: 'db.example', port: 3307, user: 'etl', password: 'p@ss', database: 'shop', ssl: 'require', connect_timeout_secs: 5,
    });
    expect(parseMysqlUrl('mariadb://u@h/db')).toEqual({ host: 'h', user: 'u', database: 'db' });
    expect(() => parseMysqlUrl('postgres://u:secret@h/db')).toThrow(/must start with mysql:\/\/ or mariadb:\/\//);
    expect(() => parseMysqlUrl('mysql://u:secret@h/db?ssl=maybe')).toThrow(/unknown ssl value/);
    expect(() => parseMysqlUrl('not a url secret')).not.toThrow(/secret/);
    expect(mysql.connectionFromUrl!('mysql://a:b@c/d')).toMatchObject({ user: 'a', database: 'd' });
  });

  it('always sets a connect timeout, UTC and exact-value options', () => {
    expect(driverOptions({ host: 'h' })).toMatchObject({ host: 'h', port: 3306, connectTimeout: 10_000, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: true, decimalNumbers: false, dateStrings: true });
    expect(driverOptions({ socket: '/s', connect_timeout_secs: 2.5, ssl: true })).toMatchObject({ socketPath: '/s', connectTimeout: 2500, ssl: { rejectUnauthorized: true } });
  });

  it('detects the upsert syntax of the server', () => {
    expect(supportsInsertAlias(serverInfo('10.11.6-MariaDB-0+deb12u1'))).toBe(false);
    expect(supportsInsertAlias(serverInfo('8.0.18'))).toBe(false);
    expect(supportsInsertAlias(serverInfo('8.0.19'))).toBe(true);
    expect(supportsInsertAlias(serverInfo('8.4.0'))).toBe(true);
    expect(supportsInsertAlias(serverInfo('5.7.44-log'))).toBe(false);
  });
});

describe('mysql SQL generation', () => {
  it('quotes identifiers with backticks, hostile names stay one identifier', () => {
    expect(quoteMysqlIdent('we`ird; DROP TABLE x')).toBe('`we``ird; DROP TABLE x`');
    expect(mysqlDialect.table('shop.orders').sql).toBe('`shop`.`orders`');
    expect(() => quoteMysqlIdent('a\u0000')).toThrow(/NUL/);
  });

  it('builds source queries with ? binds and a UTC incremental window', () => {
    expect(sourceQuery({ table: 'shop.orders', columns: ['id', 'total'] }, {})).toEqual({ sql: 'SELECT `id`, `total` FROM `shop`.`orders`', params: [] });
    expect(sourceQuery({ query: 'SELECT * FROM t WHERE a = ?;', params: [1] }, { incremental: { column: 'up', after: '2024-01-01T01:00:00.5+01:00', until: '2024-02-01' } })).toEqual({
      sql: 'SELECT * FROM (SELECT * FROM t WHERE a = ?) AS src WHERE src.`up` > ? AND src.`up` <= ? ORDER BY src.`up`',
      params: [1, '2024-01-01 00:00:00.5', '2024-02-01'],
    });
    expect(() => sourceQuery({}, {})).toThrow(ConnectorError);
  });

  it('builds the sink statements', () => {
    const cols = [{ name: 'id', type: 'integer' as const }, { name: 'name', type: 'string' as const }];
    expect(sql.createTableSql('`t`', cols, ['id'])).toBe('CREATE TABLE IF NOT EXISTS `t` (`id` BIGINT NOT NULL, `name` LONGTEXT, PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4');
    expect(sql.createTableSql('`t`', [{ name: 'k', type: 'string' }], ['k'])).toContain('`k` VARCHAR(255) NOT NULL');
    expect(sql.addColumnsSql('`t`', cols)).toBe('ALTER TABLE `t` ADD COLUMN `id` BIGINT, ADD COLUMN `name` LONGTEXT');
    expect(sql.deleteAllSql('`t`')).toBe('DELETE FROM `t`');
    expect(sql.insertPrefix('`t`', ['id', 'name'])).toBe('INSERT INTO `t` (`id`, `name`) VALUES ');
    expect(sql.upsertSuffix(['id', 'name'], ['id'], false)).toBe(' ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)');
    expect(sql.upsertSuffix(['id', 'name'], ['id'], true)).toBe(' AS _etl_new ON DUPLICATE KEY UPDATE `name` = _etl_new.`name`');
    expect(sql.upsertSuffix(['id'], ['id'], false)).toBe(' ON DUPLICATE KEY UPDATE `id` = `id`');
    expect(sql.insertShape('`t`', ['a', 'b'], '', 1000)).toBe('INSERT INTO `t` (`a`, `b`) VALUES (?, ?), … (up to 1000 rows per statement)');
  });

  it('maps canonical types to DDL', () => {
    expect(mysqlNativeType({ name: 'd', type: 'decimal', precision: 12, scale: 2 })).toBe('DECIMAL(12,2)');
    expect(mysqlNativeType({ name: 'd', type: 'decimal' })).toBe('DECIMAL(65,30)');
    expect(mysqlNativeType({ name: 'd', type: 'decimal', precision: 80, scale: 2 })).toBe('DECIMAL(65,30)');
    expect(mysqlNativeType({ name: 't', type: 'timestamp', with_zone: true })).toBe('DATETIME(6)');
    expect(mysqlNativeType({ name: 'b', type: 'binary' }, true)).toBe('VARBINARY(255)');
    expect(Object.keys(mysqlDialect.types.table).sort()).toEqual(['binary', 'boolean', 'date', 'decimal', 'integer', 'json', 'number', 'string', 'timestamp']);
  });
});

describe('mysql values', () => {
  it('maps result fields to canonical columns', () => {
    expect(canonicalType(field({ columnType: T.TINY, columnLength: 1 }))).toBe('boolean');
    expect(canonicalType(field({ columnType: T.TINY, columnLength: 4 }))).toBe('integer');
    expect(canonicalType(field({ columnType: T.BLOB, characterSet: 63 }))).toBe('binary');
    expect(canonicalType(field({ columnType: T.BLOB, characterSet: 224 }))).toBe('string');
    expect(canonicalType(field({ columnType: T.LONG_BLOB, extendedFormat: 'json' }))).toBe('json');
    expect(columnFromField(field({ columnType: T.NEWDECIMAL, columnLength: 14, decimals: 2, flags: 1 }))).toMatchObject({ type: 'decimal', precision: 12, scale: 2, nullable: false });
    expect(columnFromField(field({ columnType: T.TIMESTAMP }))).toMatchObject({ type: 'timestamp', with_zone: true });
  });

  it('converts driver values exactly', () => {
    expect(converterFor(field({ columnType: T.LONGLONG }))('9007199254740993')).toBe(9007199254740993n);
    expect(converterFor(field({ columnType: T.LONGLONG }))('42')).toBe(42);
    expect(converterFor(field({ columnType: T.TIMESTAMP }))('2024-01-02 03:04:05.123456')).toBe('2024-01-02T03:04:05.123456Z');
    expect(converterFor(field({ columnType: T.DATETIME }))('0000-00-00 00:00:00')).toBeNull();
    expect(converterFor(field({ columnType: T.TINY, columnLength: 1 }))(0)).toBe(false);
    const bytes = converterFor(field({ columnType: T.BLOB, characterSet: 63 }))(Buffer.from([1, 2]));
    expect(bytes).toEqual(new Uint8Array([1, 2]));
  });

  it('encodes canonical values as escaped literals', () => {
    expect(literal("it's \\ bad")).toBe("'it\\'s \\\\ bad'");
    expect(literal(12345678901234567890n)).toBe('12345678901234567890');
    expect(literal(new Uint8Array([0, 255]))).toBe("X'00ff'");
    expect(literal(true)).toBe('TRUE');
    expect(literal(null)).toBe('NULL');
    expect(encoderFor({ name: 'j', type: 'json' })('text')).toBe("'\\\"text\\\"'");
    expect(encoderFor({ name: 't', type: 'timestamp' })('2024-01-01T00:30:00.000001-01:00')).toBe("'2024-01-01 01:30:00.000001'");
    expect(toUtcDateTime('2024-03-01T00:00:00+05:30')).toBe('2024-02-29 18:30:00');
  });
});

describe('mysql errors', () => {
  it('classifies server and network errors', () => {
    expect(classifyMysqlError({ code: 'ER_LOCK_DEADLOCK', errno: 1213 })).toBe('transient');
    expect(classifyMysqlError({ code: 'ECONNREFUSED' })).toBe('transient');
    expect(classifyMysqlError({ code: 'PROTOCOL_CONNECTION_LOST' })).toBe('transient');
    expect(classifyMysqlError({ code: 'ER_DATA_TOO_LONG', errno: 1406, sqlState: '22001' })).toBe('data');
    expect(classifyMysqlError({ code: 'ER_DUP_ENTRY', errno: 1062, sqlState: '23000' })).toBe('data');
    expect(classifyMysqlError({ code: 'ER_NO_SUCH_TABLE', errno: 1146 })).toBe('config');
    expect(classifyMysqlError({ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 })).toBe('config');
  });

  it('wraps errors with a code, a hint and no password', () => {
    const e = mysqlError({ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045, sqlMessage: "Access denied for user 'u' (using password: s3cret!)" }, 'connecting', 's3cret!') as ConnectorError;
    expect(e).toBeInstanceOf(ConnectorError);
    expect(e.code).toBe('E_MYSQL_ACCESS_DENIED_ERROR');
    expect(e.kind).toBe('config');
    expect(e.hint).toMatch(/user and password/);
    expect(e.message).not.toContain('s3cret!');
  });
});
