import { ConnectorError } from '../../core/errors.js';
import type { IncrementalWindow } from '../define.js';
import { incrementalQuery, selectFromTable, type BoundQuery, type Dialect } from '../sql/dialect.js';
import { toUtcDateTime } from '../sql/timestamps.js';
import { oracleDialect } from './dialect.js';
import type { OracleSourceOptions } from './schema.js';

/** A statement and its binds: a list for positional `:1, :2…`, or a map for named `:name`. */
export interface OracleQuery {
  readonly sql: string;
  readonly binds: readonly unknown[] | Readonly<Record<string, unknown>>;
}

const TS_FORMAT = "'YYYY-MM-DD HH24:MI:SS.FF'";

/** ISO text → UTC 'YYYY-MM-DD HH:MM:SS.ffffff' (always with a fraction, as the format needs one). */
export function utcTimestampBind(text: string): string {
  const utc = toUtcDateTime(text);
  if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(utc)) {
    throw new ConnectorError('E_ORACLE_TIMESTAMP', `oracle: "${text}" is not an ISO timestamp`, { kind: 'config', hint: 'write it like 2024-01-02T03:04:05Z' });
  }
  return utc.includes('.') ? utc : `${utc}.000000`;
}

/** The flashback clause and its bind, e.g. `AS OF SCN :1` with ['123']. Values are always bound. */
export function flashbackClause(flashback: NonNullable<OracleSourceOptions['flashback']>, placeholder: string): { sql: string; value: string } {
  if ('scn' in flashback) return { sql: `AS OF SCN ${placeholder}`, value: String(flashback.scn) };
  return {
    sql: `AS OF TIMESTAMP FROM_TZ(TO_TIMESTAMP(${placeholder}, ${TS_FORMAT}), 'UTC')`,
    value: utcTimestampBind(flashback.timestamp),
  };
}

/** Watermarks are ISO text: timestamp bounds become UTC TIMESTAMP literals for the comparison. */
function oracleWindow(window: IncrementalWindow | undefined): IncrementalWindow | undefined {
  if (!window) return undefined;
  const fix = (v: string | undefined) => (v !== undefined && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v) ? utcTimestampBind(v) : v);
  const after = fix(window.after);
  const until = fix(window.until);
  return { column: window.column, ...(after !== undefined ? { after } : {}), ...(until !== undefined ? { until } : {}) };
}

/** The base SELECT (table with optional columns and flashback, or the user's query) with positional binds. */
export function baseQuery(options: OracleSourceOptions): BoundQuery & { named?: Readonly<Record<string, unknown>> } {
  if ((options.table === undefined) === (options.query === undefined)) {
    throw new ConnectorError('E_ORACLE_SOURCE_OPTIONS', 'oracle source needs exactly one of `table` or `query`', { kind: 'config' });
  }
  if (options.table === undefined) {
    if (options.flashback) {
      throw new ConnectorError('E_ORACLE_FLASHBACK_NEEDS_TABLE', 'oracle: `flashback` applies to `table` only', { kind: 'config', hint: 'write AS OF … in the FROM clause of `query` yourself' });
    }
    const p = options.params;
    return Array.isArray(p) || p === undefined ? { sql: options.query!, params: p ?? [] } : { sql: options.query!, params: [], named: p };
  }
  const select = selectFromTable(oracleDialect, options.table, options.columns);
  if (!options.flashback) return { sql: select, params: [] };
  const fb = flashbackClause(options.flashback, oracleDialect.placeholder(1));
  return { sql: `${select} ${fb.sql}`, params: [fb.value] };
}

/** Named binds for the window/partition bounds when the user's query uses named binds. */
const namedDialect: Dialect = { ...oracleDialect, placeholder: (i) => `:etl_${i}` };

export function dialectFor(named: boolean): Dialect {
  return named ? namedDialect : oracleDialect;
}

/** Positional params numbered after the base → binds (a map when the base uses named binds). */
export function toBinds(q: BoundQuery, named: Readonly<Record<string, unknown>> | undefined): OracleQuery {
  if (!named) return { sql: q.sql, binds: q.params };
  const extra = Object.fromEntries(q.params.map((v, i) => [`etl_${i + 1}`, v]));
  return { sql: q.sql, binds: { ...named, ...extra } };
}

/** The exact statement read() runs without `partition` (a partitioned read runs one per range). */
export function sourceQuery(options: OracleSourceOptions, window: IncrementalWindow | undefined): OracleQuery {
  const base = baseQuery(options);
  const q = incrementalQuery(dialectFor(base.named !== undefined), base, oracleWindow(window));
  return toBinds(q, base.named);
}
