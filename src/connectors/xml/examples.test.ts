import { describe, expect, it } from 'vitest';
import { loadPipelineText } from '../../core/config/index.js';
import type { Registry } from '../../registry.js';
import { csv } from '../csv/index.js';
import type { ConnectorDefinition } from '../define.js';
import { ndjson } from '../ndjson/index.js';
import { parquet } from '../parquet/index.js';
import { xml } from './index.js';

// the file connectors these examples use, so the test does not wait on the whole registry
const used = [xml, parquet, csv, ndjson] as unknown as ConnectorDefinition[];
const registry: Registry = {
  connectors: used,
  transforms: [],
  connector: (name) => used.find((c) => c.name === name),
  transform: () => undefined,
};

describe('xml and parquet examples', () => {
  for (const definition of [xml, parquet]) {
    it(`every ${definition.name} example validates and compiles to a plan`, async () => {
      expect(definition.examples.length).toBeGreaterThan(0);
      for (const example of definition.examples) {
        const result = await loadPipelineText(example.yaml, '/tmp/example.yml', { registry, environment: {} });
        expect(result.issues.filter((i) => i.severity === 'error'), example.title).toEqual([]);
        expect(result.plan?.loads.length, example.title).toBe(1);
      }
    });
  }

  it('reports a misspelt option with a suggestion', async () => {
    const yaml = 'version: 1\nname: x\nextract:\n  type: xml\n  path: a.xml\n  recordElement: r\nload:\n  type: parquet\n  path: b.parquet\n';
    const result = await loadPipelineText(yaml, '/tmp/x.yml', { registry, environment: {} });
    expect(result.issues.map((i) => i.message).join('\n')).toMatch(/record_element/);
  });
});
