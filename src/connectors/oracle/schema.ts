import { Type, type Static } from '@sinclair/typebox';
import { bindValueSchema, connectTimeoutOption, passwordOption, sqlSinkFields, sqlSourceFields } from '../sql/options.js';

/** Options of a `connections:` entry with `type: oracle` (node-oracledb Thin mode, no client libraries). */
export const connectionSchema = Type.Object(
  {
    url: Type.Optional(Type.String({
      minLength: 1,
      writeOnly: true,
      'x-secret': true,
      description: 'oracle://user:password@host:1521/service_name. Fields given next to it override its parts.',
    })),
    user: Type.Optional(Type.String({ minLength: 1, description: 'User (schema) to log in as.' })),
    password: passwordOption,
    connect_string: Type.Optional(Type.String({ minLength: 1, description: 'Easy Connect string host:port/service_name, or a full (DESCRIPTION=…) descriptor.' })),
    connect_timeout_secs: connectTimeoutOption,
    call_timeout_secs: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 3600, description: 'Give up on one database round trip (a query, a batch insert, a fetch) after this many seconds.' })),
  },
  { additionalProperties: false },
);
export type OracleConnection = Static<typeof connectionSchema>;

const flashbackSchema = Type.Union([
  Type.Object({ timestamp: Type.String({ minLength: 1, description: 'Read the table as it was at this ISO timestamp (AS OF TIMESTAMP).' }) }, { additionalProperties: false }),
  Type.Object({ scn: Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^[0-9]+$' })], { description: 'Read the table as of this system change number (AS OF SCN).' }) }, { additionalProperties: false }),
], { description: 'Flashback query of `table`: { timestamp: "2024-01-01T00:00:00Z" } or { scn: 123456 }.' });

const partitionSchema = Type.Object({
  column: Type.String({ minLength: 1, description: 'Numeric column to split the read on (ideally indexed).' }),
  count: Type.Integer({ minimum: 1, maximum: 1024, description: 'Number of key ranges.' }),
}, { additionalProperties: false, description: 'Read in `count` key ranges of `column` (MIN..MAX), one range query after another.' });

const { params: _params, ...sourceFields } = sqlSourceFields(':1, :2… or :name');

export const sourceSchema = Type.Object(
  {
    ...sourceFields,
    params: Type.Optional(Type.Union([Type.Array(bindValueSchema), Type.Record(Type.String(), bindValueSchema)], {
      description: 'Bind values: a list for :1, :2… (by position) or a map for :name (never spliced into the SQL).',
    })),
    flashback: Type.Optional(flashbackSchema),
    partition: Type.Optional(partitionSchema),
  },
  { additionalProperties: false },
);
export type OracleSourceOptions = Static<typeof sourceSchema>;

export const sinkSchema = Type.Object(sqlSinkFields, { additionalProperties: false });
export type OracleSinkOptions = Static<typeof sinkSchema>;
