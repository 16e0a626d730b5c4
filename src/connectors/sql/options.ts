import { Type } from '@sinclair/typebox';
import { keyOption, modeOption } from '../shared-schema.js';

/**
 * Option fragments shared by the SQL connectors' stage schemas (mysql, oracle), so `table`,
 * `mode`, `key`, `create_table`, `on_schema_change` and `commit_every` read the same everywhere.
 */
export const SQL_SINK_MODES = ['append', 'overwrite', 'upsert'] as const;

export const bindValueSchema = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

export function sqlSourceFields(placeholders: string) {
  return {
    table: Type.Optional(Type.String({ minLength: 1, description: 'Table or view to read, optionally qualified (sales.orders).' })),
    query: Type.Optional(Type.String({ minLength: 1, description: `SELECT to run instead of a table; values go in params as ${placeholders}.` })),
    params: Type.Optional(Type.Array(bindValueSchema, { description: `Bind parameters for ${placeholders} in query (never spliced into the SQL).` })),
    columns: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Columns to select from table (default: all).' })),
  };
}

export const sqlSinkFields = {
  table: Type.String({ minLength: 1, description: 'Target table, optionally qualified (sales.orders).' }),
  mode: modeOption(SQL_SINK_MODES, 'append'),
  key: keyOption,
  create_table: Type.Optional(Type.Boolean({ default: true, description: 'Create the table from the input schema when it does not exist.' })),
  on_schema_change: Type.Optional(Type.Union([Type.Literal('fail'), Type.Literal('add_columns'), Type.Literal('ignore')], {
    default: 'fail',
    description: 'When the input has columns the existing table lacks: fail | add_columns | ignore (drop them).',
  })),
  commit_every: Type.Optional(Type.Integer({ minimum: 1, description: 'Commit every N rows (each chunk its own transaction). Default: one transaction per run.' })),
};

/** No schema `default` (10 is applied in code): a filled-in default would override a url's connect_timeout. */
export const connectTimeoutOption = Type.Optional(Type.Number({
  exclusiveMinimum: 0, maximum: 3600, description: 'Give up connecting after this many seconds (default 10).',
}));

export const passwordOption = Type.Optional(Type.String({ writeOnly: true, 'x-secret': true, description: 'Password; use ${env:...} or ${file:...}.' }));
