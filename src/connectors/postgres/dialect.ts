import type { Column, ColumnType } from '../../core/records/types.js';
import { createDialect, type TypeMap } from '../sql/dialect.js';

/** Canonical → PostgreSQL DDL types used by `create_table` and `add_columns` (documented in the docs). */
export const PG_TYPE_TABLE: Readonly<Record<ColumnType, string>> = {
  string: 'text',
  integer: 'bigint',
  number: 'double precision',
  decimal: 'numeric(p,s) when precision is known, else numeric',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamptz when the column has a zone, else timestamp',
  json: 'jsonb',
  binary: 'bytea',
};

function toNative(column: Column): string {
  switch (column.type) {
    case 'string': return 'text';
    case 'integer': return 'bigint';
    case 'number': return 'double precision';
    case 'decimal':
      return column.precision !== undefined && column.precision > 0 && column.precision <= 1000
        ? `numeric(${column.precision},${column.scale ?? 0})`
        : 'numeric';
    case 'boolean': return 'boolean';
    case 'date': return 'date';
    case 'timestamp': return column.with_zone ? 'timestamptz' : 'timestamp';
    case 'json': return 'jsonb';
    case 'binary': return 'bytea';
  }
}

export const pgTypeMap: TypeMap = { toNative, table: PG_TYPE_TABLE };

export const postgresDialect = createDialect({
  name: 'postgres',
  placeholder: (index) => `$${index}`,
  types: pgTypeMap,
});
