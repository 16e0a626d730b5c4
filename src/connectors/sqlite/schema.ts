import { Type, type Static } from '@sinclair/typebox';
import { sqlSinkFields } from '../sql/options.js';

/** Option schemas of the sqlite connector. Cheap to import: no driver, no node: modules. */

const pathField = Type.String({
  minLength: 1,
  description: 'Database file, relative to the pipeline file (created by a sink if missing); `:memory:` for a throwaway database.',
});

export const connectionSchema = Type.Object(
  {
    path: pathField,
    busy_timeout_ms: Type.Optional(
      Type.Integer({ minimum: 0, default: 5000, description: 'How long to wait for another process holding a lock.' }),
    ),
    read_only: Type.Optional(Type.Boolean({ default: false, description: 'Open the file read-only (sources only).' })),
  },
  { additionalProperties: false },
);
export type SqliteConnection = Static<typeof connectionSchema>;

const target = {
  connection: Type.Optional(Type.String({ minLength: 1, description: 'Name of a `connections:` entry of type sqlite.' })),
  path: Type.Optional(pathField),
};

export const sourceSchema = Type.Object(
  {
    ...target,
    table: Type.Optional(Type.String({ minLength: 1, description: 'Table to read (taken literally: a dot is part of the name).' })),
    query: Type.Optional(Type.String({ minLength: 1, description: 'SELECT to run instead of a table.' })),
    params: Type.Optional(
      Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]), {
        description: 'Bind parameters for `?` placeholders in `query`.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SqliteSourceOptions = Static<typeof sourceSchema>;

export const sinkSchema = Type.Object(
  {
    ...sqlSinkFields,
    ...target,
    table: Type.String({ minLength: 1, description: 'Target table (taken literally: a dot is part of the name).' }),
    create_table: Type.Optional(
      Type.Boolean({ default: true, description: 'Create the table when it does not exist (key becomes the PRIMARY KEY).' }),
    ),
  },
  { additionalProperties: false },
);
export type SqliteSinkOptions = Static<typeof sinkSchema>;
