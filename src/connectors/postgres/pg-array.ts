/**
 * Parses PostgreSQL's text form of an array ('{1,2,NULL,"a \"b\"",{3,4}}') into nested JS arrays.
 * Written here rather than deep-importing pg's transitive postgres-array package.
 * Elements that are NULL (unquoted) become null; others go through `element`.
 */
export function parsePgArray(text: string, element: (value: string) => unknown): unknown[] {
  let pos = 0;
  // optional dimension decoration: '[1:2]={…}'
  if (text[0] === '[') pos = text.indexOf('=') + 1;

  function parseLevel(): unknown[] {
    const out: unknown[] = [];
    pos++; // '{'
    while (pos < text.length) {
      const ch = text[pos];
      if (ch === '}') { pos++; return out; }
      if (ch === ',') { pos++; continue; }
      if (ch === '{') { out.push(parseLevel()); continue; }
      if (ch === '"') { out.push(element(readQuoted())); continue; }
      const raw = readBare();
      out.push(raw === 'NULL' ? null : element(raw));
    }
    return out;
  }

  function readQuoted(): string {
    let value = '';
    pos++;
    while (pos < text.length) {
      const ch = text[pos++]!;
      if (ch === '\\') value += text[pos++] ?? '';
      else if (ch === '"') return value;
      else value += ch;
    }
    return value;
  }

  function readBare(): string {
    const start = pos;
    while (pos < text.length && text[pos] !== ',' && text[pos] !== '}') pos++;
    return text.slice(start, pos).trim();
  }

  return text[pos] === '{' ? parseLevel() : [];
}
