import type { LintContext } from '../../connectors/define.js';
import type { Issue, Location } from '../../core/issues.js';
import { compileExpression, ExpressionSyntaxError } from '../../core/expr/index.js';

/**
 * Where character `offset` of the expression sits in the YAML file. The config layer's
 * locateOffset walks the scalar (quotes, escapes, block scalars) when it is available; otherwise
 * we approximate from the scalar's start: same line → col + offset; later lines → the column
 * within that line plus the block's indentation (exact for plain and literal `|` blocks).
 */
export function locateInExpression(ctx: LintContext, path: string, source: string, offset: number): Location | undefined {
  if (ctx.locateOffset) return ctx.locateOffset(path, offset) ?? ctx.locate(path);
  const start = ctx.locate(path);
  if (!start) return undefined;
  const before = source.slice(0, offset);
  const lines = before.split('\n');
  if (lines.length === 1) return { ...start, col: start.col + offset };
  return { file: start.file, line: start.line + lines.length - 1, col: start.col + lines[lines.length - 1]!.length };
}

const CONDITION_TYPES: ReadonlySet<string> = new Set(['boolean', 'any', 'null']);

/** Compiles (pure) and turns a syntax error into an issue at its YAML position. */
export function lintExpression(ctx: LintContext, path: string, source: unknown, condition = false): Issue[] {
  if (typeof source !== 'string') return [];
  try {
    const type = compileExpression(source).type;
    if (condition && !CONDITION_TYPES.has(type)) {
      return [ctx.issue(path, 'E_EXPRESSION', `expected a condition (true/false), this expression gives a ${type}`, 'compare it: amount > 0, status = \'paid\'')];
    }
    return [];
  } catch (err) {
    if (!(err instanceof ExpressionSyntaxError)) throw err;
    const location = locateInExpression(ctx, path, source, err.offset);
    const message = `invalid expression: ${err.message}`;
    return [{ severity: 'error', code: 'E_EXPRESSION', message, path, ...(location ? { location } : {}), ...(err.hint ? { hint: err.hint } : {}) }];
  }
}

export function pointer(...parts: (string | number)[]): string {
  return parts.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
