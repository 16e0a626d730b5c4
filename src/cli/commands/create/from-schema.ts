import { parse as parseYamlScalar } from 'yaml';
import { UsageError } from '../../../core/errors.js';
import { enumValues, optionRows, type JsonSchema, type OptionRow } from '../../render/schema-options.js';

/** One question of the wizard: a document path and the schema it must satisfy. */
export interface Field {
  /** dotted path in the document, as used by `--set` ('extract.path'). */
  readonly path: string;
  readonly label: string;
  readonly row: OptionRow;
}

export type Ask = (field: Field) => Promise<unknown>;

/** Keys of the stage envelope, filled by the wizard itself rather than asked. */
const ENVELOPE = new Set(['type', 'connection', 'mode', 'incremental', 'batch_size', 'streams']);

/** The required, non-advanced options of an object schema, as fields under `prefix`. */
export function requiredFields(schema: JsonSchema | undefined, prefix: string, label: string): Field[] {
  return optionRows(schema)
    .filter((r) => r.required && !r.advanced && !ENVELOPE.has(r.key))
    .map((row) => ({ path: `${prefix}.${row.key}`, label: `${label} ${row.key}`, row }));
}

/** `--set a.b=c` pairs → map from path to raw text. */
export function parseSets(pairs: readonly string[]): Map<string, string> {
  const sets = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    sets.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
  }
  return sets;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The environment variable name suggested for a secret option ('SOURCE_PASSWORD'). */
export function secretEnvName(path: string): string {
  return path.split('.').slice(-2).join('_').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

/** A secret is written as ${env:NAME}, never as its value. */
export function secretValue(path: string, text: string): string {
  if (/^\$\{(env|file):[^}]+\}$/.test(text.trim())) return text.trim();
  if (ENV_NAME.test(text.trim())) return `\${env:${text.trim()}}`;
  throw new UsageError(`${path} is a secret: it is not written into the file`, {
    hint: `pass the name of an environment variable (--set ${path}=${secretEnvName(path)}) or \${file:/path}`,
  });
}

/** Turns flag/prompt text into the value the schema wants (numbers, booleans, lists). */
export function coerce(text: string, schema: JsonSchema | undefined, path: string): unknown {
  const type = Array.isArray(schema?.type) ? schema?.type[0] : schema?.type;
  if (schema && (schema.writeOnly || schema['x-secret'])) return secretValue(path, text);
  if (schema && enumValues(schema)) return text;
  if (type === 'integer' || type === 'number') {
    const n = Number(text);
    if (!Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n))) throw new UsageError(`${path} must be a ${type}, got "${text}"`);
    return n;
  }
  if (type === 'boolean') {
    if (!/^(true|false|yes|no)$/i.test(text)) throw new UsageError(`${path} must be true or false, got "${text}"`);
    return /^(true|yes)$/i.test(text);
  }
  if (type === 'array') return text.split(',').map((s) => s.trim()).filter(Boolean);
  if (type === 'string') return text;
  try {
    const parsed: unknown = parseYamlScalar(text);
    return parsed === null || typeof parsed === 'object' ? text : parsed;
  } catch {
    return text;
  }
}

/**
 * Answers every field: from `--set` when given, else by asking (interactive), else its
 * default; a required field with none of these is a usage error naming the flag.
 */
export async function answerFields(fields: readonly Field[], sets: Map<string, string>, ask: Ask | undefined): Promise<Map<string, unknown>> {
  const answers = new Map<string, unknown>();
  for (const field of fields) {
    const given = sets.get(field.path);
    if (given !== undefined) answers.set(field.path, coerce(given, field.row.schema, field.path));
    else if (ask) answers.set(field.path, await ask(field));
    else if (field.row.schema.default !== undefined) answers.set(field.path, field.row.schema.default);
    else {
      throw new UsageError(`missing required option ${field.path}`, {
        hint: `pass --set ${field.path}=<${field.row.type}>${field.row.description ? ` (${field.row.description})` : ''}`,
      });
    }
  }
  return answers;
}

/** Sets a dotted path in a plain object, creating objects (or arrays for numeric keys). */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = target;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = /^\d+$/.test(keys[i + 1] ?? '') ? [] : {};
    node = node[key] as Record<string, unknown>;
  });
}
