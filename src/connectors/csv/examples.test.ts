import { describe, expect, it } from 'vitest';
import { loadPipelineText } from '../../core/config/index.js';
import type { Registry } from '../../registry.js';
import type { ConnectorDefinition } from '../define.js';
import { csv } from './index.js';
import { ndjson } from '../ndjson/index.js';
import { json } from '../json/index.js';

// only the file connectors: the full registry may still be in progress elsewhere
const connectors = [csv, ndjson, json] as unknown as ConnectorDefinition[];
const registry: Registry = {
  connectors,
  transforms: [],
  connector: (n) => connectors.find((c) => c.name === n),
  transform: () => undefined,
};

describe('file connector examples validate', () => {
  for (const def of connectors) {
    for (const example of def.examples) {
      it(`${def.name}: ${example.title}`, async () => {
        const result = await loadPipelineText(example.yaml, '/tmp/example.yml', { registry, environment: {} });
        expect(result.issues).toEqual([]);
        expect(result.plan).toBeDefined();
      });
    }
  }

  it('warns about a .tsv path without a delimiter and rejects quote == delimiter', async () => {
    const yaml = 'version: 1\nname: tsv\nextract:\n  type: csv\n  path: a.tsv\nload:\n  type: csv\n  path: b.csv\n  delimiter: ";"\n  quote: ";"\n';
    const result = await loadPipelineText(yaml, '/tmp/tsv.yml', { registry, environment: {} });
    const tsv = result.issues.find((i) => i.code === 'W_CSV_TSV_DELIMITER');
    expect(tsv).toMatchObject({ severity: 'warning', path: '/extract/path', location: { line: 5 } });
    expect(result.issues.find((i) => i.code === 'E_CSV_QUOTE_IS_DELIMITER')).toMatchObject({ severity: 'error', path: '/load/quote' });
  });

  it('rejects an unknown option with a location', async () => {
    const yaml = 'version: 1\nname: bad\nextract: { type: csv, path: a.csv, delimeter: ";" }\nload: { type: ndjson, path: b.ndjson }\n';
    const result = await loadPipelineText(yaml, '/tmp/bad.yml', { registry, environment: {} });
    expect(result.issues.length).toBeGreaterThan(0);
    expect(result.issues[0]?.location?.line).toBe(3);
  });
});
