import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { EventSink } from '../core/events.js';
import type { Issue, Location } from '../core/issues.js';
import type { RecordBatch, RecordSchema, Row, SourcePosition } from '../core/records/types.js';
import type { SecretRegistry } from '../core/secrets.js';
import type { RetryPolicy } from '../core/engine/retry-policy.js';
import type { StateStore } from '../core/state/store.js';
import type { DeadLetterStore } from '../core/engine/dead-letter-target.js';

/**
 * A connector is one declaration: name, option schemas, docs, examples, capabilities, lint rules
 * and a lazy load() that imports its driver. index.ts files must stay cheap to import: `--help`,
 * `validate`, `schema` and `connectors` never call load().
 */
export interface ConnectorDefinition<
  C extends TObject = TObject,
  S extends TObject = TObject,
  K extends TObject = TObject,
> {
  /** lower snake noun: 'csv', 'postgres'. Used as `type:` in the pipeline. */
  readonly name: string;
  /** one line for `connectors` and the wizard. */
  readonly summary: string;
  /** markdown body for `connectors <name>` and the README. */
  readonly docs: string;
  readonly status: 'stable' | 'beta' | 'experimental';
  /** options of a `connections:` entry of this type (databases, APIs). Absent for plain files. */
  readonly connection?: C;
  readonly source?: { readonly options: S; readonly capabilities: SourceCapabilities };
  readonly sink?: { readonly options: K; readonly capabilities: SinkCapabilities };
  /** complete pipeline YAML documents that use this connector; validated by the tests. */
  readonly examples: readonly ConnectorExample[];
  /** file extensions this connector reads/writes (`copy a.csv b.parquet`), lower case with dot. */
  readonly extensions?: readonly string[];
  /** URL schemes this connector accepts in `copy` ('postgres', 'postgresql', 'https'). */
  readonly url_schemes?: readonly string[];
  /** turns a URL given to `copy` into connection options (never logs the URL). */
  connectionFromUrl?(url: string): Static<C>;
  /** its runtime implements deadLetterStore: `errors.dead_letter: { connection, table }` may name it (checked by validate). */
  readonly dead_letter_table?: boolean;
  /** pure cross-field rules (no network, no files). */
  lint?(input: ConnectorLintInput, ctx: LintContext): readonly Issue[];
  /** imports the implementation and its driver. Called only when a run/check needs it. */
  load(): Promise<ConnectorRuntime>;
}

export interface ConnectorExample {
  readonly title: string;
  readonly yaml: string;
}

export interface SourceCapabilities {
  /** can read rows past a watermark (`incremental:`). */
  readonly incremental: boolean;
  /** knows column types before reading (databases, parquet); false → types are inferred. */
  readonly knows_schema: boolean;
  /** can split one read into key ranges (`partition:`). */
  readonly partitioned?: boolean;
  /** its `table` option can be templated per stream (`streams:` in the extract). */
  readonly streams?: boolean;
}

export type SinkMode = 'append' | 'overwrite' | 'upsert';

export interface SinkCapabilities {
  /** modes the sink supports; the composed schema allows exactly these for `mode`. */
  readonly modes: readonly SinkMode[];
  /** append/overwrite/upsert are atomic per run (or per checkpointed chunk). */
  readonly transactional: boolean;
  /** writes to a temporary target and renames/swaps it in at the end. */
  readonly atomic_replace: boolean;
  /**
   * one writer at a time per target database (sqlite: a sync driver waiting on the file lock
   * would block the process): `streams:` then run one after another whatever `parallelism`.
   */
  readonly single_writer?: boolean;
}

export interface ConnectorLintInput {
  readonly role: 'source' | 'sink' | 'connection';
  /** the stage (or connection) options after interpolation, as written (snake_case keys). */
  readonly options: Record<string, unknown>;
  /** the options of the referenced connection, when the stage names one. */
  readonly connection?: Record<string, unknown>;
  /** JSON pointer of the stage in the document ('/extract', '/load/1'). */
  readonly path: string;
}

export interface LintContext {
  /** file:line:col of a JSON pointer in the pipeline document (nearest existing node). */
  locate(path: string): Location | undefined;
  /** builds an error issue at a JSON pointer. */
  issue(path: string, code: string, message: string, hint?: string): Issue;
  /**
   * file:line:col of character `offset` of the string value at `path` (expression errors): accounts
   * for quotes, block scalars (`|`) and line folding. Falls back to locate(path).
   */
  locateOffset?(path: string, offset: number): Location | undefined;
}

export interface ConnectorRuntime {
  readonly source?: SourceRuntime;
  readonly sink?: SinkRuntime;
  /** opens the connection and reports problems (validate --connections). */
  checkConnection?(connection: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]>;
  /** watermarks kept in a table of this connection (`state: { connection, table }`). */
  stateStore?(connection: Record<string, unknown>, ctx: StateStoreContext): Promise<StateStore>;
  /** rejects kept in a table of this connection (`errors.dead_letter: { connection, table }`); set `dead_letter_table` too. */
  deadLetterStore?(connection: Record<string, unknown>, ctx: DeadLetterStoreContext): Promise<DeadLetterStore>;
}

/** the dead-letter table, possibly schema-qualified, created on first insert if missing. */
export type DeadLetterStoreContext = StateStoreContext;

export interface StateStoreContext {
  readonly signal: AbortSignal;
  /** the state table, possibly schema-qualified; created on first use if missing. */
  readonly table: string;
  readonly pipeline: PipelineInfo;
  readonly retry: RetryPolicy;
}

/** What every stage gets from the engine. */
export interface StageContext {
  readonly signal: AbortSignal;
  readonly events: EventSink;
  /** the stage's label in summaries and rejects: 'extract', 'transform[2] derive', 'load[0] csv'. */
  readonly stage: string;
  readonly pipeline: PipelineInfo;
  readonly secrets: SecretRegistry;
  readonly retry: RetryPolicy;
  /** sends a row to the dead-letter target with its reason; counts toward max_rejects. */
  reject(reject: RejectInput): void;
}

export interface PipelineInfo {
  readonly name: string;
  readonly run_id: string;
  /** absolute directory of the pipeline file; relative paths resolve against it. */
  readonly dir: string;
  /** ISO timestamp the run started; `{date}` templates use its date part. */
  readonly started_at: string;
  readonly vars: Readonly<Record<string, string>>;
}

export interface RejectInput {
  /** the original record: a parsed row, or the raw text when it could not be parsed. */
  readonly record: Row | string;
  readonly reason: string;
  readonly rule?: string;
  readonly column?: string;
  readonly position?: SourcePosition;
}

export interface SourceContext extends StageContext {
  /** options of the named connection, when the stage has `connection:`. */
  readonly connection?: Record<string, unknown>;
  readonly batch_size: number;
  /** stop after this many rows (`--limit`, debug samples). The engine also enforces it. */
  readonly limit?: number;
  /** incremental window: rows with column > after (and <= until when set). */
  readonly incremental?: IncrementalWindow;
}

export interface IncrementalWindow {
  readonly column: string;
  /** exclusive lower bound (the stored watermark minus lookback); absent on a first/full run. */
  readonly after?: string;
  /** inclusive upper bound (`--to`). */
  readonly until?: string;
}

export interface SourceDescription {
  /** one line: 'data/orders.csv (csv, header, delimiter ",")' or 'postgres warehouse: SELECT …'. */
  readonly summary: string;
  /** SQL or requests the source will issue, exactly. */
  readonly statements?: readonly string[];
}

export interface SourceRuntime {
  read(options: Record<string, unknown>, ctx: SourceContext): AsyncIterable<RecordBatch>;
  /** what read() will do, for dry-run. Pure or read-only. */
  describe?(options: Record<string, unknown>, ctx: SourceContext): Promise<SourceDescription>;
  /** validate --connections: the table/file/endpoint exists. */
  check?(options: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]>;
  /**
   * The catalog's tables (and views), each spelled as `table:` accepts it ('sales.orders'), for
   * `streams:` patterns. Sources with the `streams` capability implement it.
   */
  listTables?(options: Record<string, unknown>, ctx: SourceContext): Promise<string[]>;
}

export interface SinkContext extends StageContext {
  readonly connection?: Record<string, unknown>;
  /**
   * What happens to a row the target refuses (constraint violation, value too long), which the
   * sink passes to reject(): 'fail' (errors.max_rejects unset or 0; the default) makes that
   * reject fail the run, so a sink may stop at the first one; 'reject' lets the load go on.
   * Absent means 'fail'.
   */
  readonly refused_rows?: 'reject' | 'fail';
}

/** What a sink will do, computed before any write. dry-run prints it; run applies it. */
export interface SinkPlan {
  /** the resolved target: a path after templates, or 'schema.table'. */
  readonly target: string;
  readonly mode: SinkMode;
  /** human-readable steps in order ('write to out.csv.tmp-1234', 'rename to out.csv'). */
  readonly steps: readonly string[];
  /** exact SQL/DDL for database sinks, in execution order. */
  readonly statements?: readonly string[];
  /** canonical → target type map for the columns written. */
  readonly type_map?: Readonly<Record<string, string>>;
  /** sink-private data apply() needs (resolved paths, column lists). Never printed. */
  readonly internal?: unknown;
}

export interface WriteResult {
  readonly rows_written: number;
  readonly target: string;
}

export interface SinkRuntime {
  plan(options: Record<string, unknown>, schema: RecordSchema, ctx: SinkContext): Promise<SinkPlan>;
  /**
   * Writes every batch and commits. Resolves only after the data is durable and visible
   * (file renamed, transaction committed). On error or abort it must leave the target as it was.
   */
  apply(plan: SinkPlan, input: AsyncIterable<RecordBatch>, ctx: SinkContext): Promise<WriteResult>;
  check?(options: Record<string, unknown>, ctx: CheckContext): Promise<readonly Issue[]>;
}

export interface CheckContext {
  readonly signal: AbortSignal;
  readonly connection?: Record<string, unknown>;
  readonly pipeline: PipelineInfo;
  /** where the stage is in the pipeline, to attach to issues. */
  readonly path: string;
  issue(path: string, code: string, message: string, hint?: string): Issue;
}

/** Identity helper that keeps the literal types of a definition. */
export function defineConnector<C extends TObject, S extends TObject, K extends TObject>(
  definition: ConnectorDefinition<C, S, K>,
): ConnectorDefinition<C, S, K> {
  return definition;
}

export type { TSchema };
