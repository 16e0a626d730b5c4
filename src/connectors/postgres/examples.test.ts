import { describe, expect, it } from 'vitest';
import { loadPipelineText } from '../../core/config/index.js';
import type { Registry } from '../../registry.js';
import type { ConnectorDefinition } from '../define.js';
import { csv } from '../csv/index.js';
import { postgres } from './index.js';

// a registry of just the connectors these examples use (the full registry may still be in progress)
function createRegistry(): Registry {
  const connectors = [postgres, csv] as unknown as ConnectorDefinition[];
  return { connectors, transforms: [], connector: (n) => connectors.find((c) => c.name === n), transform: () => undefined };
}

describe('postgres examples', () => {
  for (const example of postgres.examples) {
    it(`validates: ${example.title}`, async () => {
      const result = await loadPipelineText(example.yaml, '/tmp/example.yml', {
        registry: createRegistry(),
        environment: { WAREHOUSE_URL: 'postgres://u:p@h/db', PGPASSWORD: 'pw' },
      });
      expect(result.issues).toEqual([]);
      expect(result.plan).toBeDefined();
    });
  }

  it('reports lint issues with a location', async () => {
    const yaml = 'version: 1\nname: bad\nconnections:\n  db: { type: postgres, host: h }\nextract: { type: csv, path: a.csv }\nload: { type: postgres, connection: db, table: t, mode: overwrite, commit_every: 5 }\n';
    const result = await loadPipelineText(yaml, '/tmp/bad.yml', { registry: createRegistry(), environment: {} });
    const issue = result.issues.find((i) => i.code === 'E_PG_OVERWRITE_COMMIT_EVERY');
    expect(issue).toMatchObject({ path: '/load/commit_every', location: { line: 6 } });
  });
});
