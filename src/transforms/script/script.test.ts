import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { script } from './index.js';
import { batchOf, runTransform } from '../shared/run.js';
import type { TransformDefinition } from '../define.js';
import { loadPipelineText } from '../../core/config/index.js';
import { createRegistry } from '../../registry.js';

const dir = mkdtempSync(join(tmpdir(), 'etl-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const def = script as unknown as TransformDefinition;

function module(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

const input = [
  batchOf({ id: 'integer', email: 'string', amount: 'decimal' }, [
    { id: 1, email: 'A@X.org', amount: '1.50' },
    { id: 2, email: null, amount: '2.00' },
  ]),
  batchOf({ id: 'integer', email: 'string', amount: 'decimal' }, [{ id: 3, email: 'c@y.org', amount: '-1.00' }], 4),
];

describe('script transform', () => {
  it('calls transformBatch per batch; kept columns keep their type, new ones are inferred', async () => {
    const path = module('batch.mjs', `export function transformBatch(rows, ctx) {
  return rows.map((r) => ({ ...r, email: r.email && r.email.toLowerCase(), stage: ctx.stage, n: ctx.schema.columns.length }));
}`);
    const { batches, rows } = await runTransform(def, { path }, input, { dir });
    expect(rows.map((r) => r['email'])).toEqual(['a@x.org', null, 'c@y.org']);
    expect(rows[0]).toMatchObject({ stage: 'transform[0] script', n: 3 });
    expect(batches[0]!.schema.columns).toEqual([
      { name: 'id', type: 'integer' }, { name: 'email', type: 'string' }, { name: 'amount', type: 'decimal' },
      { name: 'stage', type: 'string' }, { name: 'n', type: 'integer' },
    ]);
    // one row out per row in: source positions stay attached for rejects downstream
    expect(batches[0]!.origin).toBe(input[0]!.origin);
  });

  it('runs a default async generator over the batches; reject() and warn() reach the engine', async () => {
    const path = module('stream.mjs', `export default async function* (batches, ctx) {
  let total = 0;
  for await (const batch of batches) {
    const keep = [];
    for (const row of batch.rows) {
      if (Number(row.amount) < 0) ctx.reject(row, 'negative amount');
      else keep.push({ id: row.id, cents: Math.round(Number(row.amount) * 100) });
    }
    total += keep.length;
    yield keep;
  }
  ctx.warn('kept ' + total);
  yield [{ id: 0, cents: total }];
}`);
    const { rows, batches, ctx } = await runTransform(def, { path }, input, { dir });
    expect(rows).toEqual([{ id: 1, cents: 150 }, { id: 2, cents: 200 }, { id: 0, cents: 2 }]);
    expect(batches[0]!.schema.columns).toEqual([{ name: 'id', type: 'integer' }, { name: 'cents', type: 'integer' }]);
    expect(ctx.rejects).toEqual([{ record: { id: 3, email: 'c@y.org', amount: '-1.00' }, reason: 'negative amount' }]);
    expect(ctx.emitted).toContainEqual({ type: 'warning', stage: 'transform[0] script', message: 'kept 2' });
  });

  it('uses the export named by `function`', async () => {
    const rejecting = module('reject.mjs', 'export function transformBatch(rows, ctx) { ctx.reject(rows[1], "no email"); return [rows[0]]; }');
    const rejected = await runTransform(def, { path: rejecting }, [input[0]!], { dir });
    expect(rejected.ctx.rejects).toEqual([{ record: { id: 2, email: null, amount: '2.00' }, reason: 'no email', position: { file: 'data.csv', line: 3 } }]);
    const path = module('named.mjs', 'export const other = () => []; export async function double(rows) { return [...rows, ...rows]; }');
    const { rows, batches } = await runTransform(def, { path, function: 'double' }, [input[0]!], { dir });
    expect(rows.map((r) => r['id'])).toEqual([1, 2, 1, 2]);
    expect(batches[0]!.origin).toBeUndefined();
  });

  it('names a missing module, a missing export and a throwing script with the stage', async () => {
    await expect(runTransform(def, { path: 'nope.mjs' }, input, { dir })).rejects.toMatchObject({ code: 'E_SCRIPT_LOAD', message: expect.stringContaining('script nope.mjs not found') });
    const path = module('exports.mjs', 'export function one() { return []; }');
    await expect(runTransform(def, { path }, input, { dir })).rejects.toMatchObject({ code: 'E_SCRIPT_EXPORT', hint: 'its functions: one (set `function:`)' });
    const bad = module('throws.mjs', 'export function transformBatch() { throw new Error("boom at row 1"); }');
    await expect(runTransform(def, { path: bad }, input, { dir })).rejects.toMatchObject({ code: 'E_SCRIPT', message: 'transform[0] script: throws.mjs: boom at row 1', where: { stage: 'transform[0] script' } });
    const wrong = module('wrong.mjs', 'export function transformBatch() { return 42; }');
    await expect(runTransform(def, { path: wrong }, input, { dir })).rejects.toMatchObject({ code: 'E_SCRIPT_OUTPUT' });
  });

  it('validates options and lints the extension at file:line:col', async () => {
    const yaml = `version: 1
name: scripted
extract: { type: csv, path: data.csv }
transform:
  - type: script
    path: clean.ts
  - type: script
    file: x.js
load: { type: csv, path: out.csv }
`;
    const result = await loadPipelineText(yaml, join(dir, 'p.yml'), { registry: createRegistry(), environment: {} });
    const errors = result.issues.filter((i) => i.severity === 'error').map((i) => [i.code, i.location?.line, i.location?.col]);
    expect(errors).toContainEqual(['E_SCRIPT_PATH', 6, 11]);
    expect(errors.some(([code, line]) => code !== 'E_SCRIPT_PATH' && line === 8)).toBe(true);
  });

  it('its docs say it runs trusted code, unlike expressions', () => {
    expect(script.docs).toMatch(/TRUSTED code/);
    expect(script.docs).toMatch(/Unlike expressions/);
  });
});
