import { describe, expect, it } from 'vitest';
import { derive } from './index.js';
import { batchOf, runTransform } from '../shared/run.js';
import type { LintContext } from '../../connectors/define.js';

const orders = batchOf({ id: 'integer', amount: 'decimal', qty: 'integer', email: 'string', at: 'timestamp' }, [
  { id: 1, amount: '19.99', qty: 3, email: 'A@Example.com', at: '2024-01-02T03:04:05Z' },
  { id: 2, amount: '1.005', qty: 0, email: null, at: '2024-02-29T23:00:00-02:00' },
]);

describe('derive', () => {
  it('computes fields in order with exact decimals and typed output', async () => {
    const { batches, ctx } = await runTransform(derive, {
      fields: {
        total: 'amount * qty',
        double_total: 'total * 2',
        domain: "lower(split_part(email, '@', 2))",
        big: 'total > 50',
        day: 'date(at)',
        ratio: 'qty / 2',
        label: "coalesce(email, 'none')",
      },
    }, [orders]);
    expect(ctx.rejects).toEqual([]);
    const b = batches[0]!;
    expect(b.rows[0]).toMatchObject({ total: '59.97', double_total: '119.94', domain: 'example.com', big: true, day: '2024-01-02', ratio: 1.5 });
    expect(b.rows[1]).toMatchObject({ total: '0.000', domain: null, big: false, day: '2024-03-01', ratio: 0, label: 'none' });
    expect(b.schema.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'integer'], ['amount', 'decimal'], ['qty', 'integer'], ['email', 'string'], ['at', 'timestamp'],
      ['total', 'decimal'], ['double_total', 'decimal'], ['domain', 'string'], ['big', 'boolean'], ['day', 'date'], ['ratio', 'number'], ['label', 'string'],
    ]);
    expect(b.origin).toEqual(orders.origin);
    expect(orders.rows[0]).not.toHaveProperty('total'); // input batches are never mutated
  });

  it('replaces an existing column in place', async () => {
    const { batches } = await runTransform(derive, { fields: { amount: 'amount * 2' } }, [orders]);
    expect(batches[0]!.schema.columns.map((c) => c.name)).toEqual(['id', 'amount', 'qty', 'email', 'at']);
    expect(batches[0]!.rows[0]!.amount).toBe('39.98');
  });

  it('infers the type from values when the expression cannot tell', async () => {
    const untyped = batchOf({ a: 'json' }, [{ a: 5 }, { a: 7 }]);
    const { batches } = await runTransform(derive, { fields: { b: 'a ?? 0' } }, [untyped]);
    expect(batches[0]!.schema.columns[1]).toEqual({ name: 'b', type: 'integer' });
  });

  it('rejects a row whose expression fails, naming the field', async () => {
    const { rows, ctx } = await runTransform(derive, { fields: { per_item: 'amount / qty' } }, [orders]);
    expect(rows.map((r) => r.id)).toEqual([1]);
    expect(ctx.rejects).toEqual([{ record: orders.rows[1], reason: 'derive per_item: division by zero', column: 'per_item', position: { file: 'data.csv', line: 3 } }]);
  });

  it('keeps the output schema stable across batches', async () => {
    const { batches } = await runTransform(derive, { fields: { t: 'amount * qty' } }, [orders, orders]);
    expect(batches[1]!.schema).toBe(batches[0]!.schema);
  });

  it('lint points into multi-line block expressions', () => {
    const ctx: LintContext = {
      locate: (path) => (path === '/transform/1/fields/total' ? { file: 'p.yml', line: 9, col: 9 } : undefined),
      issue: (path, code, message) => ({ severity: 'error', code, message, path }),
    };
    const issues = derive.lint!({ options: { fields: { ok: 'a + 1', total: 'amount *\nqty +' } }, path: '/transform/1' }, ctx);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: '/transform/1/fields/total', location: { file: 'p.yml', line: 10, col: 14 } });
  });

  it('lint uses the config layer\'s exact locateOffset when given', () => {
    const ctx: LintContext = {
      locate: () => ({ file: 'p.yml', line: 1, col: 1 }),
      locateOffset: (_path, offset) => ({ file: 'p.yml', line: 3, col: 100 + offset }),
      issue: (path, code, message) => ({ severity: 'error', code, message, path }),
    };
    const issues = derive.lint!({ options: { fields: { 'a/b': 'lowr(x)' } }, path: '/transform/0' }, ctx);
    expect(issues[0]).toMatchObject({ path: '/transform/0/fields/a~1b', location: { line: 3, col: 100 }, hint: 'did you mean `lower`?' });
  });
});

describe('derive errors', () => {
  it('names the stage and field of an unknown column', async () => {
    await expect(runTransform(derive, { fields: { t: 'amout * 2' } }, [orders])).rejects.toMatchObject({
      code: 'E_EXPRESSION', message: 'transform[0] derive: `fields.t`: unknown column `amout` at 1:1', hint: 'did you mean `amount`?',
    });
  });
});

describe('derive with a new schema object per batch', () => {
  it('keeps one output schema when the columns are the same', async () => {
    const again = { ...orders, schema: { columns: [...orders.schema.columns] } };
    const { batches } = await runTransform(derive, { fields: { t: 'amount * qty' } }, [orders, again]);
    expect(batches[1]!.schema).toBe(batches[0]!.schema);
  });
});
