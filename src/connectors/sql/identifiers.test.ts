import { describe, expect, it } from 'vitest';
import { createDialect, incrementalQuery, selectFromTable, subquery } from './dialect.js';
import { quoteIdent, quoteQualified, splitQualifiedName } from './identifiers.js';

describe('identifiers', () => {
  it('quotes with doubled quotes', () => {
    expect(quoteIdent('a')).toBe('"a"');
    expect(quoteIdent('x"; drop table y; --')).toBe('"x""; drop table y; --"');
    expect(() => quoteIdent('a\u0000b')).toThrow(/NUL/);
  });

  it('splits on the first unquoted dot', () => {
    expect(splitQualifiedName('orders')).toEqual({ name: 'orders' });
    expect(splitQualifiedName('analytics.orders')).toEqual({ schema: 'analytics', name: 'orders' });
    expect(splitQualifiedName('Sales.Orders')).toEqual({ schema: 'Sales', name: 'Orders' });
    expect(splitQualifiedName('"my.schema"."Or""ders"')).toEqual({ schema: 'my.schema', name: 'Or"ders' });
    expect(splitQualifiedName('a.b.c')).toEqual({ schema: 'a', name: 'b.c' });
    expect(splitQualifiedName('x"; drop table y; --')).toEqual({ name: 'x"; drop table y; --' });
    expect(splitQualifiedName('"unbalanced')).toEqual({ name: '"unbalanced' });
    expect(splitQualifiedName('.lead')).toEqual({ name: '.lead' });
    expect(splitQualifiedName('trail.')).toEqual({ name: 'trail.' });
    expect(quoteQualified(splitQualifiedName('s.t'))).toBe('"s"."t"');
  });
});

describe('dialect helpers', () => {
  const dialect = createDialect({
    name: 'test',
    placeholder: (i) => `$${i}`,
    types: { toNative: () => 'text', table: { string: 'text', integer: 'bigint', number: 'real', decimal: 'numeric', boolean: 'bool', date: 'date', timestamp: 'ts', json: 'json', binary: 'blob' } },
  });

  it('builds the select of a table with a column list', () => {
    expect(selectFromTable(dialect, 'a.b', ['id', 'We"ird'])).toBe('SELECT "id", "We""ird" FROM "a"."b"');
    expect(selectFromTable(dialect, 't')).toBe('SELECT * FROM "t"');
  });

  it('wraps a query in an incremental window numbered after its own params', () => {
    const q = incrementalQuery(dialect, { sql: 'SELECT * FROM t WHERE k = $1;', params: ['x'] }, { column: 'up"d', after: '2024-01-01', until: '2024-02-01' });
    expect(q).toEqual({
      sql: 'SELECT * FROM (SELECT * FROM t WHERE k = $1) AS src WHERE src."up""d" > $2 AND src."up""d" <= $3 ORDER BY src."up""d"',
      params: ['x', '2024-01-01', '2024-02-01'],
    });
    expect(incrementalQuery(dialect, { sql: 'SELECT 1', params: [] }, { column: 'c' }).sql).toBe('SELECT * FROM (SELECT 1) AS src ORDER BY src."c"');
    expect(incrementalQuery(dialect, { sql: 'SELECT 1', params: [] }, undefined)).toEqual({ sql: 'SELECT 1', params: [] });
    expect(subquery('SELECT 1 -- note')).toBe('(SELECT 1 -- note\n)');
  });
});
