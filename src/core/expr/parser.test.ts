import { describe, expect, it } from 'vitest';
import { compileExpression, ExpressionSyntaxError, parseExpression } from './index.js';

const ev = (src: string, row: Record<string, unknown> = {}) => compileExpression(src).evaluate(row as never);

function syntaxError(src: string, options?: Parameters<typeof compileExpression>[1]): ExpressionSyntaxError {
  try {
    compileExpression(src, options);
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionSyntaxError);
    return err as ExpressionSyntaxError;
  }
  throw new Error(`expected a syntax error for ${src}`);
}

describe('grammar', () => {
  it('parses literals', () => {
    expect(ev('42')).toBe(42);
    expect(ev('1.50')).toBe('1.50');
    expect(ev('.5')).toBe('0.5');
    expect(ev('1e3')).toBe(1000);
    expect(ev('1_000')).toBe(1000);
    expect(ev("'it''s'")).toBe("it's");
    expect(ev('true')).toBe(true);
    expect(ev('FALSE')).toBe(false);
    expect(ev('null')).toBe(null);
    expect(ev('12345678901234567890')).toBe(12345678901234567890n);
  });

  it('reads plain, dotted and quoted column names', () => {
    const row = { amount: 3, 'order id': 7, 'a.b': 1, 'say "hi"': 2 };
    expect(ev('amount', row)).toBe(3);
    expect(ev('"order id"', row)).toBe(7);
    expect(ev('a.b', row)).toBe(1);
    expect(ev('"say ""hi"""', row)).toBe(2);
    expect(ev('missing', row)).toBe(null);
  });

  it('follows SQL precedence', () => {
    expect(ev('1 + 2 * 3')).toBe(7);
    expect(ev('(1 + 2) * 3')).toBe(9);
    expect(ev('10 - 4 - 3')).toBe(3);
    expect(ev('-2 * 3')).toBe(-6);
    expect(ev('- - 2')).toBe(2);
    expect(ev('2 * -3')).toBe(-6);
    expect(ev('7 % 4 + 1')).toBe(4);
    expect(ev('true or false and false')).toBe(true);
    expect(ev('not true or true')).toBe(true);
    expect(ev('not (true or true)')).toBe(false);
    expect(ev('1 + 1 = 2 and 3 > 2')).toBe(true);
    expect(ev("'a' || 1 + 2")).toBe('a3');
    expect(ev('null ?? 1 + 1')).toBe(2);
    expect(ev('x between 1 and 5 and y = 2', { x: 3, y: 2 })).toBe(true);
    expect(ev('not x in (1, 2)', { x: 3 })).toBe(true);
  });

  it('parses every comparison spelling', () => {
    expect(ev('1 = 1')).toBe(true);
    expect(ev('1 == 1')).toBe(true);
    expect(ev('1 != 2')).toBe(true);
    expect(ev('1 <> 1')).toBe(false);
    expect(ev('1 < 2 and 2 <= 2 and 3 > 2 and 3 >= 3')).toBe(true);
  });

  it('parses predicates', () => {
    expect(ev("s in ('a', 'b')", { s: 'b' })).toBe(true);
    expect(ev("s not in ('a', 'b')", { s: 'b' })).toBe(false);
    expect(ev('x between 1 and 3', { x: 3 })).toBe(true);
    expect(ev('x not between 1 and 3', { x: 4 })).toBe(true);
    expect(ev('x is null', { x: null })).toBe(true);
    expect(ev('x is not null', { x: 1 })).toBe(true);
    expect(ev("s like 'a%c'", { s: 'abbc' })).toBe(true);
    expect(ev("s like 'a_c'", { s: 'abbc' })).toBe(false);
    expect(ev("s not like '%x%'", { s: 'abc' })).toBe(true);
    expect(ev("s ilike 'ABC'", { s: 'abc' })).toBe(true);
  });

  it('parses case in both forms', () => {
    expect(ev("case when x > 10 then 'big' when x > 5 then 'mid' else 'small' end", { x: 7 })).toBe('mid');
    expect(ev("case x when 1 then 'one' when 2 then 'two' end", { x: 2 })).toBe('two');
    expect(ev("case x when 1 then 'one' end", { x: 3 })).toBe(null);
  });

  it('builds an AST with offsets', () => {
    const ast = parseExpression('a + 1');
    expect(ast).toMatchObject({ kind: 'binary', op: '+', start: 0, end: 5, left: { kind: 'column', name: 'a' } });
  });
});

describe('syntax errors', () => {
  it('names the token, the position and what was expected', () => {
    const err = syntaxError('amount > (1 + )');
    expect(err.message).toBe('unexpected `)` at 1:15, expected an expression');
    expect(err).toMatchObject({ offset: 14, line: 1, col: 15, code: 'E_EXPR_SYNTAX' });
  });

  it('counts lines in multi-line expressions', () => {
    const err = syntaxError('a > 1\n  and b <');
    expect(err).toMatchObject({ line: 2, col: 10 });
    expect(err.message).toContain('unexpected end of expression at 2:10');
  });

  it('reports unterminated strings, stray characters and trailing tokens', () => {
    expect(syntaxError("name = 'abc").message).toContain('unterminated string at 1:8');
    expect(syntaxError('a && b').hint).toBe('use `and`');
    expect(syntaxError('a b').message).toContain('unexpected `b` at 1:3');
    expect(syntaxError('').message).toContain('empty expression');
    expect(syntaxError('x in ()').message).toContain('empty in () list');
    expect(syntaxError('case end').message).toContain('expected `when`');
    expect(syntaxError('x is 1').message).toContain('expected `null` after `is`');
  });

  it('suggests the closest column and function', () => {
    const col = syntaxError('amout > 1', { columns: ['amount', 'qty'] });
    expect(col.message).toBe('unknown column `amout` at 1:1');
    expect(col.hint).toBe('did you mean `amount`?');
    const fn = syntaxError('lowr(name)');
    expect(fn.message).toBe('unknown function `lowr` at 1:1');
    expect(fn.hint).toBe('did you mean `lower`?');
    expect(syntaxError('status = "void"', { columns: ['status'] }).hint).toContain('single quotes');
  });

  it('checks arity and date units at compile time', () => {
    expect(syntaxError('round(1, 2, 3)').message).toBe('round() takes 1 to 2 arguments, got 3 at 1:1');
    expect(syntaxError("date_trunc('dya', ts)").message).toContain("unknown date unit 'dya' at 1:12");
    expect(syntaxError('active + 1', { types: { active: 'boolean' } }).message).toContain('needs numbers');
  });

  it('lists referenced columns', () => {
    expect(compileExpression('a + b * a > c').columns).toEqual(['a', 'b', 'c']);
  });
});
