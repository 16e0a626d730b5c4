import { describe, expect, it } from 'vitest';
import { compileExpression, ExpressionRuntimeError, ExpressionSyntaxError } from './index.js';

/**
 * Hostile expressions. Each must fail to compile (syntax / unknown name) or evaluate to a
 * harmless value computed from the row's own data. None may reach a prototype, a global, the
 * process, a module loader, or hang.
 */
const row = { amount: 5, name: 'bob' };
const FORBIDDEN = [Object, Function, Object.prototype, globalThis, process];

type Outcome = 'rejected' | 'harmless';

function attempt(src: string): Outcome {
  let compiled;
  try {
    compiled = compileExpression(src, {});
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionSyntaxError);
    return 'rejected';
  }
  let value: unknown;
  try {
    value = compiled.evaluate(row);
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionRuntimeError);
    return 'harmless';
  }
  expect(value === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof value)).toBe(true);
  for (const f of FORBIDDEN) expect(value).not.toBe(f);
  if (typeof value === 'string') expect(value).not.toMatch(/function|native code|\[object/);
  return 'harmless';
}

const ATTEMPTS: [string, Outcome][] = [
  ['constructor', 'harmless'],
  ['__proto__', 'harmless'],
  ['prototype', 'harmless'],
  ['toString', 'harmless'],
  ['hasOwnProperty', 'harmless'],
  ['valueOf', 'harmless'],
  ['constructor.constructor', 'harmless'],
  ['toString.constructor', 'harmless'],
  ['name.constructor', 'harmless'],
  ['"__proto__"', 'harmless'],
  ['"constructor"', 'harmless'],
  ['this', 'harmless'],
  ['globalThis', 'harmless'],
  ['process', 'harmless'],
  ['process.env', 'harmless'],
  ['process.exit()', 'rejected'],
  ["require('fs')", 'rejected'],
  ["import('fs')", 'rejected'],
  ["eval('1')", 'rejected'],
  ["Function('return process')()", 'rejected'],
  ['constructor(1)', 'rejected'],
  ['toString()', 'rejected'],
  ['__proto__()', 'rejected'],
  ['hasOwnProperty()', 'rejected'],
  ["row['constructor']", 'rejected'],
  ["amount['constructor']", 'rejected'],
  ['amount.constructor', 'harmless'],
  ['name["constructor"]', 'rejected'],
  ['`${process.exit()}`', 'rejected'],
  ["'\\u0063onstructor'", 'harmless'],
  ['\\u0063onstructor', 'rejected'],
  ['x => 1', 'rejected'],
  ['(() => 1)()', 'rejected'],
  ['new Function', 'rejected'],
  ['a = 1; process.exit()', 'rejected'],
  ['amount; process', 'rejected'],
  ['{}.constructor', 'rejected'],
  ['[].constructor', 'rejected'],
  ["lower.constructor('x')", 'rejected'],
  ["concat(constructor, __proto__)", 'harmless'],
  ["coalesce(__proto__, 'safe')", 'harmless'],
  ['amount /* comment */', 'rejected'],
  ['amount -- comment', 'harmless'],
  ["'a' || constructor", 'harmless'],
  ['cоnstructor', 'rejected'], // Cyrillic о
  ['\u0000', 'rejected'],
];

describe('sandbox', () => {
  it(`has at least 25 attempts (${ATTEMPTS.length})`, () => {
    expect(ATTEMPTS.length).toBeGreaterThanOrEqual(25);
  });

  for (const [src, outcome] of ATTEMPTS) {
    it(`${JSON.stringify(src)} is ${outcome}`, () => {
      expect(attempt(src)).toBe(outcome);
    });
  }

  it('never reads inherited properties, even when the row has a prototype', () => {
    const proto = { secret: 'inherited' };
    const child = Object.create(proto) as Record<string, unknown>;
    child.own = 1;
    expect(compileExpression('secret').evaluate(child as never)).toBe(null);
    expect(compileExpression('own').evaluate(child as never)).toBe(1);
  });

  it('does not pollute Object.prototype through a __proto__ column', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, never>;
    const e = compileExpression('__proto__');
    e.evaluate(hostile);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses deep nesting with a syntax error, not a stack overflow', () => {
    for (const src of ['('.repeat(5000) + '1' + ')'.repeat(5000), 'not '.repeat(5000) + 'true', '-'.repeat(5000) + '1', '1' + ' + 1'.repeat(5000), 'lower('.repeat(3000) + "'a'" + ')'.repeat(3000)]) {
      expect(() => compileExpression(src)).toThrow(/nested too deeply/);
    }
  });

  it('refuses very long input', () => {
    expect(() => compileExpression(`'${'a'.repeat(100_000)}'`)).toThrow(/too long/);
  });

  it('evaluates hostile LIKE patterns in linear time', () => {
    const text = 'a'.repeat(20_000);
    const e = compileExpression(`s like '${'%a'.repeat(30)}%b'`);
    const t0 = performance.now();
    expect(e.evaluate({ s: text })).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('bounds memory-hungry functions', () => {
    expect(() => compileExpression("lpad('a', 2000000000)").evaluate({})).toThrow(ExpressionRuntimeError);
  });
});
