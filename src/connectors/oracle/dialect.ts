import type { Column, ColumnType } from '../../core/records/types.js';
import { createDialect, type TypeMap } from '../sql/dialect.js';

/**
 * Oracle folds unquoted names to upper case. The least surprising mapping for YAML written in
 * lower case: a simple lower-case name (`orders`, `order_items`) means the unquoted name, i.e.
 * ORDERS; any other name (mixed case, spaces, symbols) is quoted exactly as written.
 */
export function oracleName(name: string): string {
  return /^[a-z][a-z0-9_$#]*$/.test(name) ? name.toUpperCase() : name;
}

export function quoteOracleIdent(name: string): string {
  if (name.includes('\u0000')) throw new TypeError('identifier contains a NUL character');
  return `"${oracleName(name).replace(/"/g, '""')}"`;
}

export const ORACLE_TYPE_TABLE: Readonly<Record<ColumnType, string>> = {
  string: 'VARCHAR2(4000 CHAR) (VARCHAR2(1000 CHAR) for key columns)',
  integer: 'NUMBER(19)',
  number: 'BINARY_DOUBLE',
  decimal: 'NUMBER(p,s) when precision is known (p ≤ 38), else NUMBER',
  boolean: 'NUMBER(1)',
  date: 'DATE',
  timestamp: 'TIMESTAMP(6) WITH TIME ZONE when the column has a zone, else TIMESTAMP(6)',
  json: 'CLOB',
  binary: 'BLOB (RAW(2000) for key columns)',
};

export function oracleNativeType(column: Column, key = false): string {
  switch (column.type) {
    case 'string': return key ? 'VARCHAR2(1000 CHAR)' : 'VARCHAR2(4000 CHAR)';
    case 'integer': return 'NUMBER(19)';
    case 'number': return 'BINARY_DOUBLE';
    case 'decimal': {
      const p = column.precision;
      if (p === undefined || p <= 0 || p > 38) return 'NUMBER';
      return `NUMBER(${p},${Math.max(-84, Math.min(column.scale ?? 0, 127))})`;
    }
    case 'boolean': return 'NUMBER(1)';
    case 'date': return 'DATE';
    case 'timestamp': return column.with_zone ? 'TIMESTAMP(6) WITH TIME ZONE' : 'TIMESTAMP(6)';
    case 'json': return 'CLOB';
    case 'binary': return key ? 'RAW(2000)' : 'BLOB';
  }
}

export const oracleTypeMap: TypeMap = { toNative: (c) => oracleNativeType(c), table: ORACLE_TYPE_TABLE };

/** `:1, :2…` binds; a derived table takes its alias without AS in Oracle. */
export const oracleDialect = createDialect({
  name: 'oracle',
  placeholder: (index) => `:${index}`,
  types: oracleTypeMap,
  quoteIdent: quoteOracleIdent,
  subqueryAs: '',
});
