import { describe, expect, it } from 'vitest';
import { keyRanges, rangeCondition } from '../../src/connectors/postgres/partition-keys.js';
import { splitRange } from '../../src/connectors/sql/partition.js';

describe('partition key ranges (postgres text bounds over sql/partition splitRange)', () => {
  it('cuts integers into ranges that cover min…max once (bigint-safe)', () => {
    expect(keyRanges('1', '100', 4, splitRange)).toEqual([
      { lo: '1', hi: '26', last: false }, { lo: '26', hi: '51', last: false }, { lo: '51', hi: '76', last: false }, { lo: '76', hi: '100', last: true },
    ]);
    expect(keyRanges('5', '5', 3, splitRange)).toEqual([{ lo: '5', hi: '5', last: true }]);
    expect(keyRanges('-10', '9007199254740993', 2, splitRange).map((r) => r.hi)).toEqual(['4503599627370492', '9007199254740993']);
  });

  it('cuts timestamps as microseconds (UTC) and refuses other values', () => {
    expect(keyRanges('2024-01-01 00:00:00+00', '2024-01-01 00:00:03+00', 2, splitRange)).toEqual([
      { lo: '2024-01-01T00:00:00.000000Z', hi: '2024-01-01T00:00:01.500000Z', last: false },
      { lo: '2024-01-01T00:00:01.500000Z', hi: '2024-01-01T00:00:03.000000Z', last: true },
    ]);
    expect(() => keyRanges('a', 'b', 2, splitRange)).toThrow(/not integers, dates or timestamps/);
  });

  it('builds the conditions: `<` inside, `<=` on the last range, NULL keys with the first', () => {
    const ph = (i: number) => `$${i}`;
    expect(rangeCondition('k', { lo: '1', hi: '10', last: false }, ph, 1, true)).toEqual({ sql: '(k IS NULL OR (k >= $1 AND k < $2))', params: ['1', '10'] });
    expect(rangeCondition('k', { lo: '10', hi: '20', last: true }, ph, 3)).toEqual({ sql: 'k >= $3 AND k <= $4', params: ['10', '20'] });
  });
});
