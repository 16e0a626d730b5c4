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
}

export interface TransformRuntime {
  create(options: Record<string, unknown>, ctx: TransformContext): BatchTransform;
}

export function defineTransform<O extends TObject>(definition: TransformDefinition<O>): TransformDefinition<O> {
  return definition;
}
