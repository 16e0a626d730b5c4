import type { Value } from '../../records/types.js';
import { ExpressionRuntimeError } from '../errors.js';
import type { FunctionDef, StaticType } from '../types.js';
import { toText } from '../values.js';
import { toInt } from './numeric.js';

const MAX_PAD = 1_000_000;
const text = (): StaticType => 'string';
const bool = (): StaticType => 'boolean';
const str = (v: Value): string => toText(v);

function chars(s: string): string[] {
  return Array.from(s);
}

function pad(left: boolean) {
  return (args: Value[]): Value => {
    const s = chars(str(args[0]!));
    const n = toInt(args[1]!, left ? 'lpad' : 'rpad');
    if (n > MAX_PAD) throw new ExpressionRuntimeError(`${left ? 'lpad' : 'rpad'}: length ${n} is too large (at most ${MAX_PAD})`);
    if (n <= s.length) return s.slice(0, Math.max(n, 0)).join('');
    const fill = chars(args.length > 2 ? str(args[2]!) : ' ');
    if (fill.length === 0) return s.join('');
    const extra: string[] = [];
    for (let i = 0; extra.length < n - s.length; i++) extra.push(fill[i % fill.length]!);
    return left ? extra.join('') + s.join('') : s.join('') + extra.join('');
  };
}

function substr(args: Value[]): Value {
  const s = chars(str(args[0]!));
  const start = toInt(args[1]!, 'substr');
  const len = args.length > 2 ? toInt(args[2]!, 'substr') : s.length + Math.abs(start) + 1;
  if (len < 0) throw new ExpressionRuntimeError('substr: negative length');
  const from = Math.max(start, 1);
  const to = start + len; // exclusive, 1-based
  return to <= from ? '' : s.slice(from - 1, to - 1).join('');
}

function splitPart(args: Value[]): Value {
  const s = str(args[0]!);
  const delim = str(args[1]!);
  const n = toInt(args[2]!, 'split_part');
  if (n === 0) throw new ExpressionRuntimeError('split_part: field position must not be 0');
  const parts = delim === '' ? [s] : s.split(delim);
  const i = n > 0 ? n - 1 : parts.length + n;
  return parts[i] ?? '';
}

function trimChars(mode: 'both' | 'left' | 'right') {
  return (args: Value[]): Value => {
    const s = str(args[0]!);
    if (args.length < 2) return mode === 'both' ? s.trim() : mode === 'left' ? s.trimStart() : s.trimEnd();
    const set = new Set(chars(str(args[1]!)));
    const cs = chars(s);
    let a = 0;
    let b = cs.length;
    if (mode !== 'right') while (a < b && set.has(cs[a]!)) a++;
    if (mode !== 'left') while (b > a && set.has(cs[b - 1]!)) b--;
    return cs.slice(a, b).join('');
  };
}

export const textFunctions: FunctionDef[] = [
  { name: 'lower', signature: 'lower(s)', doc: 'lower case', min: 1, max: 1, returns: text, impl: (a) => str(a[0]!).toLowerCase() },
  { name: 'upper', signature: 'upper(s)', doc: 'upper case', min: 1, max: 1, returns: text, impl: (a) => str(a[0]!).toUpperCase() },
  { name: 'trim', signature: 'trim(s[, chars])', doc: 'removes spaces (or the given characters) at both ends', min: 1, max: 2, returns: text, impl: trimChars('both') },
  { name: 'ltrim', signature: 'ltrim(s[, chars])', doc: 'trim at the start', min: 1, max: 2, returns: text, impl: trimChars('left') },
  { name: 'rtrim', signature: 'rtrim(s[, chars])', doc: 'trim at the end', min: 1, max: 2, returns: text, impl: trimChars('right') },
  { name: 'length', signature: 'length(s)', doc: 'number of characters (code points)', min: 1, max: 1, returns: () => 'integer', impl: (a) => chars(str(a[0]!)).length },
  { name: 'substr', signature: 'substr(s, start[, len])', doc: 'characters from `start` (1-based), `len` of them', min: 2, max: 3, returns: text, impl: substr },
  { name: 'replace', signature: 'replace(s, from, to)', doc: 'replaces every occurrence of `from` (plain text, not a pattern)', min: 3, max: 3, returns: text, impl: (a) => (str(a[1]!) === '' ? str(a[0]!) : str(a[0]!).split(str(a[1]!)).join(str(a[2]!))) },
  { name: 'concat', signature: 'concat(a, b, …)', doc: 'joins the texts, skipping nulls (`a || b` is null when either is null)', min: 1, max: 255, strict: false, returns: text, impl: (a) => a.filter((v) => v !== null).map(str).join('') },
  { name: 'contains', signature: 'contains(s, part)', doc: 'true when `part` occurs in `s`', min: 2, max: 2, returns: bool, impl: (a) => str(a[0]!).includes(str(a[1]!)) },
  { name: 'starts_with', signature: 'starts_with(s, prefix)', doc: 'true when `s` starts with `prefix`', min: 2, max: 2, returns: bool, impl: (a) => str(a[0]!).startsWith(str(a[1]!)) },
  { name: 'ends_with', signature: 'ends_with(s, suffix)', doc: 'true when `s` ends with `suffix`', min: 2, max: 2, returns: bool, impl: (a) => str(a[0]!).endsWith(str(a[1]!)) },
  { name: 'split_part', signature: 'split_part(s, delimiter, n)', doc: 'the n-th field (1-based; negative counts from the end; \'\' when out of range)', min: 3, max: 3, returns: text, impl: splitPart },
  { name: 'lpad', signature: 'lpad(s, n[, fill])', doc: 'pads on the left to n characters (truncates when longer)', min: 2, max: 3, returns: text, impl: pad(true) },
  { name: 'rpad', signature: 'rpad(s, n[, fill])', doc: 'pads on the right to n characters (truncates when longer)', min: 2, max: 3, returns: text, impl: pad(false) },
];
