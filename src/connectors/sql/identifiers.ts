/**
 * Identifier quoting shared by the SQL connectors. Every table and column name that reaches SQL
 * goes through these, so a hostile name is always one literal identifier.
 */

/** A possibly schema-qualified table name, unquoted parts. */
export interface QualifiedName {
  readonly schema?: string;
  readonly name: string;
}

/** `a"b` → `"a""b"` (ANSI double-quote rules, used by PostgreSQL and SQLite). */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new TypeError('identifier contains a NUL character');
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Splits `schema.table` on the first dot outside double quotes. A part written in quotes keeps
 * its case and may contain dots (`"my.schema"."Orders"`); unquoted parts are taken literally as
 * written, and everything after the first unquoted dot is the table name. Text that does not
 * parse (stray quotes, empty parts) is one literal table name.
 */
export function splitQualifiedName(text: string): QualifiedName {
  const first = readPart(text, 0);
  if (first && first.end === text.length) return { name: first.value };
  if (first && text[first.end] === '.' && first.end + 1 < text.length) {
    // the table part is the rest of the text: one quoted identifier, or taken literally
    const second = text[first.end + 1] === '"' ? readPart(text, first.end + 1) : undefined;
    const name = second && second.end === text.length ? second.value : text.slice(first.end + 1);
    return { schema: first.value, name };
  }
  return { name: text };
}

function readPart(text: string, start: number): { value: string; end: number } | undefined {
  if (text[start] !== '"') {
    const dot = text.indexOf('.', start);
    const end = dot === -1 ? text.length : dot;
    return end > start ? { value: text.slice(start, end), end } : undefined;
  }
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '"') value += ch;
    else if (text[i + 1] === '"') { value += '"'; i++; }
    else return value === '' ? undefined : { value, end: i + 1 };
  }
  return undefined;
}

/** `{schema: 'a', name: 'b'}` → `"a"."b"`. */
export function quoteQualified(name: QualifiedName): string {
  return name.schema === undefined ? quoteIdent(name.name) : `${quoteIdent(name.schema)}.${quoteIdent(name.name)}`;
}

/** Human form for messages and plan targets: `analytics.orders`. */
export function displayName(name: QualifiedName): string {
  return name.schema === undefined ? name.name : `${name.schema}.${name.name}`;
}
