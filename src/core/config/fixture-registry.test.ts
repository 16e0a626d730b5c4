import { describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import type { ConnectorDefinition, ConnectorRuntime } from '../../connectors/define.js';
import type { TransformDefinition, TransformRuntime } from '../../transforms/define.js';
import type { Registry } from '../../registry.js';

/**
 * A tiny registry for the config/schema tests (the real connectors are built elsewhere):
 * a file connector, a database connector with connections/incremental/upsert, two transforms.
 * Shared by the config and schema tests; its own check below runs wherever it is imported.
 */
const noRuntime = async (): Promise<ConnectorRuntime> => ({});

export const fileConnector: ConnectorDefinition = {
  name: 'csv',
  summary: 'CSV files',
  docs: '',
  status: 'stable',
  source: {
    options: Type.Object({
      path: Type.String({ minLength: 1 }),
      delimiter: Type.Optional(Type.String({ default: ',', minLength: 1, maxLength: 1 })),
      header: Type.Optional(Type.Boolean({ default: true })),
    }, { additionalProperties: false }),
    capabilities: { incremental: false, knows_schema: false },
  },
  sink: {
    options: Type.Object({
      path: Type.String({ minLength: 1 }),
      batch_size: Type.Optional(Type.Integer({ minimum: 1, default: 500 })),
      mode: Type.Optional(Type.Union([Type.Literal('append'), Type.Literal('overwrite')], { default: 'overwrite' })),
    }, { additionalProperties: false }),
    capabilities: { modes: ['append', 'overwrite'], transactional: false, atomic_replace: true },
  },
  examples: [],
  extensions: ['.csv'],
  load: noRuntime,
};

export const dbConnector: ConnectorDefinition = {
  name: 'postgres',
  summary: 'PostgreSQL',
  docs: '',
  status: 'stable',
  connection: Type.Object({
    url: Type.Optional(Type.String({ minLength: 1, 'x-secret': true })),
    password: Type.Optional(Type.String()),
    pool_size: Type.Optional(Type.Integer({ minimum: 1, default: 4, 'x-advanced': true })),
  }, { additionalProperties: false }),
  source: {
    options: Type.Object({
      query: Type.Optional(Type.String({ minLength: 1 })),
      table: Type.Optional(Type.String({ minLength: 1 })),
      fetch_size: Type.Optional(Type.Integer({ minimum: 1, default: 1000 })),
    }, { additionalProperties: false }),
    capabilities: { incremental: true, knows_schema: true },
  },
  sink: {
    options: Type.Object({
      table: Type.String({ minLength: 1 }),
      key: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
      create_table: Type.Optional(Type.Boolean({ default: true })),
    }, { additionalProperties: false }),
    capabilities: { modes: ['append', 'overwrite', 'upsert'], transactional: true, atomic_replace: false },
  },
  examples: [],
  lint(input, ctx) {
    const o = input.options;
    if (input.role === 'source' && o['query'] === undefined && o['table'] === undefined) {
      return [ctx.issue(input.path, 'E_PG_SOURCE', 'extract (postgres) needs `query` or `table`', 'add query: SELECT …')];
    }
    return [];
  },
  load: noRuntime,
};

export const sqliteConnector: ConnectorDefinition = {
  name: 'sqlite',
  summary: 'SQLite',
  docs: '',
  status: 'beta',
  connection: Type.Object({ path: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  sink: {
    options: Type.Object({ table: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    capabilities: { modes: ['append'], transactional: true, atomic_replace: false },
  },
  examples: [],
  load: noRuntime,
};

const noTransform = async (): Promise<TransformRuntime> => ({ create: () => (input) => input });

/** `where` must have balanced parentheses: stands in for the real expression parser. */
export const filterTransform: TransformDefinition = {
  name: 'filter',
  summary: 'keep rows matching an expression',
  docs: '',
  status: 'stable',
  stateful: false,
  options: Type.Object({ where: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  examples: [],
  lint(input, ctx) {
    const where = String(input.options['where'] ?? '');
    const at = where.indexOf(')') >= 0 && where.indexOf('(') < 0 ? where.indexOf(')') : where.indexOf('!!');
    if (at < 0) return [];
    const path = `${input.path}/where`;
    const issue = ctx.issue(path, 'E_EXPR_SYNTAX', `unexpected token in expression at ${at + 1}`);
    const location = ctx.locateOffset?.(path, at) ?? ctx.locate(path);
    return [{ ...issue, ...(location ? { location } : {}) }];
  },
  load: noTransform,
};

export const renameTransform: TransformDefinition = {
  name: 'rename',
  summary: 'rename columns',
  docs: '',
  status: 'stable',
  stateful: false,
  options: Type.Object({
    columns: Type.Record(Type.String(), Type.String()),
    strict: Type.Optional(Type.Boolean({ default: false })),
  }, { additionalProperties: false }),
  examples: [],
  load: noTransform,
};

export function testRegistry(): Registry {
  const connectors = [fileConnector, dbConnector, sqliteConnector];
  const transforms = [filterTransform, renameTransform];
  return {
    connectors,
    transforms,
    connector: (name) => connectors.find((c) => c.name === name),
    transform: (name) => transforms.find((t) => t.name === name),
  };
}

describe('fixture registry', () => {
  it('has unique names and the capabilities the tests rely on', () => {
    const r = testRegistry();
    expect(new Set(r.connectors.map((c) => c.name)).size).toBe(r.connectors.length);
    expect(r.connector('postgres')?.sink?.capabilities.modes).toContain('upsert');
    expect(r.transform('filter')?.lint).toBeTypeOf('function');
  });
});
