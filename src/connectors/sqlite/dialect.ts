import { createDialect, quoteIdent, type Dialect } from '../sql/dialect.js';
import { sqliteTypes } from './types.js';

const base = createDialect({ name: 'sqlite', placeholder: () => '?', types: sqliteTypes });

/**
 * SQLite in the shared SQL-connector shape: `?` placeholders, ANSI identifier quoting and the
 * canonical → declared type map. Table names stay literal (no schema split), as in the sink.
 */
export const sqliteDialect: Dialect = {
  ...base,
  table: (text) => ({ name: { name: text }, sql: quoteIdent(text) }),
};
