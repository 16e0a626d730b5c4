import { ConnectorError, InterruptedError, isAbort, type FailureKind } from '../../core/errors.js';
import { redact } from '../postgres/errors.js';

interface DriverError {
  code?: string;
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  message?: string;
  fatal?: boolean;
}

/** lost connection, too many connections, shutdown, deadlock, lock wait timeout. */
const TRANSIENT_ERRNO = new Set([1040, 1053, 1205, 1213, 2002, 2003, 2006, 2013, 1927, 4031]);
const TRANSIENT_CODE = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT',
]);
/** access denied, unknown database/table/column, syntax error, no privilege. */
const CONFIG_ERRNO = new Set([1044, 1045, 1049, 1054, 1064, 1142, 1143, 1146, 1149, 1227, 1698]);
/** row data the server refused: too long, duplicate key, NULL, wrong value, out of range, FK, CHECK. */
const DATA_ERRNO = new Set([1048, 1062, 1264, 1265, 1292, 1366, 1367, 1406, 1411, 1451, 1452, 1690, 3140, 3819, 4025]);

/** transient = retry with backoff; data = the rows are wrong; config = fix the pipeline. */
export function classifyMysqlError(err: unknown): FailureKind {
  const e = err as DriverError;
  const errno = typeof e?.errno === 'number' ? e.errno : -1;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (TRANSIENT_ERRNO.has(errno) || TRANSIENT_CODE.has(code)) return 'transient';
  if (DATA_ERRNO.has(errno) || /^(22|23)/.test(e?.sqlState ?? '')) return 'data';
  if (CONFIG_ERRNO.has(errno) || code === 'ENOTFOUND') return 'config';
  return 'fatal';
}

/**
 * Wraps a mysql2/net error into a ConnectorError saying what failed, with the server's error
 * name and number; never the password.
 */
export function mysqlError(err: unknown, doing: string, password?: string, signal?: AbortSignal): Error {
  if (err instanceof ConnectorError || err instanceof InterruptedError) return err;
  // an abort closes the connection under the running statement: that error is the interrupt
  if (isAbort(err) || signal?.aborted) return new InterruptedError('interrupted', { cause: err });
  const e = err as DriverError;
  const raw = e?.sqlMessage || (typeof e?.message === 'string' && e.message !== '' ? e.message : String(err));
  const tag = typeof e?.errno === 'number' && e.code ? ` [${e.code} ${e.errno}]` : e?.code ? ` [${e.code}]` : '';
  const message = redact(`mysql: ${doing} failed: ${raw}${tag}`, password);
  const kind = classifyMysqlError(err);
  const hint = hintFor(e, kind);
  const code = e?.code && /^ER_[A-Z_]+$/.test(e.code) ? `E_MYSQL_${e.code.slice(3)}` : 'E_MYSQL';
  return new ConnectorError(code, message, { kind, ...(hint ? { hint } : {}), cause: err });
}

function hintFor(e: DriverError, kind: FailureKind): string | undefined {
  switch (e?.errno) {
    case 1045: case 1698: return 'check the user and password of the connection';
    case 1049: return 'check the database name of the connection';
    case 1146: return 'check the table name (qualified names: database.table)';
    case 1064: return 'check the SQL of `query`';
    default: break;
  }
  if (e?.code === 'ENOTFOUND') return 'check the host name of the connection';
  if (kind === 'transient') return 'is the server running and reachable? the run can be retried';
  return undefined;
}
