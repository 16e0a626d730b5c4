import { ExpressionSyntaxError } from './errors.js';

export type TokenKind = 'number' | 'string' | 'ident' | 'keyword' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** keywords and identifiers: lower-cased keyword or the identifier as written. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** identifiers written as "quoted name". */
  readonly quoted?: boolean;
}

export const KEYWORDS = new Set([
  'and', 'or', 'not', 'in', 'between', 'is', 'null', 'true', 'false', 'like', 'ilike',
  'case', 'when', 'then', 'else', 'end',
]);

const OPERATORS = ['<=', '>=', '<>', '!=', '==', '||', '??', '+', '-', '*', '/', '%', '=', '<', '>', '(', ')', ','];
export const MAX_SOURCE_LENGTH = 65_536;

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 46; // '.' for flattened names like a.b
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Splits the source into tokens. Only ASCII identifiers; anything else must be "quoted". */
export function tokenize(source: string): Token[] {
  if (source.length > MAX_SOURCE_LENGTH) {
    throw new ExpressionSyntaxError(source, 0, `expression is too long (${source.length} characters, at most ${MAX_SOURCE_LENGTH})`);
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
    } else if (isDigit(c) || (c === 46 && isDigit(source.charCodeAt(i + 1)))) {
      i = readNumber(source, i, tokens);
    } else if (c === 39) {
      i = readQuoted(source, i, 39, tokens);
    } else if (c === 34) {
      i = readQuoted(source, i, 34, tokens);
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < source.length && isIdentPart(source.charCodeAt(j))) j++;
      const word = source.slice(i, j);
      const lower = word.toLowerCase();
      if (KEYWORDS.has(lower)) tokens.push({ kind: 'keyword', text: lower, start: i, end: j });
      else tokens.push({ kind: 'ident', text: word, start: i, end: j });
      i = j;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (op === undefined) throw unexpectedChar(source, i);
      tokens.push({ kind: 'op', text: op, start: i, end: i + op.length });
      i += op.length;
    }
  }
  tokens.push({ kind: 'eof', text: '', start: source.length, end: source.length });
  return tokens;
}

function unexpectedChar(source: string, i: number): ExpressionSyntaxError {
  const ch = source[i]!;
  const code = source.codePointAt(i)!;
  const shown = code < 32 || code > 126 ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : ch;
  const hints: Record<string, string> = {
    '`': 'strings use single quotes (\'abc\'); column names with spaces use double quotes ("order id")',
    '&': 'use `and`',
    '|': 'use `or` (`||` joins text)',
    '!': 'use `not` (or `!=` for not equal)',
    '[': 'columns are plain names; there is no indexing',
    '.': 'there is no property access; flattened columns are written a.b',
  };
  return new ExpressionSyntaxError(source, i, `unexpected character \`${shown}\` {at}`, hints[ch]);
}

function readNumber(source: string, i: number, tokens: Token[]): number {
  const m = /^(?:\d+(?:_\d+)*)?(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(source.slice(i, i + 400));
  const text = m?.[0] ?? '';
  const j = i + text.length;
  if (j < source.length && (isIdentStart(source.charCodeAt(j)) || source.charCodeAt(j) === 46)) {
    throw new ExpressionSyntaxError(source, j, `unexpected \`${source[j]}\` after number {at}`);
  }
  tokens.push({ kind: 'number', text: text.replaceAll('_', ''), start: i, end: j });
  return j;
}

/** 'text' with '' for a quote; "name" with "" for a double quote. No backslash escapes. */
function readQuoted(source: string, i: number, quote: number, tokens: Token[]): number {
  let j = i + 1;
  let text = '';
  for (;;) {
    const k = source.indexOf(String.fromCharCode(quote), j);
    if (k < 0) {
      const what = quote === 39 ? 'string' : 'quoted name';
      throw new ExpressionSyntaxError(source, i, `unterminated ${what} {at}`, quote === 39 ? "close it with ' (write '' for a quote inside)" : undefined);
    }
    text += source.slice(j, k);
    if (source.charCodeAt(k + 1) === quote) {
      text += String.fromCharCode(quote);
      j = k + 2;
    } else {
      j = k + 1;
      break;
    }
  }
  if (quote === 39) tokens.push({ kind: 'string', text, start: i, end: j });
  else {
    if (text === '') throw new ExpressionSyntaxError(source, i, 'empty quoted name {at}');
    tokens.push({ kind: 'ident', text, start: i, end: j, quoted: true });
  }
  return j;
}
