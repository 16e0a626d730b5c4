import type { ConnectorDefinition, SinkMode } from '../../connectors/define.js';
import type { TransformDefinition } from '../../transforms/define.js';
import type { Location } from '../issues.js';
import type { SecretRegistry } from '../secrets.js';
import type { RetryPolicy } from '../engine/retry-policy.js';

/**
 * The compiled, immutable pipeline. Everything past config/ works on this, never on raw YAML.
 * Options are the validated, interpolated stage options with defaults applied (snake_case keys).
 */
export interface Plan {
  readonly name: string;
  /** absolute path of the pipeline file ('<inline>' for `copy`). */
  readonly file: string;
  /** directory relative paths resolve against. */
  readonly dir: string;
  readonly vars: Readonly<Record<string, string>>;
  readonly connections: Readonly<Record<string, ConnectionPlan>>;
  readonly extract: SourceStagePlan;
  readonly transforms: readonly TransformStagePlan[];
  /** one or more sinks (fan-out). */
  readonly loads: readonly SinkStagePlan[];
  readonly errors: ErrorPolicy;
  readonly retry: RetryPolicy;
  readonly state: StatePlan;
  readonly secrets: SecretRegistry;
  /** how many streams of `extract.streams` run at once (default 1). */
  readonly parallelism?: number;
}

export interface ConnectionPlan {
  readonly name: string;
  readonly type: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly location?: Location;
}

interface StagePlanBase {
  /** JSON pointer of the stage in the pipeline document. */
  readonly path: string;
  /** label for summaries and rejects: 'extract csv', 'transform[1] derive', 'load csv'. */
  readonly label: string;
  readonly location?: Location;
  readonly options: Readonly<Record<string, unknown>>;
}

export interface SourceStagePlan extends StagePlanBase {
  readonly definition: ConnectorDefinition;
  readonly connection?: ConnectionPlan;
  readonly incremental?: IncrementalPlan;
  readonly batch_size: number;
  /** `streams:`: one sub-run per table, the source's `table` set to each name. */
  readonly streams?: StreamsPlan;
  /** set by the engine on a per-stream sub-plan: its stream (the key of its watermark). */
  readonly stream?: string;
}

/** A list of tables, or a glob (`sales.*`) expanded from the source's catalog at run time. */
export type StreamsPlan = { readonly list: readonly string[] } | { readonly pattern: string };

export interface IncrementalPlan {
  readonly column: string;
  /** the watermark used when no state exists yet. */
  readonly initial?: string;
  /** re-read this much before the watermark (ISO-8601 duration like 'PT1H' or a number). */
  readonly lookback?: string | number;
}

export interface TransformStagePlan extends StagePlanBase {
  readonly definition: TransformDefinition;
  /**
   * The step's nested sources (its definition's `source_options`, lookup's `from:`) by option
   * key, compiled like the extract (connection resolved, defaults applied); `label` is the step's.
   */
  readonly sources?: Readonly<Record<string, SourceStagePlan>>;
}

export interface SinkStagePlan extends StagePlanBase {
  readonly definition: ConnectorDefinition;
  readonly connection?: ConnectionPlan;
  readonly mode: SinkMode;
}

export interface ErrorPolicy {
  /** dead-letter NDJSON path (resolved against dir), absent = rejects are only counted. */
  readonly dead_letter?: string;
  /** `dead_letter: { connection, table }`: rejects go to a table of that connection instead. */
  readonly dead_letter_table?: DeadLetterTablePlan;
  /** absolute count, or a fraction of rows read when written as '1%'. undefined = no limit. */
  readonly max_rejects?: { readonly count: number } | { readonly fraction: number };
}

export interface DeadLetterTablePlan {
  readonly connection: ConnectionPlan;
  /** the connection's connector; its runtime's deadLetterStore opens the table. */
  readonly definition: ConnectorDefinition;
  /** possibly schema-qualified; created if missing. */
  readonly table: string;
}

export interface StatePlan {
  /** directory for watermarks, locks and run history (default: <dir>/.etl-cli). */
  readonly dir: string;
  /** optional table in a database connection for state on ephemeral machines. */
  readonly connection?: string;
  readonly table?: string;
  /** the resolved table store when `connection` is set (its connector opens it). */
  readonly store?: { readonly connection: ConnectionPlan; readonly definition: ConnectorDefinition; readonly table: string };
}
