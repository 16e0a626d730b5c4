/** Character-level helpers for the record body scanner (fast-body.ts). */

/** The scanner did not take the text: saxes parses it instead (and reports any error). */
export const NOT_TAKEN = -1;

export const LT = 60;
export const GT = 62;
export const AMP = 38;
export const SLASH = 47;
export const BANG = 33;
export const EQ = 61;
export const LF = 10;
export const CR = 13;
export const TAB = 9;
export const SPACE = 32;
export const DQUOTE = 34;
export const SQUOTE = 39;
export const CLOSE_BRACKET = 93;

/** ASCII name characters: 1 may start a name (A-Z a-z _ :), 2 may only continue one (0-9 - .). */
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_:]/.test(ch)) NAME_CHAR[c] = 1;
  else if (/[0-9.-]/.test(ch)) NAME_CHAR[c] = 2;
}

export const ENTITIES: readonly (readonly [string, string])[] = [['amp;', '&'], ['lt;', '<'], ['gt;', '>'], ['quot;', '"'], ['apos;', "'"]];

export function isSpace(c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === CR;
}

/** The character may continue a name (any non-ASCII one might). */
export function continuesName(c: number): boolean {
  return c < 128 ? NAME_CHAR[c] !== 0 : c >= 128;
}

/** End of an ASCII XML name starting at `from`; NOT_TAKEN when there is none or it goes on in non-ASCII. */
export function nameEnd(s: string, from: number): number {
  const first = s.charCodeAt(from);
  if (!(first < 128 && NAME_CHAR[first] === 1)) return NOT_TAKEN;
  let i = from + 1;
  for (;;) {
    const c = s.charCodeAt(i);
    if (c < 128 && NAME_CHAR[c] !== 0) i++;
    else return c >= 128 || Number.isNaN(c) ? NOT_TAKEN : i;
  }
}

/** Which of the five predefined entities starts at `from` (after the `&`), or -1. */
export function entityAt(s: string, from: number): number {
  for (let e = 0; e < ENTITIES.length; e++) if (s.startsWith((ENTITIES[e] as readonly [string, string])[0], from)) return e;
  return -1;
}

/**
 * The index just after the `>` of the next start tag named by `needle` (`<order`) from `from`,
 * or -1. A match inside a comment or CDATA is harmless: it only decides where saxes' input is
 * cut, and the caller checks with saxes that a record really opened there. Linear: a tag that
 * does not end before the next `<` is skipped up to that `<`.
 */
export function startTagEnd(s: string, from: number, needle: string): number {
  let at = s.indexOf(needle, from);
  while (at >= 0) {
    let i = at + needle.length;
    const c = s.charCodeAt(i);
    if (c === GT) return i + 1;
    if (c === SLASH || isSpace(c)) {
      const end = tagEnd(s, i);
      if (end >= 0) return end;
      i = -end - 1;
      if (i >= s.length) return -1;
    }
    at = s.indexOf(needle, i);
  }
  return -1;
}

/** The index after the `>` closing a tag (skipping quoted values), or -(index + 1) of the `<` or end that stopped it. */
function tagEnd(s: string, from: number): number {
  let quote = 0;
  let i = from;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === DQUOTE || c === SQUOTE) quote = c;
    else if (c === GT) return i + 1;
    else if (c === LT) break;
  }
  return -i - 1;
}
