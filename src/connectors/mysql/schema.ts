import { Type, type Static } from '@sinclair/typebox';
import { connectTimeoutOption, passwordOption, sqlSinkFields, sqlSourceFields } from '../sql/options.js';

/**
 * Options of a `connections:` entry with `type: mysql` (MySQL 5.7+/8, MariaDB 10.3+). No schema
 * `default`s on fields a url can carry: filled-in defaults would override the url's parts.
 */
export const connectionSchema = Type.Object(
  {
    url: Type.Optional(Type.String({
      minLength: 1,
      writeOnly: true,
      'x-secret': true,
      description: 'mysql://user:password@host:3306/database (mariadb:// too). Fields given next to it override its parts.',
    })),
    host: Type.Optional(Type.String({ minLength: 1, description: 'Server host name or IP (default localhost).' })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'Server port (default 3306).' })),
    socket: Type.Optional(Type.String({ minLength: 1, description: 'Unix socket path instead of host/port.' })),
    user: Type.Optional(Type.String({ minLength: 1, description: 'User to log in as.' })),
    password: passwordOption,
    database: Type.Optional(Type.String({ minLength: 1, description: 'Default database (schema).' })),
    ssl: Type.Optional(Type.Union([Type.Boolean(), Type.Literal('require'), Type.Literal('verify-full')], {
      default: false,
      description: "TLS: false | 'require' (encrypted, certificate not checked) | true or 'verify-full' (certificate checked).",
    })),
    connect_timeout_secs: connectTimeoutOption,
  },
  { additionalProperties: false },
);
export type MysqlConnection = Static<typeof connectionSchema>;

export const sourceSchema = Type.Object(sqlSourceFields('?, ?…'), { additionalProperties: false });
export type MysqlSourceOptions = Static<typeof sourceSchema>;

export const sinkSchema = Type.Object(sqlSinkFields, { additionalProperties: false });
export type MysqlSinkOptions = Static<typeof sinkSchema>;
