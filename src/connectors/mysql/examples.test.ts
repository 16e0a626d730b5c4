import { describe, expect, it } from 'vitest';
import { loadPipelineText } from '../../core/config/index.js';
import { createRegistry } from '../../registry.js';
import { oracle } from '../oracle/index.js';
import { mysql } from './index.js';

/** The examples of the mysql and oracle connectors (same shared SQL lint) validate and plan. */
const environment = { SHOP_MYSQL_URL: 'mysql://u:p@h/shop', MYSQL_PASSWORD: 'pw', ORACLE_PASSWORD: 'pw', ORACLE_URL: 'oracle://u:p@h:1521/XE', WAREHOUSE_URL: 'postgres://u:p@h/db' };

describe.each([mysql, oracle])('$name examples', (connector) => {
  for (const example of connector.examples) {
    it(`validates: ${example.title}`, async () => {
      const result = await loadPipelineText(example.yaml, '/tmp/example.yml', { registry: createRegistry(), environment });
      expect(result.issues).toEqual([]);
      expect(result.plan).toBeDefined();
    });
  }
});

describe('mysql and oracle lint', () => {
  it('reports table/query, commit_every and url problems with locations', async () => {
    const yaml = [
      'version: 1', 'name: bad', 'connections:', '  db: { type: mysql, url: "mysql://u:p@h/db?ssl=maybe" }',
      '  ora: { type: oracle, user: u, connect_string: "h:1521/XE" }',
      'extract: { type: oracle, connection: ora, query: "SELECT 1 FROM dual", flashback: { scn: 5 } }',
      'load: { type: mysql, connection: db, table: t, mode: overwrite, commit_every: 5 }', '',
    ].join('\n');
    const result = await loadPipelineText(yaml, '/tmp/bad.yml', { registry: createRegistry(), environment: {} });
    const codes = result.issues.map((i) => [i.code, i.location?.line]);
    expect(codes).toEqual(expect.arrayContaining([['E_MYSQL_URL', 4], ['E_ORACLE_FLASHBACK_NEEDS_TABLE', 6], ['E_MYSQL_OVERWRITE_COMMIT_EVERY', 7]]));
  });

  it('needs exactly one of table or query', async () => {
    const yaml = 'version: 1\nname: bad\nconnections:\n  db: { type: mysql, host: h }\nextract: { type: mysql, connection: db }\nload: { type: csv, path: out.csv }\n';
    const result = await loadPipelineText(yaml, '/tmp/bad.yml', { registry: createRegistry(), environment: {} });
    expect(result.issues.map((i) => i.code)).toContain('E_MYSQL_TABLE_OR_QUERY');
  });
});
