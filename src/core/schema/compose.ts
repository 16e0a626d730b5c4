import type { TSchema } from '@sinclair/typebox';
import type { ConnectorDefinition, SinkMode } from '../../connectors/define.js';
import type { TransformDefinition } from '../../transforms/define.js';
import type { Registry } from '../../registry.js';

type Json = Record<string, unknown>;

/** Keys every extract/load stage may have besides its connector's own options. */
export const SOURCE_ENVELOPE_KEYS = ['type', 'connection', 'incremental', 'batch_size', 'streams'] as const;
export const SINK_ENVELOPE_KEYS = ['type', 'connection', 'mode'] as const;
export const TRANSFORM_ENVELOPE_KEYS = ['type', 'name'] as const;
export const PIPELINE_NAME_PATTERN = '^[A-Za-z0-9_.-]+$';
export const MAX_REJECTS_PATTERN = '^\\d+(\\.\\d+)?%$';

/** A TypeBox schema as plain JSON (drops TypeBox's symbol keys; safe to mutate). */
export function plain(schema: TSchema | undefined): Json {
  if (!schema) return { type: 'object', properties: {} };
  // an option schema may be reused (source and sink): its own $id would clash inside one document
  const { $id: _id, ...rest } = JSON.parse(JSON.stringify(schema)) as Json;
  return rest;
}

function props(schema: Json): Json {
  return (schema['properties'] as Json | undefined) ?? {};
}

function requiredOf(schema: Json): string[] {
  return Array.isArray(schema['required']) ? (schema['required'] as string[]) : [];
}

function typeTag(name: string): Json {
  return { type: 'string', const: name };
}

function branch(name: string, title: string, envelope: Json, options: Json, description?: string): Json {
  const properties: Json = { ...envelope, ...props(options), type: typeTag(name) };
  const required = ['type', ...requiredOf(options).filter((k) => k !== 'type')];
  return {
    type: 'object',
    title,
    ...(description ? { description } : {}),
    properties,
    required,
    additionalProperties: false,
  };
}

/** oneOf over branches discriminated by `type`; an empty registry gives a schema nothing matches. */
function discriminated(branches: Json[], description: string): Json {
  if (branches.length === 0) return { not: {}, description };
  return { type: 'object', description, properties: { type: { type: 'string' } }, required: ['type'], discriminator: { propertyName: 'type' }, oneOf: branches };
}

const connectionRef: Json = { type: 'string', minLength: 1, description: 'Name of an entry under `connections:`.' };

const incrementalSchema: Json = {
  type: 'object',
  description: 'Read only rows past the last saved watermark.',
  properties: {
    column: { type: 'string', minLength: 1, description: 'Column that grows with every change (updated_at, id).' },
    initial: { type: 'string', description: 'Watermark used on the first run.' },
    lookback: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'number', minimum: 0 }], description: 'Re-read this much before the watermark (ISO-8601 duration like PT1H, or a number).' },
  },
  required: ['column'],
  additionalProperties: false,
};

const streamsSchema: Json = {
  description: 'Tables to copy, each to its own target (`{stream}` in the sink\'s path/table): a list, or a pattern like "sales.*" matched against the catalog at run time.',
  anyOf: [
    { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 } },
    { type: 'string', minLength: 1 },
  ],
};

const batchSize: Json = { type: 'integer', minimum: 1, maximum: 1_000_000, default: 2000, description: 'Rows per batch between stages.' };

/** A nested source (a transform's `from:`) is read whole once: no watermark, no streams. */
function sourceBranch(def: ConnectorDefinition, nested = false): Json {
  const envelope: Json = { batch_size: batchSize };
  if (def.connection) envelope['connection'] = connectionRef;
  if (def.source?.capabilities.incremental && !nested) envelope['incremental'] = incrementalSchema;
  if (def.source?.capabilities.streams && !nested) envelope['streams'] = streamsSchema;
  return branch(def.name, `${nested ? 'nested source' : 'extract'} ${def.name}`, envelope, plain(def.source?.options), def.summary);
}

function modeSchema(modes: readonly SinkMode[], declared: Json | undefined): Json {
  const fallback = modes.includes('append') ? 'append' : modes[0];
  const def = declared?.['default'];
  return {
    type: 'string',
    enum: [...modes],
    default: typeof def === 'string' && modes.includes(def as SinkMode) ? def : fallback,
    description: `How to write to the target: ${modes.join(' | ')}.`,
  };
}

function sinkBranch(def: ConnectorDefinition): Json {
  const options = plain(def.sink?.options);
  const envelope: Json = {};
  if (def.connection) envelope['connection'] = connectionRef;
  const out = branch(def.name, `load ${def.name}`, envelope, options, def.summary);
  // the sink's capabilities decide the allowed modes, whatever its option schema says
  (out['properties'] as Json)['mode'] = modeSchema(def.sink?.capabilities.modes ?? ['append'], props(options)['mode'] as Json | undefined);
  return out;
}

function connectionBranch(def: ConnectorDefinition): Json {
  return branch(def.name, `connection ${def.name}`, {}, plain(def.connection), def.summary);
}

function transformBranch(def: TransformDefinition, nestedSource: Json): Json {
  const envelope: Json = { name: { type: 'string', minLength: 1, description: 'Label of this step in summaries and rejects.' } };
  const out = branch(def.name, `transform ${def.name}`, envelope, plain(def.options), def.summary);
  // a `source_options` key takes any source, validated by the same union as `extract:`
  const properties = out['properties'] as Json;
  for (const key of def.source_options ?? []) {
    const description = (properties[key] as Json | undefined)?.['description'];
    properties[key] = { ...nestedSource, ...(typeof description === 'string' ? { description } : {}) };
  }
  return out;
}

/** `load:` is one sink or a list of sinks (fan-out); if/then/else keeps errors to the branch taken. */
function loadSchema(sink: Json): Json {
  return {
    description: 'Where rows go: one sink, or a list of sinks (fan-out).',
    if: { type: 'array' },
    then: { type: 'array', minItems: 1, items: sink },
    else: sink,
  };
}

/** A file path, or `{ connection, table }`; if/then/else keeps errors to the form written. */
function deadLetterSchema(): Json {
  return {
    description: 'Where rejected rows go: an NDJSON file (may use {pipeline}, {date}, {run_id}), or `{ connection, table }`: a table of a postgres, sqlite or mysql connection.',
    if: { type: 'object' },
    then: {
      type: 'object',
      additionalProperties: false,
      required: ['connection', 'table'],
      properties: {
        connection: { ...connectionRef, description: 'The connection (postgres, sqlite, mysql) whose database holds the table.' },
        table: { type: 'string', minLength: 1, description: 'The dead-letter table, possibly schema-qualified; created if missing.' },
      },
    },
    else: { type: 'string', minLength: 1 },
  };
}

function topLevel(): Json {
  return {
    version: { type: 'integer', const: 1, description: 'Pipeline file format version.' },
    name: { type: 'string', pattern: PIPELINE_NAME_PATTERN, description: 'Pipeline name: letters, digits, `_`, `.`, `-`.' },
    description: { type: 'string' },
    vars: { type: 'object', additionalProperties: { type: 'string' }, description: 'Values for ${var:name}; --var name=value overrides.' },
    errors: {
      type: 'object',
      additionalProperties: false,
      properties: {
        dead_letter: deadLetterSchema(),
        max_rejects: {
          description: 'Most rejected rows allowed: a count, or a percentage of rows read like "1%".',
          anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: MAX_REJECTS_PATTERN }],
        },
      },
    },
    retry: {
      type: 'object',
      additionalProperties: false,
      properties: {
        attempts: { type: 'integer', minimum: 1, maximum: 100, description: 'Total attempts including the first; 1 disables retries.' },
        initial_secs: { type: 'number', minimum: 0 },
        max_secs: { type: 'number', minimum: 0 },
        jitter: { type: 'number', minimum: 0, maximum: 1 },
      },
    },
    state: {
      type: 'object',
      additionalProperties: false,
      properties: {
        dir: { type: 'string', minLength: 1, description: 'Directory for watermarks, locks and run history (default .etl-cli next to the pipeline).' },
        connection: { ...connectionRef, description: 'Keep watermarks in a table of this database connection (postgres, sqlite) instead of a file: for ephemeral CI machines.' },
        table: { type: 'string', minLength: 1, description: 'The state table (default etl_cli_state), created if missing.' },
      },
    },
    environments: {
      type: 'object',
      description: 'Overrides merged over this file with --env NAME.',
      additionalProperties: { type: 'object' },
    },
    plugins: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Modules that export extra connectors/transforms.' },
    parallelism: { type: 'integer', minimum: 1, maximum: 16, default: 1, description: 'How many streams of `extract.streams` run at once.' },
  };
}

/** The one pipeline JSON Schema, composed from the registry's connector and transform schemas. */
export function composePipelineSchema(registry: Registry): Json {
  const connectors = registry.connectors;
  const sink = discriminated(connectors.filter((c) => c.sink).map(sinkBranch), 'A sink: `type` plus that connector\'s options.');
  const sources = connectors.filter((c) => c.source);
  const nestedSource = discriminated(sources.map((c) => sourceBranch(c, true)), 'A source read whole: `type` plus that connector\'s options, as under `extract:`.');
  const base = topLevel();
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'etl-cli pipeline',
    type: 'object',
    additionalProperties: false,
    required: ['version', 'name', 'extract', 'load'],
    properties: {
      version: base['version'],
      name: base['name'],
      description: base['description'],
      vars: base['vars'],
      connections: {
        type: 'object',
        description: 'Named connections that stages refer to with `connection:`.',
        additionalProperties: discriminated(connectors.filter((c) => c.connection).map(connectionBranch), 'A connection: `type` plus that connector\'s connection options.'),
      },
      extract: discriminated(sources.map((c) => sourceBranch(c)), 'Where rows come from: `type` plus that connector\'s options.'),
      transform: {
        type: 'array',
        description: 'Steps applied in order.',
        items: discriminated(registry.transforms.map((t) => transformBranch(t, nestedSource)), 'A step: `type` plus that transform\'s options.'),
      },
      load: loadSchema(sink),
      errors: base['errors'],
      retry: base['retry'],
      state: base['state'],
      environments: base['environments'],
      plugins: base['plugins'],
      parallelism: base['parallelism'],
    },
  };
}
