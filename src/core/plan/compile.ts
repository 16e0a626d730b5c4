import { resolve } from 'node:path';
import type { TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { ConnectorDefinition, SinkMode } from '../../connectors/define.js';
import type { Registry } from '../../registry.js';
import type { Location } from '../issues.js';
import { pointerJoin } from '../config/locate.js';
import { SOURCE_ENVELOPE_KEYS, TRANSFORM_ENVELOPE_KEYS } from '../schema/compose.js';
import type { SecretRegistry } from '../secrets.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../engine/retry-policy.js';
import type {
  ConnectionPlan, DeadLetterTablePlan, ErrorPolicy, IncrementalPlan, Plan, SinkStagePlan, SourceStagePlan, StatePlan, StreamsPlan, TransformStagePlan,
} from './types.js';

type Obj = Record<string, unknown>;

export const DEFAULT_BATCH_SIZE = 2000;
export const STATE_DIR_NAME = '.etl-cli';

export interface CompileInput {
  /** the interpolated, schema-valid and lint-clean document. */
  readonly doc: Obj;
  readonly registry: Registry;
  readonly file: string;
  readonly dir: string;
  readonly vars: Readonly<Record<string, string>>;
  readonly secrets: SecretRegistry;
  readonly locate: (pointer: string) => Location | undefined;
}

function obj(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

/** Options with the schema's defaults filled in; envelope keys the connector does not declare are dropped. */
export function withDefaults(schema: TObject | undefined, stage: Obj, envelope: readonly string[]): Obj {
  const own = new Set(Object.keys(schema?.properties ?? {}));
  const options: Obj = {};
  for (const [k, v] of Object.entries(stage)) {
    if (!envelope.includes(k) || own.has(k)) options[k] = structuredClone(v);
  }
  return schema ? (Value.Default(schema, options) as Obj) : options;
}

function located<T extends object>(value: T, location: Location | undefined): T {
  return location ? { ...value, location } : value;
}

function compileConnections(input: CompileInput): Record<string, ConnectionPlan> {
  const out: Record<string, ConnectionPlan> = {};
  for (const [name, raw] of Object.entries(obj(input.doc['connections']))) {
    const conn = obj(raw);
    const type = String(conn['type']);
    const def = input.registry.connector(type);
    const options = withDefaults(def?.connection, conn, ['type']);
    out[name] = located({ name, type, options }, input.locate(pointerJoin('/connections', name)));
  }
  return out;
}

function requireDef(registry: Registry, type: unknown): ConnectorDefinition {
  const def = registry.connector(String(type));
  if (!def) throw new Error(`compile: connector ${String(type)} is not registered (validation should have caught this)`);
  return def;
}

/** The extract, or a source nested in a transform step (`at` its pointer, `label` the step's). */
function compileSource(input: CompileInput, connections: Record<string, ConnectionPlan>, at = { path: '/extract', label: '' }): SourceStagePlan {
  const stage = obj(at.path === '/extract' ? input.doc['extract'] : valueAtPointer(input.doc, at.path));
  const def = requireDef(input.registry, stage['type']);
  const options = withDefaults(def.source?.options, stage, SOURCE_ENVELOPE_KEYS);
  const rawStreams = stage['streams'];
  const streams: StreamsPlan | undefined = Array.isArray(rawStreams) ? { list: rawStreams.map(String) }
    : typeof rawStreams === 'string' ? { pattern: rawStreams } : undefined;
  const inc = stage['incremental'] === undefined ? undefined : obj(stage['incremental']);
  const incremental: IncrementalPlan | undefined = inc && {
    column: String(inc['column']),
    ...(inc['initial'] !== undefined ? { initial: String(inc['initial']) } : {}),
    ...(inc['lookback'] !== undefined ? { lookback: inc['lookback'] as string | number } : {}),
  };
  const connection = typeof stage['connection'] === 'string' ? connections[stage['connection']] : undefined;
  return located({
    path: at.path,
    label: at.label || `extract ${def.name}`,
    options,
    definition: def,
    batch_size: typeof stage['batch_size'] === 'number' ? stage['batch_size']
      : typeof options['batch_size'] === 'number' ? options['batch_size'] : DEFAULT_BATCH_SIZE,
    ...(connection ? { connection } : {}),
    ...(incremental ? { incremental } : {}),
    ...(streams ? { streams } : {}),
  }, input.locate(at.path));
}

function valueAtPointer(doc: Obj, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('/').slice(1)) cur = Array.isArray(cur) ? cur[Number(part)] : obj(cur)[part];
  return cur;
}

function compileSinks(input: CompileInput, connections: Record<string, ConnectionPlan>): SinkStagePlan[] {
  const load = input.doc['load'];
  const list = Array.isArray(load) ? load.map((s, i) => [obj(s), `/load/${i}`, `load[${i}]`] as const) : [[obj(load), '/load', 'load'] as const];
  return list.map(([stage, path, label]) => {
    const def = requireDef(input.registry, stage['type']);
    const modes = def.sink?.capabilities.modes ?? ['append'];
    const options = withDefaults(def.sink?.options, stage, ['type', 'connection']);
    const declared = options['mode'];
    const mode = (typeof declared === 'string' && modes.includes(declared as SinkMode)
      ? declared : modes.includes('append') ? 'append' : modes[0]) as SinkMode;
    options['mode'] = mode;
    const connection = typeof stage['connection'] === 'string' ? connections[stage['connection']] : undefined;
    return located({
      path, label: `${label} ${def.name}`, options, definition: def, mode, ...(connection ? { connection } : {}),
    }, input.locate(path));
  });
}

function compileTransforms(input: CompileInput, connections: Record<string, ConnectionPlan>): TransformStagePlan[] {
  const steps = Array.isArray(input.doc['transform']) ? input.doc['transform'] : [];
  return steps.map((raw, i) => {
    const step = obj(raw);
    const def = input.registry.transform(String(step['type']));
    if (!def) throw new Error(`compile: transform ${String(step['type'])} is not registered`);
    const name = typeof step['name'] === 'string' ? ` ${step['name']}` : '';
    const label = `transform[${i}] ${def.name}${name}`;
    const keys = (def.source_options ?? []).filter((k) => step[k] !== undefined);
    const sources = Object.fromEntries(keys.map((k) => [k, compileSource(input, connections, { path: `/transform/${i}/${k}`, label })]));
    return located({
      path: `/transform/${i}`,
      label,
      options: withDefaults(def.options, step, TRANSFORM_ENVELOPE_KEYS),
      definition: def,
      ...(keys.length ? { sources } : {}),
    }, input.locate(`/transform/${i}`));
  });
}

/** "1%" → { fraction: 0.01 }, 10 → { count: 10 }. */
export function parseMaxRejects(value: unknown): ErrorPolicy['max_rejects'] {
  if (typeof value === 'number') return { count: value };
  if (typeof value === 'string' && value.endsWith('%')) return { fraction: Number.parseFloat(value) / 100 };
  return undefined;
}

function compileErrors(input: CompileInput, connections: Record<string, ConnectionPlan>): ErrorPolicy {
  const errors = obj(input.doc['errors']);
  const dl = errors['dead_letter'];
  const max = parseMaxRejects(errors['max_rejects']);
  const table = deadLetterTable(input, connections, dl);
  // templates such as {pipeline}/{date}/{run_id} stay in the path: the engine fills them per run
  return {
    ...(typeof dl === 'string' ? { dead_letter: resolve(input.dir, dl) } : {}),
    ...(table ? { dead_letter_table: table } : {}),
    ...(max ? { max_rejects: max } : {}),
  };
}

/** `dead_letter: { connection, table }` → the table and its connector (lint checked both exist). */
function deadLetterTable(input: CompileInput, connections: Record<string, ConnectionPlan>, dl: unknown): DeadLetterTablePlan | undefined {
  const o = obj(dl);
  const connection = typeof o['connection'] === 'string' ? connections[o['connection']] : undefined;
  const definition = connection ? input.registry.connector(connection.type) : undefined;
  if (!connection || !definition || typeof o['table'] !== 'string') return undefined;
  return { connection, definition, table: o['table'] };
}

function compileRetry(input: CompileInput): RetryPolicy {
  const retry = obj(input.doc['retry']);
  const pick = (k: keyof RetryPolicy): number => (typeof retry[k] === 'number' ? retry[k] : DEFAULT_RETRY_POLICY[k]);
  return { attempts: pick('attempts'), initial_secs: pick('initial_secs'), max_secs: pick('max_secs'), jitter: pick('jitter') };
}

export const DEFAULT_STATE_TABLE = 'etl_cli_state';

function compileState(input: CompileInput, connections: Record<string, ConnectionPlan>): StatePlan {
  const state = obj(input.doc['state']);
  const dir = typeof state['dir'] === 'string' ? state['dir'] : STATE_DIR_NAME;
  const name = typeof state['connection'] === 'string' ? state['connection'] : undefined;
  const connection = name === undefined ? undefined : connections[name];
  const definition = connection ? input.registry.connector(connection.type) : undefined;
  const table = typeof state['table'] === 'string' ? state['table'] : DEFAULT_STATE_TABLE;
  return {
    dir: resolve(input.dir, dir),
    ...(name === undefined ? {} : { connection: name, table }),
    ...(connection && definition ? { store: { connection, definition, table } } : {}),
  };
}

/** Deep-freezes plain data; definitions and the secret registry are shared objects, left alone. */
function freeze<T>(value: T, skip: ReadonlySet<unknown>): T {
  if (value === null || typeof value !== 'object' || skip.has(value) || Object.isFrozen(value)) return value;
  if (ArrayBuffer.isView(value)) return value;
  for (const key of Object.keys(value)) freeze((value as Obj)[key], skip);
  return Object.freeze(value);
}

/** Validated document → the immutable Plan every later stage works on. */
export function compilePlan(input: CompileInput): Plan {
  const connections = compileConnections(input);
  const extract = compileSource(input, connections);
  const transforms = compileTransforms(input, connections);
  const loads = compileSinks(input, connections);
  const plan: Plan = {
    name: String(input.doc['name']),
    file: input.file,
    dir: input.dir,
    vars: { ...input.vars },
    connections,
    extract,
    transforms,
    loads,
    errors: compileErrors(input, connections),
    retry: compileRetry(input),
    state: compileState(input, connections),
    secrets: input.secrets,
    ...(typeof input.doc['parallelism'] === 'number' ? { parallelism: input.doc['parallelism'] } : {}),
  };
  const skip = new Set<unknown>([input.secrets, ...input.registry.connectors, ...input.registry.transforms]);
  return freeze(plan, skip);
}
