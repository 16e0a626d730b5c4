import type { Column, ColumnType } from '../../core/records/types.js';
import { createDialect, type TypeMap } from '../sql/dialect.js';

/** `a`b` → `` `a``b` `` (MySQL/MariaDB backtick quoting; works whatever the sql_mode). */
export function quoteMysqlIdent(name: string): string {
  if (name.includes('\u0000')) throw new TypeError('identifier contains a NUL character');
  return `\`${name.replace(/`/g, '``')}\``;
}

/** Canonical → MySQL/MariaDB DDL types used by `create_table` and `add_columns`. */
export const MYSQL_TYPE_TABLE: Readonly<Record<ColumnType, string>> = {
  string: 'LONGTEXT (VARCHAR(255) for key columns: a TEXT column cannot be a key without a length)',
  integer: 'BIGINT',
  number: 'DOUBLE',
  decimal: 'DECIMAL(p,s) when precision is known (p ≤ 65, s ≤ 30), else DECIMAL(65,30)',
  boolean: 'BOOLEAN (TINYINT(1))',
  date: 'DATE',
  timestamp: 'DATETIME(6), values stored in UTC',
  json: 'JSON (MariaDB: LONGTEXT with a JSON check)',
  binary: 'LONGBLOB (VARBINARY(255) for key columns)',
};

/** `key` marks a column of the upsert key: it needs a type with a bounded length. */
export function mysqlNativeType(column: Column, key = false): string {
  switch (column.type) {
    case 'string': return key ? 'VARCHAR(255)' : 'LONGTEXT';
    case 'integer': return 'BIGINT';
    case 'number': return 'DOUBLE';
    case 'decimal': {
      const p = column.precision;
      if (p === undefined || p <= 0 || p > 65) return 'DECIMAL(65,30)';
      const s = Math.min(column.scale ?? 0, 30, p);
      return `DECIMAL(${p},${Math.max(0, s)})`;
    }
    case 'boolean': return 'BOOLEAN';
    case 'date': return 'DATE';
    case 'timestamp': return 'DATETIME(6)';
    case 'json': return 'JSON';
    case 'binary': return key ? 'VARBINARY(255)' : 'LONGBLOB';
  }
}

export const mysqlTypeMap: TypeMap = { toNative: (c) => mysqlNativeType(c), table: MYSQL_TYPE_TABLE };

export const mysqlDialect = createDialect({
  name: 'mysql',
  placeholder: () => '?',
  types: mysqlTypeMap,
  quoteIdent: quoteMysqlIdent,
});
