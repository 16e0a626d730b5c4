import { ConnectorError, InterruptedError, isAbort, type FailureKind } from '../../core/errors.js';
import { redact } from '../postgres/errors.js';

interface DriverError {
  code?: string;
  errorNum?: number;
  message?: string;
}

/**
 * ORA-/DPI-/NJS- numbers worth a retry: connect timeout (12170), no listener (12541), listener
 * refused/unknown service (12514/12516/12519/12520/12528), end-of-file on channel (03113/03114/03135),
 * deadlock (00060), resource busy (00054), snapshot too old (01555), shutdown (01033/01034/01089).
 */
const TRANSIENT_ORA = new Set([60, 54, 1033, 1034, 1089, 1555, 3113, 3114, 3135, 12170, 12514, 12516, 12519, 12520, 12528, 12537, 12541, 12543, 12547, 12571, 25408]);
/** table/view missing (00942), invalid identifier (00904), syntax (00900-00936), login (01017), privileges (01031), no such user (01918), name in use (00955). */
const CONFIG_ORA = new Set([942, 904, 900, 901, 903, 905, 906, 907, 911, 917, 920, 921, 923, 933, 936, 955, 1017, 1031, 1918, 28000, 28001]);
/** NULL into NOT NULL (01400/01407), unique (00001), too large (12899/01438/01401), invalid number (01722), bad date (01830/01840/01843/01847/01861), FK (02291/02292), CHECK (02290). */
const DATA_ORA = new Set([1, 1400, 1407, 1401, 1438, 12899, 1722, 1830, 1839, 1840, 1841, 1843, 1847, 1858, 1861, 2290, 2291, 2292]);
const TRANSIENT_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** The ORA number of a driver error: errorNum, or parsed from "ORA-12170: …" in code/message. */
export function oraNumber(err: unknown): number | undefined {
  const e = err as DriverError;
  if (typeof e?.errorNum === 'number' && e.errorNum > 0) return e.errorNum;
  const m = /ORA-(\d{5})/.exec(`${e?.code ?? ''} ${e?.message ?? ''}`);
  return m ? Number(m[1]) : undefined;
}

export function classifyOracleError(err: unknown): FailureKind {
  const e = err as DriverError;
  const ora = oraNumber(err);
  if (ora !== undefined) {
    if (TRANSIENT_ORA.has(ora)) return 'transient';
    if (DATA_ORA.has(ora)) return 'data';
    if (CONFIG_ORA.has(ora)) return 'config';
    return 'fatal';
  }
  const code = typeof e?.code === 'string' ? e.code : '';
  if (TRANSIENT_NODE.has(code)) return 'transient';
  // NJS-500 connection closed, NJS-501/503 connect failure, NJS-510 connect timeout, NJS-123 call timeout (DPI-1067)
  if (/^(NJS-50[0-9]|NJS-510|NJS-123|DPI-1067|DPI-1080)$/.test(code)) return 'transient';
  if (code === 'ENOTFOUND') return 'config';
  return 'fatal';
}

/** Wraps a driver/net error into a ConnectorError with what failed, the ORA- text and a hint; never the password. */
export function oracleError(err: unknown, doing: string, password?: string, signal?: AbortSignal): Error {
  if (err instanceof ConnectorError || err instanceof InterruptedError) return err;
  // an abort closes the connection under the running statement: that error is the interrupt
  if (isAbort(err) || signal?.aborted) return new InterruptedError('interrupted', { cause: err });
  const e = err as DriverError;
  const raw = typeof e?.message === 'string' && e.message !== '' ? e.message.split('\n')[0]! : String(err);
  const message = redact(`oracle: ${doing} failed: ${raw}`, password);
  const kind = classifyOracleError(err);
  const ora = oraNumber(err);
  const code = ora !== undefined ? `E_ORA_${String(ora).padStart(5, '0')}` : e?.code && /^[A-Z]+-\d+$/.test(e.code) ? `E_ORACLE_${e.code.replace('-', '_')}` : 'E_ORACLE';
  const hint = hintFor(ora, kind);
  return new ConnectorError(code, message, { kind, ...(hint ? { hint } : {}), cause: err });
}

function hintFor(ora: number | undefined, kind: FailureKind): string | undefined {
  switch (ora) {
    case 1017: return 'check the user and password of the connection';
    case 942: return 'check the table name: lower-case names are upper-cased (orders → ORDERS), others are quoted exactly; the user needs SELECT on it';
    case 904: return 'check the column names (Oracle stores unquoted names in upper case)';
    case 12514: return 'check the service name in connect_string (host:port/service_name)';
    case 1400: return 'a NOT NULL column got no value';
    default: break;
  }
  if (kind === 'transient') return 'is the database and its listener running and reachable? the run can be retried';
  return undefined;
}
