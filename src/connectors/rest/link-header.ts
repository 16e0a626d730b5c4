/** One link of an RFC 8288 `Link` header: its target and its parameters (names lower-cased). */
export interface Link {
  readonly target: string;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses an RFC 8288 Link header: `<url>; rel="next"; title="a, b", <url2>; rel=prev`.
 * Commas and semicolons inside quoted strings and inside `<…>` are respected; quoted-pair
 * escapes (`\"`) are unescaped; the first occurrence of a parameter wins (as the RFC says).
 */
export function parseLinkHeader(header: string): Link[] {
  const links: Link[] = [];
  let i = 0;
  const n = header.length;
  const skipWs = (): void => {
    while (i < n && /[\s,]/.test(header[i]!)) i++;
  };
  while (i < n) {
    skipWs();
    if (i >= n) break;
    if (header[i] !== '<') {
      // malformed: skip to the next comma outside quotes
      i = nextComma(header, i);
      continue;
    }
    const close = header.indexOf('>', i + 1);
    if (close === -1) break;
    const target = header.slice(i + 1, close).trim();
    i = close + 1;
    const params: Record<string, string> = {};
    while (i < n) {
      while (i < n && /[ \t]/.test(header[i]!)) i++;
      if (header[i] !== ';') break;
      i++;
      while (i < n && /[ \t]/.test(header[i]!)) i++;
      const name = /^[^=;,\s]+/.exec(header.slice(i))?.[0] ?? '';
      i += name.length;
      while (i < n && /[ \t]/.test(header[i]!)) i++;
      let value = '';
      if (header[i] === '=') {
        i++;
        while (i < n && /[ \t]/.test(header[i]!)) i++;
        if (header[i] === '"') [value, i] = quoted(header, i);
        else {
          const token = /^[^;,\s]*/.exec(header.slice(i))?.[0] ?? '';
          value = token;
          i += token.length;
        }
      }
      const key = name.toLowerCase().replace(/\*$/, '');
      if (key && !(key in params)) params[key] = value;
    }
    links.push({ target, params });
    i = nextComma(header, i);
  }
  return links;
}

/** The target of the first link whose `rel` (space-separated, case-insensitive) includes `rel`. */
export function findLink(header: string | null | undefined, rel: string): string | undefined {
  if (!header) return undefined;
  const want = rel.toLowerCase();
  return parseLinkHeader(header).find((l) => (l.params['rel'] ?? '').toLowerCase().split(/\s+/).includes(want))?.target;
}

function quoted(text: string, start: number): [string, number] {
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      out += text[i + 1];
      i += 2;
    } else if (c === '"') {
      return [out, i + 1];
    } else {
      out += c;
      i++;
    }
  }
  return [out, i];
}

function nextComma(text: string, from: number): number {
  let i = from;
  let inQuote = false;
  let inAngle = false;
  while (i < text.length) {
    const c = text[i];
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === '"') inQuote = false;
    } else if (inAngle) {
      if (c === '>') inAngle = false;
    } else if (c === '"') inQuote = true;
    else if (c === '<') inAngle = true;
    else if (c === ',') return i + 1;
    i++;
  }
  return i;
}
