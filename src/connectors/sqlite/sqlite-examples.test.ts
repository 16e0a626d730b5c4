import { describe, expect, it } from 'vitest';
import { loadPipelineText } from '../../core/config/index.js';
import type { Registry } from '../../registry.js';
import { csv } from '../csv/index.js';
import type { ConnectorDefinition } from '../define.js';
import { sqlite } from './index.js';

// only the connectors the examples use, so this test does not depend on every other folder
const connectors = [sqlite, csv] as unknown as ConnectorDefinition[];
const registry: Registry = {
  connectors,
  transforms: [],
  connector: (name) => connectors.find((c) => c.name === name),
  transform: () => undefined,
};

describe('sqlite examples', () => {
  it('every example passes validation and compiles to a plan', async () => {
    for (const example of sqlite.examples) {
      const result = await loadPipelineText(example.yaml, '/tmp/example.yml', { registry, environment: {} });
      expect(result.issues.filter((i) => i.severity === 'error'), example.title).toEqual([]);
      expect(result.plan?.loads.length, example.title).toBe(1);
    }
  });

  it('a stage with both path and connection is reported with its location', async () => {
    const yaml = 'version: 1\nname: x\nconnections:\n  db: { type: sqlite, path: a.db }\nextract:\n  type: sqlite\n  connection: db\n  path: b.db\n  table: t\nload:\n  type: csv\n  path: out.csv\n';
    const result = await loadPipelineText(yaml, '/tmp/x.yml', { registry, environment: {} });
    expect(result.issues.map((i) => i.code)).toContain('E_SQLITE_TARGET');
  });
});
