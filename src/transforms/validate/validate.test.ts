import { describe, expect, it } from 'vitest';
import { validate } from './index.js';
import { batchOf, runTransform } from '../shared/run.js';
import type { LintContext } from '../../connectors/define.js';
import type { EtlEvent } from '../../core/events.js';

const cols = { id: 'integer', email: 'string', amount: 'decimal', status: 'string', updated_at: 'timestamp' } as const;
const b1 = batchOf(cols, [
  { id: 1, email: 'a@x.com', amount: '10.00', status: 'paid', updated_at: '2024-05-06T06:00:00Z' },
  { id: 2, email: null, amount: '5.5', status: 'paid', updated_at: '2024-05-05T00:00:00Z' },
  { id: 1, email: 'c@x.com', amount: '-1', status: 'void', updated_at: null },
]);
const b2 = batchOf(cols, [
  { id: 3, email: 'bad', amount: '100000.01', status: 'lost', updated_at: '2024-05-06T01:00:00+02:00' },
], 10);

function summary(events: EtlEvent[]) {
  const s = events.filter((e) => e.type === 'quality.summary');
  expect(s).toHaveLength(1);
  return (s[0] as Extract<EtlEvent, { type: 'quality.summary' }>).rules;
}

describe('validate', () => {
  it('rejects failing rows with rule, column, reason and source position', async () => {
    const { rows, ctx } = await runTransform(validate, {
      rules: [{ not_null: ['email'] }, { unique: ['id'] }, { range: { column: 'amount', min: 0, max: 100000 } }, { in: { column: 'status', values: ['paid', 'void'] } }],
    }, [b1, b2]);
    expect(rows.map((r) => r.id)).toEqual([1]);
    expect(ctx.rejects).toEqual([
      { record: b1.rows[1], reason: 'rule not_null(email): email is null', rule: 'not_null(email)', column: 'email', position: { file: 'data.csv', line: 3 } },
      { record: b1.rows[2], reason: "rule unique(id): duplicate id 1; rule range(amount): amount '-1' is below the minimum 0", rule: 'unique(id)', column: 'id', position: { file: 'data.csv', line: 4 } },
      {
        record: b2.rows[0], reason: "rule range(amount): amount '100000.01' is above the maximum 100000; rule in(status): status 'lost' is not one of 'paid', 'void'",
        rule: 'range(amount)', column: 'amount', position: { file: 'data.csv', line: 10 },
      },
    ]);
    expect(summary(ctx.emitted)).toEqual([
      { stage: 'transform[0] validate', rule: 'not_null(email)', checked: 4, failed: 1, failure_rate: 0.25, samples: [{ value: null, position: 'data.csv:3' }] },
      { stage: 'transform[0] validate', rule: 'unique(id)', checked: 4, failed: 1, failure_rate: 0.25, samples: [{ value: 1, position: 'data.csv:4' }] },
      { stage: 'transform[0] validate', rule: 'range(amount)', checked: 4, failed: 2, failure_rate: 0.5, samples: [{ value: '-1', position: 'data.csv:4' }, { value: '100000.01', position: 'data.csv:10' }] },
      { stage: 'transform[0] validate', rule: 'in(status)', checked: 4, failed: 1, failure_rate: 0.25, samples: [{ value: 'lost', position: 'data.csv:10' }] },
    ]);
  });

  it('drop removes rows silently but counts them; warn lets them pass with a warning', async () => {
    const dropped = await runTransform(validate, { on_fail: 'drop', rules: [{ not_null: ['email'] }] }, [b1]);
    expect(dropped.rows.map((r) => r.id)).toEqual([1, 1]);
    expect(dropped.ctx.rejects).toEqual([]);
    expect(summary(dropped.ctx.emitted)[0]).toMatchObject({ failed: 1 });
    const warned = await runTransform(validate, { rules: [{ regex: { column: 'email', pattern: '^[^@]+@[^@]+$' }, severity: 'warning' }] }, [b1, b2]);
    expect(warned.rows).toHaveLength(4);
    expect(warned.ctx.emitted).toContainEqual({ type: 'warning', stage: 'transform[0] validate', message: "rule regex(email): email 'bad' does not match ^[^@]+@[^@]+$ (data.csv:10)" });
  });

  it('fail throws a DataQualityError (exit 3) after emitting the summary', async () => {
    const run = runTransform(validate, { rules: [{ expr: 'amount >= 0', id: 'positive', on_fail: 'fail' }] }, [b1]);
    await expect(run).rejects.toMatchObject({ code: 'E_DATA_QUALITY', exitCode: 3, message: 'transform[0] validate: rule positive: amount >= 0 is false (data.csv:4)' });
  });

  it('checks length, type and expression rules; nulls pass', async () => {
    const { ctx } = await runTransform(validate, {
      rules: [{ length: { column: 'email', min: 4 } }, { type: { column: 'status', type: 'integer' }, id: 'status_is_int' }, { expr: "status != 'void'" }],
    }, [b1, b2]);
    expect(ctx.rejects.map((r) => r.reason)).toEqual([
      "rule status_is_int: status is not a valid integer: 'paid' is not an integer",
      "rule status_is_int: status is not a valid integer: 'paid' is not an integer",
      "rule status_is_int: status is not a valid integer: 'void' is not an integer; rule expr(status != 'void'): status != 'void' is false",
      "rule length(email): email has 3 characters, fewer than 4; rule status_is_int: status is not a valid integer: 'lost' is not an integer",
    ]);
  });

  it('checks freshness and row_count at the end', async () => {
    const ok = await runTransform(validate, { rules: [{ freshness: { column: 'updated_at', max_age: 'PT24H' } }, { row_count: { min: 1, max: 10 } }] }, [b1, b2]);
    expect(summary(ok.ctx.emitted).map((r) => [r.rule, r.checked, r.failed])).toEqual([['freshness(updated_at)', 1, 0], ['row_count', 1, 0]]);
    const stale = await runTransform(validate, { rules: [{ freshness: { column: 'updated_at', max_age: 'PT1H' } }] }, [b1]);
    expect(stale.ctx.emitted).toContainEqual({
      type: 'warning', stage: 'transform[0] validate',
      message: 'rule freshness(updated_at): newest updated_at is 2024-05-06T06:00:00Z, 1.1h before the run start (max_age PT1H)',
    });
    await expect(runTransform(validate, { rules: [{ row_count: { min: 5 }, on_fail: 'fail' }] }, [b1])).rejects.toMatchObject({ code: 'E_DATA_QUALITY', message: 'transform[0] validate: rule row_count: 3 rows, fewer than 5' });
  });

  it('refuses unknown columns at the first batch', async () => {
    await expect(runTransform(validate, { rules: [{ not_null: ['emial'] }] }, [b1])).rejects.toMatchObject({ code: 'E_UNKNOWN_COLUMN', hint: 'did you mean `email`?' });
  });

  it('lint reports bad expressions, regexes, durations and bounds', () => {
    const ctx: LintContext = {
      locate: (path) => ({ file: 'p.yml', line: path.length, col: 3 }),
      issue: (path, code, message) => ({ severity: 'error', code, message, path }),
    };
    const issues = validate.lint!({
      options: { rules: [{ expr: 'a >' }, { regex: { column: 'a', pattern: '(' } }, { freshness: { column: 'a', max_age: '24h' } }, { range: { column: 'a', min: 5, max: 1 } }] },
      path: '/transform/0',
    }, ctx);
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['E_EXPRESSION', '/transform/0/rules/0/expr'],
      ['E_REGEX', '/transform/0/rules/1/regex/pattern'],
      ['E_DURATION', '/transform/0/rules/2/freshness/max_age'],
      ['E_RANGE', '/transform/0/rules/3/range'],
    ]);
  });
});

describe('validate without input', () => {
  it('still checks row_count when no batch arrives', async () => {
    await expect(runTransform(validate, { rules: [{ row_count: { min: 1 } , on_fail: 'fail' }] }, [])).rejects.toMatchObject({ message: 'transform[0] validate: rule row_count: 0 rows, fewer than 1' });
  });
});
