import type { TObject } from '@sinclair/typebox';
import type { Issue } from '../core/issues.js';
import type { RecordBatch } from '../core/records/types.js';
import type { ConnectorExample, LintContext, StageContext } from '../connectors/define.js';

/**
 * A transform (a verb: filter, derive, validate…) is declared like a connector. At run time it is
 * a function from an async iterable of batches to another.
 */
export interface TransformDefinition<O extends TObject = TObject> {
  readonly name: string;
  readonly summary: string;
  readonly docs: string;
  readonly status: 'stable' | 'beta' | 'experimental';
  readonly options: O;
  /** holds state across batches (unique, dedupe, lookup): memory grows with distinct keys. */
  readonly stateful: boolean;
  readonly examples: readonly ConnectorExample[];
  /**
   * Option keys that hold a whole source, written exactly like `extract:` (lookup's `from`). The
   * schema puts the composed source union there, lint checks its connection, the plan resolves
   * it, and the engine hands the step a reader for it in `ctx.sources[key]`.
   */
  readonly source_options?: readonly string[];
  /** one line for dry-run/debug saying what the step does besides rows ("lookup loads …"). Pure. */
  describe?(options: Record<string, unknown>): string | undefined;
  /** pure checks: expression syntax (with line:col), column lists. */
  lint?(input: TransformLintInput, ctx: LintContext): readonly Issue[];
  load(): Promise<TransformRuntime>;
}

export interface TransformLintInput {
  readonly options: Record<string, unknown>;
  /** JSON pointer of the step ('/transform/2'). */
  readonly path: string;
}

export type BatchTransform = (input: AsyncIterable<RecordBatch>) => AsyncIterable<RecordBatch>;

export interface TransformContext extends StageContext {
  readonly batch_size: number;
  /** the step's nested sources (its `source_options`), by option key; set by the engine. */
  readonly sources?: Readonly<Record<string, NestedSource>>;
}

/** A source nested in a transform step's options, read through its connector like `extract:`. */
export interface NestedSource {
  /** the connector name ('csv', 'postgres'). */
  readonly type: string;
  /** reads it whole (no --limit); its rejects go to the dead letter under the step's label. */
  read(): AsyncIterable<RecordBatch>;
}

export interface TransformRuntime {
  create(options: Record<string, unknown>, ctx: TransformContext): BatchTransform;
}

export function defineTransform<O extends TObject>(definition: TransformDefinition<O>): TransformDefinition<O> {
  return definition;
}
