import { describe, expect, it } from 'vitest';
import { filter } from './index.js';
import { batchOf, runTransform } from '../shared/run.js';
import type { LintContext } from '../../connectors/define.js';

const orders = batchOf({ id: 'integer', amount: 'decimal', status: 'string' }, [
  { id: 1, amount: '10.00', status: 'paid' },
  { id: 2, amount: '0.00', status: 'paid' },
  { id: 3, amount: null, status: 'void' },
  { id: 4, amount: '99.5', status: 'void' },
  { id: 5, amount: '100.01', status: 'shipped' },
]);

describe('filter', () => {
  it('keeps true rows, drops false and null, keeps origins aligned', async () => {
    const { batches, ctx } = await runTransform(filter, { where: "amount > 0 and status != 'void'" }, [orders]);
    expect(batches[0]!.rows.map((r) => r.id)).toEqual([1, 5]);
    expect(batches[0]!.origin).toEqual([{ file: 'data.csv', line: 2 }, { file: 'data.csv', line: 6 }]);
    expect(batches[0]!.schema).toBe(orders.schema);
    expect(ctx.rejects).toEqual([]);
  });

  it('compares typed decimals numerically', async () => {
    const { rows } = await runTransform(filter, { where: 'amount > 99.9' }, [orders]);
    expect(rows.map((r) => r.id)).toEqual([5]);
  });

  it('reject: true sends misses to the dead letter with their position', async () => {
    const { rows, ctx } = await runTransform(filter, { where: 'id <= 1', reject: true }, [orders]);
    expect(rows.map((r) => r.id)).toEqual([1]);
    expect(ctx.rejects).toHaveLength(4);
    expect(ctx.rejects[0]).toMatchObject({ reason: 'filter: condition is false (id <= 1)', position: { file: 'data.csv', line: 3 } });
  });

  it('rejects rows whose condition cannot be evaluated', async () => {
    const batch = batchOf({ x: 'string' }, [{ x: '5' }, { x: 'five' }]);
    const { rows, ctx } = await runTransform(filter, { where: 'x > 1' }, [batch]);
    expect(rows).toEqual([{ x: '5' }]);
    expect(ctx.rejects).toEqual([{ record: { x: 'five' }, reason: "filter: cannot compare 'five' with 1", position: { file: 'data.csv', line: 3 } }]);
  });

  it('fails at the first batch on an unknown column, with a suggestion', async () => {
    await expect(runTransform(filter, { where: 'amout > 1' }, [orders])).rejects.toMatchObject({
      code: 'E_EXPRESSION', message: 'transform[0] filter: `where`: unknown column `amout` at 1:1', hint: 'did you mean `amount`?',
    });
  });

  it('uses the run start for now()', async () => {
    const batch = batchOf({ at: 'timestamp' }, [{ at: '2024-05-06T07:00:00Z' }, { at: '2024-05-06T08:00:00Z' }]);
    const { rows } = await runTransform(filter, { where: 'at < now()' }, [batch], { started_at: '2024-05-06T07:08:09.000Z' });
    expect(rows).toEqual([{ at: '2024-05-06T07:00:00Z' }]);
  });

  it('lint reports syntax errors at the YAML position', () => {
    const ctx: LintContext = {
      locate: (path) => (path === '/transform/0/where' ? { file: 'p.yml', line: 7, col: 12 } : undefined),
      issue: (path, code, message) => ({ severity: 'error', code, message, path }),
    };
    const issues = filter.lint!({ options: { type: 'filter', where: 'amount > (1 + )' }, path: '/transform/0' }, ctx);
    expect(issues).toEqual([{
      severity: 'error', code: 'E_EXPRESSION', path: '/transform/0/where',
      message: 'invalid expression: unexpected `)` at 1:15, expected an expression', location: { file: 'p.yml', line: 7, col: 26 },
    }]);
    expect(filter.lint!({ options: { where: 'amount > 1' }, path: '/transform/0' }, ctx)).toEqual([]);
    expect(filter.lint!({ options: { where: "lower(name) || 'x'" }, path: '/transform/0' }, ctx)).toMatchObject([
      { code: 'E_EXPRESSION', message: 'expected a condition (true/false), this expression gives a string' },
    ]);
  });
});
