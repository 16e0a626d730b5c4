import { EtlError, ExitCode } from '../errors.js';

/** Line and column (1-based) of an offset within the expression text. */
export function lineCol(source: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: offset - start + 1 };
}

/**
 * A bad expression: syntax, an unknown function or column, a wrong argument count. `offset` is
 * 0-based; `line`/`col` are 1-based within the expression text (not the YAML file).
 */
export class ExpressionSyntaxError extends EtlError {
  readonly exitCode = ExitCode.Invalid;
  readonly offset: number;
  readonly line: number;
  readonly col: number;
  /** the message without the position, for callers that add their own location. */
  readonly reason: string;

  constructor(source: string, offset: number, reason: string, hint?: string) {
    const { line, col } = lineCol(source, offset);
    super('E_EXPR_SYNTAX', reason.replace('{at}', `at ${line}:${col}`), hint === undefined ? {} : { hint });
    this.offset = offset;
    this.line = line;
    this.col = col;
    this.reason = reason.replace(' {at}', '').replace('{at}', '');
  }
}

/**
 * A row-level failure while evaluating (division by zero, a text that is not a number, a bad
 * date). Transforms turn it into a reject naming the column and reason; it never ends a run.
 */
export class ExpressionRuntimeError extends EtlError {
  readonly exitCode = ExitCode.RunFailed;
  constructor(message: string) {
    super('E_EXPR_RUNTIME', message);
  }
}

/** Edit distance with transpositions (optimal string alignment), case-insensitive. */
export function editDistance(x: string, y: string): number {
  const a = x.toLowerCase();
  const b = y.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate within a small edit distance, or undefined. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestScore) {
      best = c;
      bestScore = d;
    }
  }
  const limit = Math.max(1, Math.floor(name.length / 3));
  return bestScore <= limit ? best : undefined;
}
