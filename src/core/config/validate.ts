import type { ErrorObject } from 'ajv';
import type { Issue } from '../issues.js';
import type { Registry } from '../../registry.js';
import { pipelineValidator } from '../schema/validator.js';
import type { SourceMap } from './locate.js';
import { schemaIssues } from './schema-issues.js';
import { setAt, valueAt } from './where.js';

function coerce(text: string, type: string): unknown {
  if ((type === 'integer' && /^-?\d+$/.test(text)) || (type === 'number' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text))) {
    return Number(text);
  }
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return undefined;
}

/**
 * `batch_size: ${var:size}` is a string after interpolation: where the schema wants a number or
 * a boolean there, convert it. Only whole-reference plain scalars qualify; returns true if any changed.
 */
function coerceInterpolated(doc: unknown, errors: readonly ErrorObject[], coercible: ReadonlySet<string>): boolean {
  let changed = false;
  for (const e of errors) {
    if (e.keyword !== 'type' || !coercible.has(e.instancePath)) continue;
    const value = valueAt(doc, e.instancePath);
    const type = (e.params as { type?: unknown }).type;
    if (typeof value !== 'string' || typeof type !== 'string') continue;
    const next = coerce(value, type);
    if (next !== undefined) {
      setAt(doc, e.instancePath, next);
      changed = true;
    }
  }
  return changed;
}

/** Validates the interpolated document against the composed schema; every problem, located. */
export function validateDocument(doc: unknown, map: SourceMap, registry: Registry, coercible: ReadonlySet<string>): Issue[] {
  const validator = pipelineValidator(registry);
  let errors = validator.validate(doc);
  if (errors.length > 0 && coerceInterpolated(doc, errors, coercible)) errors = validator.validate(doc);
  return schemaIssues(errors, { doc, map, registry });
}
