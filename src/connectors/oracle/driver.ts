import { ConnectorError } from '../../core/errors.js';
import type { OracleConnection } from './schema.js';

/** The parts of node-oracledb this connector uses (it is an optional dependency). */
export type OracleDb = typeof import('oracledb');

/** Imports oracledb (Thin mode: pure JavaScript, no Instant Client), with a clear error when missing. */
export async function loadOracleDb(importer: () => Promise<unknown> = () => import('oracledb')): Promise<OracleDb> {
  try {
    const mod = (await importer()) as { default?: OracleDb } & OracleDb;
    return mod.default ?? mod;
  } catch (err) {
    throw new ConnectorError('E_ORACLE_DRIVER', 'oracle: the oracledb driver is not installed (it is an optional dependency of etl-cli)', {
      kind: 'config',
      hint: 'install it next to etl-cli: npm install oracledb',
      cause: err,
    });
  }
}

export interface OracleConnectOptions {
  readonly user?: string;
  readonly password?: string;
  readonly connectString?: string;
  /** seconds: the whole connect (including the database's answer). */
  readonly connectTimeout: number;
  /** seconds: the TCP connect to the listener. */
  readonly transportConnectTimeout: number;
}

/**
 * getConnection() options. Both timeouts are always set: a listener that accepts the TCP
 * connection and never answers otherwise hangs for minutes with the driver's defaults.
 * The driver wants whole seconds.
 */
export function connectOptions(c: Omit<OracleConnection, 'url'>): OracleConnectOptions {
  const secs = Math.max(1, Math.ceil(c.connect_timeout_secs ?? 10));
  return {
    ...(c.user !== undefined ? { user: c.user } : {}),
    ...(c.password !== undefined ? { password: c.password } : {}),
    ...(c.connect_string !== undefined ? { connectString: c.connect_string } : {}),
    connectTimeout: secs,
    transportConnectTimeout: secs,
  };
}

/** connection.callTimeout (milliseconds), set on every connection so no round trip hangs forever. */
export function callTimeoutMs(c: Omit<OracleConnection, 'url'>): number {
  return Math.round((c.call_timeout_secs ?? 3600) * 1000);
}

/** Session settings that make fetched text exact and zone-stable (dates, timestamps, numbers). */
export const SESSION_SQL = "ALTER SESSION SET TIME_ZONE = 'UTC'"
  + " NLS_DATE_FORMAT = 'YYYY-MM-DD\"T\"HH24:MI:SS'"
  + " NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6'"
  + " NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6TZH:TZM'"
  + " NLS_NUMERIC_CHARACTERS = '.,'";
