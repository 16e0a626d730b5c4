/**
 * Where rejected rows go: an NDJSON file (dead-letter.ts) or a table of a database connection
 * (dead-letter-table.ts). The reject collector only sees DeadLetterTarget.
 */
export interface DeadLetterTarget {
  /** for summaries and hints: the file path, or 'table etl_rejects (connection warehouse)'. */
  readonly description: string;
  /** rejects written so far by this run (attempt). */
  readonly count: number;
  /**
   * One reject as its redacted JSON line (`{"run_id":…,"stage":…,"reason":…,"record":…}`).
   * Synchronous and cheap: a target buffers and writes in the background.
   */
  write(line: string): void;
  /**
   * Backpressure for the engine: a promise to await before the next batch when too many
   * rejects wait to be written, else undefined (the file target never makes the run wait).
   */
  backlog?(): Promise<void> | undefined;
  /** writes what is buffered and makes the rejects visible; resolves with `description` when any were written. */
  finish(): Promise<string | undefined>;
  /** forgets this attempt's rejects (before a whole-run retry: the next attempt rejects them again). */
  discard(): Promise<void>;
}

/** One row of a dead-letter table (all text already redacted). */
export interface DeadLetterRow {
  readonly run_id: string;
  readonly pipeline: string;
  /** the reject's number in its run (per stream of `streams:`): the replay order. */
  readonly seq: number;
  /** ISO-8601 UTC timestamp with milliseconds. */
  readonly rejected_at: string;
  readonly stage: string;
  readonly reason: string;
  readonly rule: string | null;
  readonly column_name: string | null;
  readonly position: string | null;
  /** the original record as JSON text: an object, or a string for a line that did not parse. */
  readonly record: string;
}

/** Where `read` continues from: rows are ordered by (stage, seq). */
export interface DeadLetterCursor {
  readonly stage: string;
  readonly seq: number;
}

/**
 * A connector's dead-letter table (`errors.dead_letter: { connection, table }`), opened through
 * ConnectorRuntime.deadLetterStore. Every insert is its own short transaction in the store's own
 * connection (never the sink's), creating the table if missing.
 */
export interface DeadLetterStore {
  /** for messages: 'dead-letter table etl_rejects (postgres etl@db:5432/wh)'. */
  readonly description: string;
  /**
   * Inserts rows in one transaction. `final` is false for the flushes during the run: a store
   * whose database may be locked by the sink (sqlite) then fails fast with a transient error
   * instead of waiting, and the rows are tried again later.
   */
  insert(rows: readonly DeadLetterRow[], opts: { readonly final: boolean }): Promise<void>;
  /** up to `limit` rows of one run, ordered by (stage, seq), after `after`; [] when no table. */
  read(pipeline: string, run_id: string, after: DeadLetterCursor | undefined, limit: number): Promise<DeadLetterRow[]>;
  /** deletes one run's rows (a whole-run retry); 0 when there is no table. */
  delete(pipeline: string, run_id: string): Promise<number>;
  close(): Promise<void>;
}

/** The columns in insert order (every store creates them; names are quoted identifiers). */
export const DEAD_LETTER_COLUMNS = [
  'run_id', 'pipeline', 'seq', 'rejected_at', 'stage', 'reason', 'rule', 'column_name', 'position', 'record',
] as const satisfies readonly (keyof DeadLetterRow)[];

/** A row's values in DEAD_LETTER_COLUMNS order. */
export function rowValues(row: DeadLetterRow): (string | number | null)[] {
  return DEAD_LETTER_COLUMNS.map((c) => row[c]);
}
