import { Type, type Static } from '@sinclair/typebox';
import { sqlSinkFields } from '../sql/options.js';

/** Options of a `connections:` entry with `type: postgres`. */
export const connectionSchema = Type.Object(
  {
    url: Type.Optional(Type.String({
      minLength: 1,
      writeOnly: true,
      'x-secret': true,
      description: 'postgres://user:password@host:port/database?sslmode=require. Fields given next to it override its parts.',
    })),
    host: Type.Optional(Type.String({ minLength: 1, description: 'Server host name, IP or Unix socket directory.' })),
    // no schema defaults for parts a url can carry: the plan fills defaults in, and they would override the url
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Server port (default 5432, or the url\'s).' })),
    user: Type.Optional(Type.String({ minLength: 1, description: 'Role to log in as.' })),
    password: Type.Optional(Type.String({ writeOnly: true, 'x-secret': true, description: 'Password; use ${env:...} or ${file:...}.' })),
    database: Type.Optional(Type.String({ minLength: 1, description: 'Database name.' })),
    ssl: Type.Optional(Type.Union([Type.Boolean(), Type.Literal('require'), Type.Literal('verify-full')], {
      description: "TLS (default false, or the url's sslmode): false | 'require' (encrypted, certificate not checked) | true or 'verify-full' (certificate and host name checked).",
    })),
    connect_timeout_secs: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3600, default: 10, description: 'Give up connecting after this many seconds.' })),
    statement_timeout_secs: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Server-side statement_timeout for every statement of the session.' })),
    application_name: Type.Optional(Type.String({ description: 'Shown in pg_stat_activity (default etl-cli).' })),
  },
  { additionalProperties: false },
);
export type PostgresConnection = Static<typeof connectionSchema>;

const bindValue = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

export const sourceSchema = Type.Object(
  {
    table: Type.Optional(Type.String({ minLength: 1, description: 'Table or view to read, optionally schema-qualified (analytics.orders).' })),
    query: Type.Optional(Type.String({ minLength: 1, description: 'SELECT to run instead of a table; values go in params as $1, $2…' })),
    params: Type.Optional(Type.Array(bindValue, { description: 'Bind parameters for $1, $2… in query (never spliced into the SQL).' })),
    columns: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Columns to select from table (default: all).' })),
    partition: Type.Optional(Type.Object(
      {
        column: Type.String({ minLength: 1, description: 'Integer, date or timestamp column to split on (ideally indexed).' }),
        count: Type.Integer({ minimum: 1, maximum: 64, description: 'Number of key ranges, read over as many connections at once.' }),
      },
      { additionalProperties: false, description: 'Read a table as `count` key ranges in parallel (min…max split evenly); rows come unordered.' },
    )),
  },
  { additionalProperties: false },
);
export type PostgresSourceOptions = Static<typeof sourceSchema>;

export const sinkSchema = Type.Object(
  {
    ...sqlSinkFields,
    table: Type.String({ minLength: 1, description: 'Target table, optionally schema-qualified (analytics.orders).' }),
  },
  { additionalProperties: false },
);
export type PostgresSinkOptions = Static<typeof sinkSchema>;
