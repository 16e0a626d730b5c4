import { describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { builtinTransforms } from './index.js';
import { csv } from '../connectors/csv/index.js';
import { loadPipelineText } from '../core/config/index.js';
import type { ConnectorDefinition } from '../connectors/define.js';
import type { Registry } from '../registry.js';

/** A registry with the csv connector and every built-in transform (the examples use only those). */
const registry: Registry = {
  connectors: [csv as unknown as ConnectorDefinition],
  transforms: builtinTransforms,
  connector: (name) => (name === 'csv' ? (csv as unknown as ConnectorDefinition) : undefined),
  transform: (name) => builtinTransforms.find((t) => t.name === name),
};

const load = (text: string) => loadPipelineText(text, '/tmp/p/pipeline.yml', { registry, environment: { MASK_SALT: 'salt-value' } });

describe('built-in transforms', () => {
  it('have unique names, docs and cheap definitions', () => {
    const names = builtinTransforms.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(['filter', 'derive', 'select', 'drop', 'rename', 'cast', 'validate', 'mask', 'dedupe', 'default', 'flatten', 'unnest', 'script', 'lookup']);
    for (const t of builtinTransforms) {
      expect(t.summary.length).toBeGreaterThan(10);
      expect(t.docs.length).toBeGreaterThan(80);
      expect(t.examples.length).toBeGreaterThan(0);
      expect(t.options.additionalProperties).toBe(false);
    }
  });

  for (const t of builtinTransforms) {
    for (const example of t.examples) {
      it(`${t.name}: example "${example.title}" is a valid pipeline`, async () => {
        const result = await load(example.yaml);
        expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
        const steps = result.plan!.transforms.filter((s) => s.definition.name === t.name);
        expect(steps.length).toBeGreaterThan(0);
        for (const step of steps) expect(Value.Check(t.options, step.options)).toBe(true);
      });
    }
  }

  it('reports an expression error at its file:line:col', async () => {
    const yaml = `version: 1
name: bad_expr
extract: { type: csv, path: data.csv }
transform:
  - type: filter
    where: amount > (1 + )
  - type: derive
    fields:
      total: |
        amount *
          lowr(qty)
load: { type: csv, path: out.csv }
`;
    const result = await load(yaml);
    const issues = result.issues.filter((i) => i.code === 'E_EXPRESSION');
    expect(issues.map((i) => [i.path, i.location?.line, i.location?.col, i.message])).toEqual([
      ['/transform/0/where', 6, 26, 'invalid expression: unexpected `)` at 1:15, expected an expression'],
      ['/transform/1/fields/total', 11, 11, 'invalid expression: unknown function `lowr` at 2:3'],
    ]);
  });
});
