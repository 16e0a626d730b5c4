import { describe, expect, it } from 'vitest';
import { compileExpression, expressionReference, FUNCTIONS } from './index.js';

describe('language reference', () => {
  const text = expressionReference();

  it('lists every function', () => {
    for (const f of FUNCTIONS.values()) expect(text).toContain(`| \`${f.signature}\` |`);
  });

  it('its examples evaluate as it says', () => {
    expect(compileExpression("'1.005' * 3").evaluate({})).toBe('3.015');
    expect(compileExpression('0.1 + 0.2').evaluate({})).toBe('0.3');
    expect(compileExpression('7 / 2').evaluate({})).toBe(3.5);
    expect(compileExpression("'2024-01-01T01:00:00+01:00' = '2024-01-01T00:00:00Z'").evaluate({})).toBe(true);
    expect(compileExpression("'10' < '9'").evaluate({})).toBe(true);
    expect(text).toContain("'1.005' * 3` is `'3.015'`");
  });
});
