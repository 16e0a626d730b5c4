import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinTransforms } from './index.js';
import { csv } from '../connectors/csv/index.js';
import { loadPipelineText } from '../core/config/index.js';
import { runPipeline } from '../core/engine/index.js';
import type { EtlEvent } from '../core/events.js';
import type { ConnectorDefinition } from '../connectors/define.js';
import type { Registry } from '../registry.js';

const registry: Registry = {
  connectors: [csv as unknown as ConnectorDefinition],
  transforms: builtinTransforms,
  connector: (name) => (name === 'csv' ? (csv as unknown as ConnectorDefinition) : undefined),
  transform: (name) => builtinTransforms.find((t) => t.name === name),
};

describe('transforms in a real run (csv → transforms → csv)', () => {
  it('filters, derives exactly, validates and dead-letters with source lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etl-transforms-'));
    try {
      writeFileSync(join(dir, 'orders.csv'), 'id,email,amount,qty,status\n1,a@x.com,19.99,3,paid\n2,,5.00,1,paid\n3,c@x.com,1.005,3,void\n4,d@x.com,0.10,3,paid\n1,e@x.com,2.00,1,paid\n');
      const yaml = `version: 1
name: e2e_orders
extract: { type: csv, path: orders.csv, columns: { id: integer, amount: decimal, qty: integer } }
transform:
  - type: filter
    where: status != 'void'
  - type: derive
    fields:
      total: amount * qty
      domain: split_part(email, '@', 2)
  - type: validate
    rules:
      - { not_null: [email] }
      - { unique: [id] }
  - type: select
    columns: [id, total, domain]
load: { type: csv, path: out.csv }
errors: { dead_letter: rejects.ndjson }
`;
      const loaded = await loadPipelineText(yaml, join(dir, 'pipeline.yml'), { registry, environment: {} });
      expect(loaded.issues.filter((i) => i.severity === 'error')).toEqual([]);
      const events: EtlEvent[] = [];
      const report = await runPipeline(loaded.plan!, { signal: new AbortController().signal, events: (e) => events.push(e) });
      expect(report.status).toBe('ok');
      expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe('id,total,domain\n1,59.97,x.com\n4,0.30,x.com\n');
      const rejects = readFileSync(join(dir, 'rejects.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(rejects.map((r) => [r['stage'], r['reason'], r['position']])).toEqual([
        ['transform[2] validate', 'rule not_null(email): email is null', 'orders.csv:3'],
        ['transform[2] validate', 'rule unique(id): duplicate id 1', 'orders.csv:6'],
      ]);
      expect(events.some((e) => e.type === 'quality.summary')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
