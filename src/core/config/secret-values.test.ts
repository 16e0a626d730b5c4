import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../registry.js';
import { loadPipelineText } from './load.js';

describe('secrets marked x-secret in nested options', () => {
  it('registers a literal api key inside a rest auth union so it is redacted', async () => {
    const text = [
      'version: 1',
      'name: api_pull',
      'connections:',
      '  api:',
      '    type: rest',
      '    base_url: http://127.0.0.1:9/v1',
      '    auth: { type: api_key, name: X-Key, value: literal-key-9f3a, in: header }',
      'extract: { type: rest, connection: api, path: items }',
      'load: { type: ndjson, path: out.ndjson }',
    ].join('\n');
    const result = await loadPipelineText(text, 'api.yml', { registry: createRegistry(), environment: {} });
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(result.secrets.redact('key=literal-key-9f3a')).toBe('key=***');
  });
});
