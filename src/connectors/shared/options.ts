import type { Static, TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { RunError } from '../../core/errors.js';

/**
 * Applies schema defaults to stage options and checks them. The engine already validated the
 * pipeline; this keeps runtimes safe when called directly (tests, the library API).
 */
export function readOptions<T extends TObject>(schema: T, options: Record<string, unknown>, what: string): Static<T> {
  const withDefaults = Value.Default(schema, Value.Clone(options)) as unknown;
  if (Value.Check(schema, withDefaults)) return withDefaults;
  const first = Value.Errors(schema, withDefaults).First();
  const where = first?.path ? ` at ${first.path}` : '';
  throw new RunError('E_OPTIONS', `invalid ${what} options${where}: ${first?.message ?? 'does not match the schema'}`, {
    hint: `see \`etl-cli connectors ${what.split(' ')[0]}\` for the options`,
  });
}
