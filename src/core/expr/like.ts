/**
 * SQL LIKE without regular expressions: `%` matches any run of characters, `_` exactly one.
 * The greedy matcher with one backtrack point runs in O(text × pattern) at worst, so a hostile
 * pattern like '%a%a%a%…b' cannot blow up (no catastrophic backtracking).
 */
export type LikeMatcher = (text: string) => boolean;

export function compileLike(pattern: string, caseInsensitive: boolean): LikeMatcher {
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  if (!p.includes('_')) {
    // fast paths for the common shapes: 'abc', 'abc%', '%abc', '%abc%'
    const inner = p.slice(1, -1);
    if (!p.includes('%')) return fold(caseInsensitive, (t) => t === p);
    if (/^[^%]*%$/.test(p)) return fold(caseInsensitive, (t) => t.startsWith(p.slice(0, -1)));
    if (/^%[^%]*$/.test(p)) return fold(caseInsensitive, (t) => t.endsWith(p.slice(1)));
    if (p.length >= 2 && p.startsWith('%') && p.endsWith('%') && !inner.includes('%')) return fold(caseInsensitive, (t) => t.includes(inner));
  }
  return fold(caseInsensitive, (t) => likeMatch(t, p));
}

function fold(caseInsensitive: boolean, match: LikeMatcher): LikeMatcher {
  return caseInsensitive ? (t) => match(t.toLowerCase()) : match;
}

export function likeMatch(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === '%') {
      starP = p++;
      starT = t;
    } else if (pc !== undefined && (pc === '_' || pc === text[t])) {
      p++;
      t++;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === '%') p++;
  return p === pattern.length;
}
