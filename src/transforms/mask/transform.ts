import { createHash } from 'node:crypto';
import { toText } from '../../core/expr/index.js';
import type { Column, RecordSchema, Row, Value } from '../../core/records/types.js';
import type { BatchTransform, TransformContext } from '../define.js';
import { requireColumns } from '../shared/batch.js';
import { mapRows } from '../shared/map-rows.js';
import type { MaskOptions } from './index.js';

type Masker = (v: Value) => Value;

function masker(rule: MaskOptions['columns'][string], salt: string): Masker {
  const replacement = rule.replacement ?? '***';
  switch (rule.method) {
    case 'sha256':
      return (v) => createHash('sha256').update(salt).update(toText(v)).digest('hex');
    case 'redact':
      return () => replacement;
    case 'null':
      return () => null;
    case 'keep_last': {
      const n = rule.keep_last ?? 4;
      return (v) => {
        const chars = Array.from(toText(v));
        return chars.length <= n ? replacement : replacement + (n === 0 ? '' : chars.slice(-n).join(''));
      };
    }
  }
}

export function createMask(options: MaskOptions, ctx: TransformContext): BatchTransform {
  const salt = options.salt ?? '';
  ctx.secrets.add(salt); // also a secret when written inline
  const rules = Object.entries(options.columns).map(([column, rule]) => [column, masker(rule, salt), rule.method] as const);
  return mapRows(ctx, (schema: RecordSchema) => {
    requireColumns(schema, rules.map(([c]) => c), ctx, 'columns');
    const methods = new Map(rules.map(([c, , m]) => [c, m]));
    const columns: Column[] = schema.columns.map((c) => {
      const m = methods.get(c.name);
      return m === undefined || m === 'null' ? c : { name: c.name, type: 'string', ...(c.nullable !== undefined ? { nullable: c.nullable } : {}) };
    });
    const row = (input: Row): Row => {
      const out: Row = { ...input };
      for (const [column, mask] of rules) {
        const v = Object.hasOwn(input, column) ? (input[column] ?? null) : null;
        out[column] = v === null ? null : mask(v);
      }
      return out;
    };
    return { schema: { columns }, row };
  });
}
