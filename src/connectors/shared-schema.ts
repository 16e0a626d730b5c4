import { Type, type TSchema } from '@sinclair/typebox';
import { COLUMN_TYPES } from '../core/records/types.js';
import type { SinkMode } from './define.js';

/**
 * Option fragments shared by connectors, so the same word means the same thing everywhere
 * (`path`, `mode`, `key`, `batch_size`, `columns`).
 */
export function modeOption(modes: readonly SinkMode[], defaultMode: SinkMode) {
  return Type.Optional(
    Type.Union(modes.map((m) => Type.Literal(m)), {
      default: defaultMode,
      description: `How to write to the target: ${modes.join(' | ')}.`,
    }),
  );
}

export const keyOption = Type.Optional(
  Type.Array(Type.String({ minLength: 1 }), {
    minItems: 1,
    description: 'Columns that identify a row (required for mode: upsert).',
  }),
);

export const batchSizeOption = Type.Optional(
  Type.Integer({ minimum: 1, maximum: 1_000_000, default: 2000, description: 'Rows per batch between stages.' }),
);

export const columnTypeSchema = Type.Union(COLUMN_TYPES.map((t) => Type.Literal(t)));

/** `columns: { id: integer, amount: decimal }` overrides inferred types. */
export const columnsOption = Type.Optional(
  Type.Record(Type.String(), columnTypeSchema, {
    description: 'Column types that override inference: { column: string|integer|number|decimal|boolean|date|timestamp|json|binary }.',
  }),
);

export const pathOption = (description: string): TSchema =>
  Type.String({ minLength: 1, description });
