/**
 * The small path syntax of `records`, `cursor_path`, `next_path` and `errors_path`:
 * - `$`, `` (empty): the value itself;
 * - dotted keys: `data.items`, with an optional `$.` prefix (`$.data.items`);
 * - a number picks an array element: `results.0.items`, also written `results[0].items`;
 * - `['odd key']` or `["odd.key"]` for keys holding dots or spaces.
 * No wildcards, filters or recursive descent.
 */
export type PathSegment = string | number;

export function parsePath(path: string | undefined): PathSegment[] {
  const text = (path ?? '').trim();
  if (text === '' || text === '$') return [];
  let rest = text.startsWith('$') ? text.slice(1) : text;
  const segments: PathSegment[] = [];
  while (rest.length > 0) {
    if (rest.startsWith('.')) rest = rest.slice(1);
    const bracket = /^\[\s*(?:(\d+)|'([^']*)'|"([^"]*)")\s*\]/.exec(rest);
    if (bracket) {
      segments.push(bracket[1] !== undefined ? Number(bracket[1]) : (bracket[2] ?? bracket[3] ?? ''));
      rest = rest.slice(bracket[0].length);
      continue;
    }
    const key = /^[^.[\]]+/.exec(rest);
    if (!key) throw new Error(`invalid path "${text}" near "${rest}"`);
    segments.push(/^\d+$/.test(key[0]) ? Number(key[0]) : key[0]);
    rest = rest.slice(key[0].length);
  }
  return segments;
}

/** The value at `segments`, or `undefined` when a step is missing (distinct from a JSON null). */
export function getPath(value: unknown, segments: readonly PathSegment[]): unknown {
  let v = value;
  for (const s of segments) {
    if (v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) {
      if (typeof s !== 'number') return undefined;
      v = v[s];
    } else {
      v = (v as Record<string, unknown>)[String(s)];
    }
  }
  return v;
}
