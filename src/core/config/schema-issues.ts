import type { ErrorObject } from 'ajv';
import type { SinkMode } from '../../connectors/define.js';
import type { Issue } from '../issues.js';
import type { Registry } from '../../registry.js';
import { MAX_REJECTS_PATTERN, PIPELINE_NAME_PATTERN } from '../schema/compose.js';
import { suggestion, didYouMean } from './did-you-mean.js';
import { pointerJoin, pointerParts, type SourceMap } from './locate.js';
import { describeContainer, describeKey, stageLabel, stageOf, valueAt, type StageKind } from './where.js';

type Json = Record<string, unknown>;

export interface MapContext {
  readonly doc: unknown;
  readonly map: SourceMap;
  readonly registry: Registry;
}

const ALL_MODES: readonly SinkMode[] = ['append', 'overwrite', 'upsert'];

function issue(ctx: MapContext, e: { code: string; path: string; message: string; hint?: string; at: 'key' | 'value' }): Issue {
  const location = e.at === 'key' ? ctx.map.locateKey(e.path) : ctx.map.locateValue(e.path);
  return {
    severity: 'error', code: e.code, message: e.message, path: e.path,
    ...(location ? { location } : {}), ...(e.hint ? { hint: e.hint } : {}),
  };
}

/** Shows a value the user wrote, shortened; strings in backticks. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return `\`${text.length > 40 ? `${text.slice(0, 37)}...` : text}\``;
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'true/false';
  return `a ${typeof value}`;
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false',
  object: 'a mapping (key: value)', array: 'a list', null: 'empty',
};

/**
 * ajv errors → one human issue per real problem: `if` noise dropped, the branches of an anyOf
 * folded into one message, discriminator failures turned into "unknown connector …".
 */
export function schemaIssues(errors: readonly ErrorObject[], ctx: MapContext): Issue[] {
  const groups = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const inGroup = (e: ErrorObject): boolean => groups.some((g) => g !== e && e.schemaPath.startsWith(`${g.schemaPath}/`));
  const out: Issue[] = [];
  const seen = new Set<string>();
  const misspelt = misspeltRequiredKeys(errors);
  for (const e of errors) {
    if (e.keyword === 'if' || inGroup(e)) continue;
    // `feilds:` where `fields:` is required: the unknown-key message (did you mean…) says it all
    if (e.keyword === 'required' && misspelt.has(`${e.instancePath}\u0000${String((e.params as Json)['missingProperty'])}`)) continue;
    const mapped = mapError(e, ctx);
    const id = `${mapped.path}\u0000${mapped.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(mapped);
  }
  return out;
}

/** `path\0key` of required keys that an unknown key at the same place is a misspelling of. */
function misspeltRequiredKeys(errors: readonly ErrorObject[]): Set<string> {
  const out = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const unknown = String((e.params as Json)['additionalProperty']);
    const allowed = Object.keys(((e.parentSchema as Json | undefined)?.['properties'] as Json | undefined) ?? {});
    const guess = didYouMean(unknown, allowed);
    if (guess) out.add(`${e.instancePath}\u0000${guess}`);
  }
  return out;
}

function mapError(e: ErrorObject, ctx: MapContext): Issue {
  const path = e.instancePath;
  const p = e.params as Json;
  switch (e.keyword) {
    case 'required': return missingKey(ctx, path, String(p['missingProperty']));
    case 'additionalProperties': return unknownKey(ctx, path, String(p['additionalProperty']), e.parentSchema as Json);
    case 'discriminator': return badType(ctx, path, String(p['error']));
    case 'not': // a stage kind with no registered connector/transform at all
      return stageOf(ctx.doc, path)?.pointer === path ? badType(ctx, path, 'mapping') : simple(ctx, e);
    case 'enum': return badEnum(ctx, path, e.data, (p['allowedValues'] as unknown[]) ?? []);
    case 'const': return badEnum(ctx, path, e.data, [p['allowedValue']]);
    case 'anyOf':
    case 'oneOf': return badAlternative(ctx, path, e);
    case 'type': return issue(ctx, {
      code: 'E_TYPE', path, at: 'value',
      message: `${describeKey(ctx.doc, path)} must be ${typeWords(p['type'])} (got ${kindOf(e.data)})`,
    });
    default: return simple(ctx, e);
  }
}

function typeWords(type: unknown): string {
  const list = Array.isArray(type) ? type : String(type).split(',');
  return list.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
}

function missingKey(ctx: MapContext, path: string, key: string): Issue {
  return issue(ctx, {
    code: 'E_REQUIRED', path, at: 'key',
    message: `missing required key \`${key}\` in ${describeContainer(ctx.doc, path)}`,
    hint: `add \`${key}:\``,
  });
}

function unknownKey(ctx: MapContext, path: string, key: string, parent: Json | undefined): Issue {
  const allowed = Object.keys((parent?.['properties'] as Json | undefined) ?? {});
  const keyPath = pointerJoin(path, key);
  const stage = stageOf(ctx.doc, path);
  if (key === 'incremental' && stage?.kind === 'source' && stage.pointer === path) {
    return incrementalUnsupported(ctx, keyPath, stage.type);
  }
  const where = describeContainer(ctx.doc, path);
  return issue(ctx, {
    code: 'E_UNKNOWN_KEY', path: keyPath, at: 'key',
    message: `unknown key \`${key}\` in ${where}${suggestion(key, allowed)}`,
    ...(allowed.length ? { hint: `allowed keys: ${allowed.join(', ')}` } : {}),
  });
}

/** Shared with lint so the schema and the lint report it the same way (and dedupe). */
export function incrementalUnsupported(ctx: Pick<MapContext, 'map' | 'registry'>, keyPath: string, type: string | undefined): Issue {
  const able = ctx.registry.connectors.filter((c) => c.source?.capabilities.incremental).map((c) => c.name);
  const location = ctx.map.locateKey(keyPath);
  return {
    severity: 'error', code: 'E_INCREMENTAL_UNSUPPORTED', path: keyPath,
    message: `extract (${type ?? '?'}) does not support \`incremental\``,
    hint: `remove \`incremental:\`${able.length ? `; sources that support it: ${able.join(', ')}` : ''}`,
    ...(location ? { location } : {}),
  };
}

const ROLE_WORDS: Record<StageKind, string> = {
  source: 'extract from', sink: 'load into', connection: 'be a connection', transform: 'transform',
};

function namesFor(ctx: MapContext, kind: StageKind): string[] {
  if (kind === 'transform') return ctx.registry.transforms.map((t) => t.name);
  return ctx.registry.connectors
    .filter((c) => (kind === 'source' ? c.source : kind === 'sink' ? c.sink : c.connection))
    .map((c) => c.name);
}

function badType(ctx: MapContext, path: string, error: string): Issue {
  const stage = stageOf(ctx.doc, path);
  // a union below a stage's own level is a source nested in a transform step (lookup's `from:`)
  const nested = stage !== undefined && stage.pointer !== path;
  const kind: StageKind = nested ? 'source' : stage?.kind ?? 'source';
  const allowed = namesFor(ctx, kind);
  const noun = kind === 'transform' ? 'transform' : 'connector';
  const value = valueAt(ctx.doc, pointerJoin(path, 'type'));
  const label = stage && !nested ? stage.label : describeContainer(ctx.doc, path);
  const hint = `${noun}s available here: ${allowed.join(', ') || '(none)'}`;
  if (error !== 'mapping' || typeof value !== 'string') {
    return value === undefined
      ? issue(ctx, { code: 'E_REQUIRED', path, at: 'key', message: `missing \`type\` in ${label}`, hint })
      : issue(ctx, { code: 'E_TYPE', path: pointerJoin(path, 'type'), at: 'value', message: `\`type\` in ${label} must be a string`, hint });
  }
  const typePath = pointerJoin(path, 'type');
  const known = kind === 'transform' ? ctx.registry.transform(value) : ctx.registry.connector(value);
  if (known) {
    return issue(ctx, {
      code: 'E_UNSUPPORTED_ROLE', path: typePath, at: 'value',
      message: `connector \`${value}\` cannot ${ROLE_WORDS[kind]} (used in ${label})`, hint,
    });
  }
  return issue(ctx, {
    code: kind === 'transform' ? 'E_UNKNOWN_TRANSFORM' : 'E_UNKNOWN_CONNECTOR', path: typePath, at: 'value',
    message: `unknown ${noun} \`${value}\`${suggestion(value, allowed)}`, hint,
  });
}

function badEnum(ctx: MapContext, path: string, value: unknown, allowed: readonly unknown[]): Issue {
  const parts = pointerParts(path);
  const key = parts[parts.length - 1] ?? '';
  const stage = stageOf(ctx.doc, path);
  const isStageKey = stage !== undefined && parts.length === pointerParts(stage.pointer).length + 1;
  const names = allowed.map(String);
  const listed = `(allowed: ${names.join(', ')})`;
  if (allowed.length === 1 && !isStageKey) {
    return issue(ctx, { code: 'E_CONST', path, at: 'value', message: `${describeKey(ctx.doc, path)} must be ${show(allowed[0])} (got ${show(value)})` });
  }
  const subject = isStageKey ? `${key} for ${stage.type ?? stageLabel(stage)}` : describeKey(ctx.doc, path);
  const text = typeof value === 'string' ? value : String(value);
  let message = `${show(value)} is not a valid ${subject}${suggestion(text, names)} ${listed}`;
  if (key === 'mode' && stage?.kind === 'sink' && !didYouMean(text, names)) {
    const other = didYouMean(text, ALL_MODES.filter((m) => !names.includes(m)));
    if (other) message = `${show(value)} is not a valid ${subject}, did you mean \`${other}\`? ${stage.type ?? 'this sink'} does not support it ${listed}`;
  }
  return issue(ctx, { code: 'E_ENUM', path, at: 'value', message, hint: `use one of: ${names.join(', ')}` });
}

function describeBranch(schema: Json): string {
  if ('const' in schema) return show(schema['const']);
  const type = schema['type'];
  if (type === 'string' && schema['pattern'] === MAX_REJECTS_PATTERN) return 'a percentage like "1%"';
  const words = typeWords(type ?? 'value');
  if (typeof schema['minimum'] === 'number') return `${words} ≥ ${String(schema['minimum'])}`;
  if (typeof schema['minLength'] === 'number' && schema['minLength'] > 0) return `a non-empty ${String(type)}`;
  return words;
}

function badAlternative(ctx: MapContext, path: string, e: ErrorObject): Issue {
  const branches = (Array.isArray(e.schema) ? e.schema : []) as Json[];
  if (branches.length > 0 && branches.every((b) => 'const' in b)) {
    return badEnum(ctx, path, e.data, branches.map((b) => b['const']));
  }
  const described = [...new Set(branches.map(describeBranch))];
  const description = (e.parentSchema as Json | undefined)?.['description'];
  return issue(ctx, {
    code: 'E_TYPE', path, at: 'value',
    message: `${describeKey(ctx.doc, path)} must be ${described.join(' or ') || 'a valid value'} (got ${show(e.data)})`,
    ...(typeof description === 'string' ? { hint: description } : {}),
  });
}

function simple(ctx: MapContext, e: ErrorObject): Issue {
  const path = e.instancePath;
  const p = e.params as Json;
  const what = describeKey(ctx.doc, path);
  const limit = p['limit'];
  const texts: Record<string, [string, string]> = {
    minimum: ['E_RANGE', `${what} must be ≥ ${String(limit)}`],
    maximum: ['E_RANGE', `${what} must be ≤ ${String(limit)}`],
    exclusiveMinimum: ['E_RANGE', `${what} must be > ${String(limit)}`],
    exclusiveMaximum: ['E_RANGE', `${what} must be < ${String(limit)}`],
    minLength: ['E_LENGTH', limit === 1 ? `${what} must not be empty` : `${what} must be at least ${String(limit)} characters`],
    maxLength: ['E_LENGTH', `${what} must be at most ${String(limit)} characters`],
    minItems: ['E_ITEMS', `${what} needs at least ${String(limit)} item${limit === 1 ? '' : 's'}`],
    maxItems: ['E_ITEMS', `${what} takes at most ${String(limit)} item${limit === 1 ? '' : 's'}`],
    uniqueItems: ['E_ITEMS', `${what} has duplicate items`],
    format: ['E_FORMAT', `${what} must be a valid ${String(p['format'])}`],
    pattern: ['E_PATTERN', p['pattern'] === PIPELINE_NAME_PATTERN
      ? `${what} may contain only letters, digits, \`_\`, \`.\` and \`-\``
      : `${what} must match the pattern ${String(p['pattern'])}`],
  };
  const [code, message] = texts[e.keyword] ?? ['E_SCHEMA', `${what} ${e.message ?? 'is invalid'}`];
  return issue(ctx, { code, path, at: 'value', message });
}
