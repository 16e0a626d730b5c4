import { describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import type { ConnectorDefinition } from '../../connectors/define.js';
import type { Registry } from '../../registry.js';
import { testRegistry } from '../config/fixture-registry.test.js';
import { composePipelineSchema, pipelineValidator } from './index.js';

type Json = Record<string, any>;

function branchOf(schema: Json, name: string): Json {
  return (schema['oneOf'] as Json[]).find((b) => b['properties']['type']['const'] === name)!;
}

describe('composePipelineSchema', () => {
  const schema = composePipelineSchema(testRegistry()) as Json;
  const props = schema['properties'];

  it('has the top-level contract', () => {
    expect(schema['required']).toEqual(['version', 'name', 'extract', 'load']);
    expect(schema['additionalProperties']).toBe(false);
    expect(props['version']).toMatchObject({ const: 1 });
    expect(props['name']['pattern']).toBe('^[A-Za-z0-9_.-]+$');
    expect(Object.keys(props)).toEqual(['version', 'name', 'description', 'vars', 'connections', 'extract', 'transform', 'load', 'errors', 'retry', 'state', 'environments', 'plugins', 'parallelism']);
    expect(Object.keys(props['retry']['properties'])).toEqual(['attempts', 'initial_secs', 'max_secs', 'jitter']);
    expect(Object.keys(props['state']['properties'])).toEqual(['dir', 'connection', 'table']);
  });

  it('builds discriminated extract branches with the envelope merged into the options', () => {
    const extract = props['extract'];
    expect(extract['discriminator']).toEqual({ propertyName: 'type' });
    expect(extract['oneOf'].map((b: Json) => b['properties']['type']['const'])).toEqual(['csv', 'postgres']);
    const csv = branchOf(extract, 'csv');
    expect(Object.keys(csv['properties']).sort()).toEqual(['batch_size', 'delimiter', 'header', 'path', 'type']);
    expect(csv['required']).toEqual(['type', 'path']);
    expect(csv['additionalProperties']).toBe(false);
    const pg = branchOf(extract, 'postgres');
    expect(pg['properties']['incremental']['required']).toEqual(['column']);
    expect(pg['properties']['connection']).toMatchObject({ type: 'string' });
  });

  it('allows exactly the sink capabilities as modes, one sink or a list', () => {
    const load = props['load'];
    expect(load['then']['type']).toBe('array');
    expect(load['else']).toEqual(load['then']['items']);
    const sinks = load['else'];
    expect(sinks['oneOf'].map((b: Json) => b['properties']['type']['const'])).toEqual(['csv', 'postgres', 'sqlite']);
    expect(branchOf(sinks, 'csv')['properties']['mode']).toMatchObject({ enum: ['append', 'overwrite'], default: 'overwrite' });
    expect(branchOf(sinks, 'postgres')['properties']['mode']['enum']).toEqual(['append', 'overwrite', 'upsert']);
    expect(branchOf(sinks, 'csv')['properties']['connection']).toBeUndefined();
  });

  it('composes connections and transforms', () => {
    const conns = props['connections']['additionalProperties'];
    expect(conns['oneOf'].map((b: Json) => b['title'])).toEqual(['connection postgres', 'connection sqlite']);
    expect(branchOf(conns, 'postgres')['properties']['url']['x-secret']).toBe(true);
    const items = props['transform']['items'];
    expect(Object.keys(branchOf(items, 'filter')['properties'])).toEqual(['name', 'where', 'type']);
    expect(props['errors']['properties']['max_rejects']['anyOf']).toHaveLength(2);
  });

  it('is plain JSON (no TypeBox symbols) and stable', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    expect(composePipelineSchema(testRegistry())).toEqual(schema);
  });
});

describe('pipelineValidator', () => {
  it('compiles in strict mode with x- keywords and formats, once per registry', () => {
    const odd: ConnectorDefinition = {
      name: 'api', summary: 'x', docs: '', status: 'experimental', examples: [], load: async () => ({}),
      source: {
        options: Type.Object({
          url: Type.String({ format: 'uri', 'x-label': 'URL' }),
          since: Type.Optional(Type.String({ format: 'made-up-format' })),
        }, { additionalProperties: false }),
        capabilities: { incremental: false, knows_schema: false },
      },
    };
    const base = testRegistry();
    const registry: Registry = { ...base, connectors: [...base.connectors, odd], connector: (n) => (n === 'api' ? odd : base.connector(n)) };
    const validator = pipelineValidator(registry);
    expect(pipelineValidator(registry)).toBe(validator);
    const doc = { version: 1, name: 'a', extract: { type: 'api', url: 'https://x.test/a' }, load: { type: 'csv', path: 'o.csv' } };
    expect(validator.validate(doc)).toEqual([]);
    const bad = validator.validate({ ...doc, extract: { type: 'api', url: 'not a uri' } });
    expect(bad.map((e) => e.keyword)).toEqual(['format']);
  });

  it('validates a list of sinks and reports only the failing branch', () => {
    const validator = pipelineValidator(testRegistry());
    const errors = validator.validate({
      version: 1, name: 'a', extract: { type: 'csv', path: 'a' },
      load: [{ type: 'csv', path: 'o' }, { type: 'sqlite', table: 't', mode: 'upsert' }],
    });
    expect(errors.filter((e) => e.keyword !== 'if').map((e) => [e.keyword, e.instancePath])).toEqual([['enum', '/load/1/mode']]);
  });
});
