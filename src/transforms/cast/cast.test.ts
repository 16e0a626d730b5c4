import { describe, expect, it } from 'vitest';
import { cast } from './index.js';
import { castValue } from '../shared/convert.js';
import { batchOf, runTransform } from '../shared/run.js';

describe('castValue', () => {
  it('converts exactly', () => {
    expect(castValue('42', 'integer')).toEqual({ ok: true, value: 42 });
    expect(castValue('1.00', 'integer')).toEqual({ ok: true, value: 1 });
    expect(castValue('99999999999999999999', 'integer')).toEqual({ ok: true, value: 99999999999999999999n });
    expect(castValue('1.5', 'integer')).toEqual({ ok: false, reason: "'1.5' is not an integer (it has a fraction)" });
    expect(castValue('12.30', 'decimal')).toEqual({ ok: true, value: '12.30' });
    expect(castValue('.5', 'decimal')).toEqual({ ok: true, value: '0.5' });
    expect(castValue(0.1, 'decimal')).toEqual({ ok: true, value: '0.1' });
    expect(castValue('1e3', 'number')).toEqual({ ok: true, value: 1000 });
    expect(castValue('Yes', 'boolean')).toEqual({ ok: true, value: true });
    expect(castValue('2024-02-29', 'date')).toEqual({ ok: true, value: '2024-02-29' });
    expect(castValue('2023-02-29', 'date').ok).toBe(false);
    expect(castValue('2024-01-01T10:00:00Z', 'date').ok).toBe(false);
    expect(castValue('2024-01-01 10:00:00.123456+02:00', 'timestamp')).toEqual({ ok: true, value: '2024-01-01T08:00:00.123456Z' });
    expect(castValue('{"a":[1]}', 'json')).toEqual({ ok: true, value: { a: [1] } });
    expect(castValue(12n, 'string')).toEqual({ ok: true, value: '12' });
    expect(castValue(null, 'integer')).toEqual({ ok: true, value: null });
    expect(castValue('abc', 'binary')).toEqual({ ok: true, value: new Uint8Array([97, 98, 99]) });
  });
});

const batch = batchOf({ id: 'string', amount: 'string', paid: 'string' }, [
  { id: '1', amount: '10.50', paid: 'true' },
  { id: '2', amount: 'abc', paid: 'no' },
  { id: '3', amount: '7', paid: 'maybe' },
]);

describe('cast', () => {
  it('converts columns and updates the schema, rejecting bad rows with column and value', async () => {
    const { batches, ctx } = await runTransform(cast, { columns: { id: 'integer', amount: 'decimal', paid: 'boolean' } }, [batch]);
    expect(batches[0]!.schema.columns).toEqual([{ name: 'id', type: 'integer' }, { name: 'amount', type: 'decimal' }, { name: 'paid', type: 'boolean' }]);
    expect(batches[0]!.rows).toEqual([{ id: 1, amount: '10.50', paid: true }]);
    expect(batches[0]!.origin).toEqual([{ file: 'data.csv', line: 2 }]);
    expect(ctx.rejects.map((r) => [r.reason, r.column, r.position?.line])).toEqual([
      ["cast amount: 'abc' is not a decimal", 'amount', 3],
      ["cast paid: 'maybe' is not a boolean (true/false, yes/no, 1/0)", 'paid', 4],
    ]);
  });

  it('on_error: null keeps the row', async () => {
    const { rows } = await runTransform(cast, { columns: { amount: 'decimal' }, on_error: 'null' }, [batch]);
    expect(rows.map((r) => r.amount)).toEqual(['10.50', null, '7']);
  });

  it('on_error: fail stops with the position', async () => {
    await expect(runTransform(cast, { columns: { amount: 'decimal' }, on_error: 'fail' }, [batch])).rejects.toMatchObject({
      code: 'E_CAST', message: "transform[0] cast: cast amount: 'abc' is not a decimal (data.csv:3)",
    });
  });
});
