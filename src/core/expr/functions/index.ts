import type { Value } from '../../records/types.js';
import type { FunctionDef, StaticType } from '../types.js';
import { asBoolean, describe, toText } from '../values.js';
import { ExpressionRuntimeError } from '../errors.js';
import { nullFunctions, numericFunctions } from './numeric.js';
import { temporalFunctions } from './temporal.js';
import { textFunctions } from './text.js';

function toBooleanValue(a: Value[]): Value {
  const b = asBoolean(a[0]!);
  if (b === undefined) throw new ExpressionRuntimeError(`to_boolean: ${describe(a[0]!)} is not a boolean`);
  return b;
}

const typeFunctions: FunctionDef[] = [
  { name: 'to_string', signature: 'to_string(x)', doc: 'text form (numbers as written, booleans true/false, json as JSON)', min: 1, max: 1, returns: (): StaticType => 'string', impl: (a) => toText(a[0]!) },
  { name: 'to_boolean', signature: 'to_boolean(x)', doc: 'true/false from true/false/t/f/yes/no/1/0', min: 1, max: 1, returns: (): StaticType => 'boolean', impl: toBooleanValue },
];

/** Every function, by lower-case name. A Map: names can never reach Object.prototype. */
export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map(
  [...textFunctions, ...nullFunctions, ...numericFunctions, ...temporalFunctions, ...typeFunctions].map((f) => [f.name, f]),
);
