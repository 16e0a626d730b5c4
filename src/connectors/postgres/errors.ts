import { ConnectorError, InterruptedError, isAbort, type FailureKind } from '../../core/errors.js';
import { redactUrlPasswords } from '../../core/secrets.js';

/** SQLSTATEs worth retrying: admin shutdown, connection exceptions, serialization and deadlock. */
const TRANSIENT_SQLSTATE = /^(57P01|57P02|57P03|08...|40001|40P01|53300)$/;
const TRANSIENT_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

interface DriverError {
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
  where?: string;
  column?: string;
}

/** transient = worth a retry with backoff; data = the rows are wrong; fatal = anything else. */
export function classifyPgError(err: unknown): FailureKind {
  const e = err as DriverError;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_NODE.has(code)) return 'transient';
  const message = typeof e?.message === 'string' ? e.message : '';
  if (/timeout|Connection terminated/i.test(message) && code === '') return 'transient';
  if (/^(22|23)/.test(code)) return 'data';
  if (/^(42|3F|28)/.test(code)) return 'config';
  return 'fatal';
}

/** Removes a known password and any URL password from driver text. */
export function redact(text: string, password?: string): string {
  let out = text;
  if (password && password.length >= 3) out = out.split(password).join('***');
  return redactUrlPasswords(out);
}

/**
 * Wraps a pg/net error into a ConnectorError whose message says what failed and where, never the
 * password. `doing` is the action ('connecting to db.example:5432/warehouse', 'COPY into x').
 */
export function pgError(err: unknown, doing: string, password?: string): Error {
  if (err instanceof ConnectorError || err instanceof InterruptedError) return err;
  if (isAbort(err)) return new InterruptedError('interrupted', { cause: err });
  const e = err as DriverError;
  const raw = typeof e?.message === 'string' && e.message !== '' ? e.message : String(err);
  const details = [e?.detail ? `detail: ${e.detail}` : '', e?.where ? `where: ${e.where}` : ''].filter(Boolean).join('; ');
  const sqlstate = typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? ` [${e.code}]` : '';
  const message = redact(`postgres: ${doing} failed: ${raw}${sqlstate}${details ? ` (${details})` : ''}`, password);
  const kind = classifyPgError(err);
  const hint = e?.hint ? redact(e.hint, password) : hintFor(e?.code, kind);
  return new ConnectorError(sqlstate ? `E_PG_${e.code}` : 'E_PG', message, {
    kind,
    ...(hint ? { hint } : {}),
    ...(e?.column ? { where: { column: e.column } } : {}),
  });
}

function hintFor(code: string | undefined, kind: FailureKind): string | undefined {
  if (code === '28P01' || code === '28000') return 'check the user and password of the connection';
  if (code === '3D000') return 'check the database name of the connection';
  if (code === '42P01') return 'check the table name (schema-qualified names: schema.table)';
  if (code === 'ENOTFOUND') return 'check the host name of the connection';
  if (kind === 'transient') return 'is the server running and reachable? the run can be retried';
  return undefined;
}
