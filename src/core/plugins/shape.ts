import { Kind } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import type { ConnectorDefinition } from '../../connectors/define.js';
import type { TransformDefinition } from '../../transforms/define.js';

type Obj = Record<string, unknown>;

const NAME = /^[a-z][a-z0-9_]*$/;
const STATUSES = ['stable', 'beta', 'experimental'];
const MODES = ['append', 'overwrite', 'upsert'];

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Every `x-…` keyword and `format` a schema uses, so a strict ajv accepts annotations. */
function annotations(schema: unknown, keywords: Set<string>, formats: Set<string>): void {
  if (Array.isArray(schema)) return schema.forEach((s) => annotations(s, keywords, formats));
  if (!isObject(schema)) return;
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-')) keywords.add(key);
    if (key === 'format' && typeof value === 'string') formats.add(value);
    annotations(value, keywords, formats);
  }
}

/** The problem with an option schema, or undefined: an object schema that strict ajv compiles. */
function schemaProblem(schema: unknown, what: string): string | undefined {
  if (!isObject(schema)) return `${what} must be a JSON Schema object, got ${schema === null ? 'null' : typeof schema}`;
  if (schema['type'] !== 'object') return `${what} must be a schema of \`type: 'object'\` (the stage's options)`;
  const keywords = new Set<string>();
  const formats = new Set<string>();
  annotations(schema, keywords, formats);
  const ajv = new Ajv({ strict: true, allErrors: true, logger: false });
  for (const keyword of keywords) ajv.addKeyword({ keyword, schemaType: ['string', 'boolean', 'number', 'object', 'array'] });
  for (const format of formats) ajv.addFormat(format, true);
  try {
    ajv.compile(JSON.parse(JSON.stringify(schema)) as Obj);
    return undefined;
  } catch (err) {
    return `${what} is not a valid JSON Schema: ${(err as Error).message}`;
  }
}

/**
 * A plain JSON Schema tagged like a TypeBox one (objects and arrays), so the plan compiler's
 * `Value.Default` fills the plugin's defaults the same way it does for built-in options.
 */
export function asTypeBox<T>(schema: T): T {
  const copy = JSON.parse(JSON.stringify(schema)) as unknown;
  const tag = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(tag);
    if (!isObject(node)) return;
    if (node['type'] === 'object' && isObject(node['properties'])) Object.defineProperty(node, Kind, { value: 'Object', enumerable: false });
    else if (node['type'] === 'array' && isObject(node['items'])) Object.defineProperty(node, Kind, { value: 'Array', enumerable: false });
    for (const value of Object.values(node)) tag(value);
  };
  tag(copy);
  return copy as T;
}

function common(def: Obj, problems: string[]): void {
  if (typeof def['name'] !== 'string' || !NAME.test(def['name'])) problems.push('`name` must be a lower snake case string (used as `type:`)');
  if (typeof def['summary'] !== 'string' || !def['summary'].trim()) problems.push('`summary` must be a non-empty string');
  if (typeof def['docs'] !== 'string') problems.push('`docs` must be a string (markdown)');
  if (def['status'] !== undefined && !STATUSES.includes(def['status'] as string)) problems.push(`\`status\` must be one of ${STATUSES.join(', ')}`);
  if (def['examples'] !== undefined && !Array.isArray(def['examples'])) problems.push('`examples` must be an array');
  if (typeof def['load'] !== 'function') problems.push('`load` must be a function returning the runtime');
}

function role(def: Obj, key: 'source' | 'sink', problems: string[]): void {
  const part = def[key];
  if (part === undefined) return;
  if (!isObject(part)) return void problems.push(`\`${key}\` must be an object { options, capabilities }`);
  const p = schemaProblem(part['options'], `\`${key}.options\``);
  if (p) problems.push(p);
  const caps = part['capabilities'];
  if (!isObject(caps)) return void problems.push(`\`${key}.capabilities\` must be an object`);
  if (key === 'sink') {
    const modes = caps['modes'];
    if (!Array.isArray(modes) || !modes.length || modes.some((m) => !MODES.includes(m as string))) {
      problems.push(`\`sink.capabilities.modes\` must be a non-empty list of ${MODES.join(', ')}`);
    }
  }
}

/** The problems of a connector definition (empty when it is usable). */
export function connectorProblems(def: unknown): string[] {
  if (!isObject(def)) return ['a connector must be an object'];
  const problems: string[] = [];
  common(def, problems);
  if (def['source'] === undefined && def['sink'] === undefined) problems.push('a connector needs `source` and/or `sink`');
  role(def, 'source', problems);
  role(def, 'sink', problems);
  if (def['connection'] !== undefined) {
    const p = schemaProblem(def['connection'], '`connection`');
    if (p) problems.push(p);
  }
  return problems;
}

/** The problems of a transform definition (empty when it is usable). */
export function transformProblems(def: unknown): string[] {
  if (!isObject(def)) return ['a transform must be an object'];
  const problems: string[] = [];
  common(def, problems);
  const p = schemaProblem(def['options'], '`options`');
  if (p) problems.push(p);
  if (def['stateful'] !== undefined && typeof def['stateful'] !== 'boolean') problems.push('`stateful` must be a boolean');
  return problems;
}

/** A checked connector with defaults (status, examples) and TypeBox-tagged schemas. */
export function normalizeConnector(def: Obj): ConnectorDefinition {
  const part = (p: unknown) => (isObject(p) ? { ...p, options: asTypeBox(p['options']) } : undefined);
  const out: Obj = { status: 'experimental', examples: [], ...def };
  if (def['source'] !== undefined) out['source'] = part(def['source']);
  if (def['sink'] !== undefined) out['sink'] = part(def['sink']);
  if (def['connection'] !== undefined) out['connection'] = asTypeBox(def['connection']);
  out['load'] = (def['load'] as () => unknown).bind(def);
  return out as unknown as ConnectorDefinition;
}

export function normalizeTransform(def: Obj): TransformDefinition {
  const out: Obj = { status: 'experimental', examples: [], stateful: false, ...def, options: asTypeBox(def['options']) };
  out['load'] = (def['load'] as () => unknown).bind(def);
  return out as unknown as TransformDefinition;
}
