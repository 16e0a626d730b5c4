import type { Row, Value } from '../../core/records/types.js';

/**
 * Characters XML 1.0 does not allow at all (not even as &#…;): C0 controls except tab, LF,
 * CR; U+FFFE/U+FFFF; lone surrogates.
 */
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ESCAPES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#xD;',
};
const NEEDS_ESCAPE = /[&<>"'\r]/g;

export function findInvalidXmlChar(text: string): string | undefined {
  INVALID_XML_CHARS.lastIndex = 0;
  const match = INVALID_XML_CHARS.exec(text);
  return match ? `U+${(match[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

export function removeInvalidXmlChars(text: string): string {
  return text.replace(INVALID_XML_CHARS, '');
}

/** Escapes & < > " ' and CR (which parsers would otherwise normalise away). */
export function escapeXml(text: string): string {
  return text.replace(NEEDS_ESCAPE, (c) => ESCAPES[c] as string);
}

const NAME_START = /[A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
const NAME_CHAR_INVALID = /[^A-Za-z0-9_.\-\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C\u200D\u203F\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/g;

/**
 * A column name as an XML element name: characters not allowed in a name (and `:`, which
 * would mean a namespace) become `_`; a name that does not start with a letter or `_`, or
 * that starts with `xml` (reserved), gets a leading `_`.
 */
export function sanitizeXmlName(name: string): string {
  let out = name.replace(NAME_CHAR_INVALID, '_');
  if (out === '') return '_';
  if (!NAME_START.test(out[0] as string) || /^xml/i.test(out)) out = `_${out}`;
  return out;
}

/** Unique element names for columns, assigned as columns appear (`a b` and `a_b` → `a_b`, `a_b_2`). */
export class ElementNames {
  private readonly used = new Set<string>();
  private readonly byColumn = new Map<string, string>();

  of(column: string): string {
    const known = this.byColumn.get(column);
    if (known !== undefined) return known;
    const base = sanitizeXmlName(column);
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    this.byColumn.set(column, name);
    return name;
  }
}

/** A value as element text: binary as base64, json as JSON text, the rest as their string form. */
export function valueText(value: Exclude<Value, null>): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return JSON.stringify(value);
}

export interface XmlLayout {
  readonly root: string;
  readonly record: string;
  readonly nulls: 'nil' | 'omit';
  readonly invalidChars: 'reject' | 'remove';
}

export function documentStart(layout: XmlLayout): string {
  const ns = layout.nulls === 'nil' ? ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${layout.root}${ns}>\n`;
}

export function documentEnd(layout: XmlLayout): string {
  return `</${layout.root}>\n`;
}

/**
 * One record as XML text, or the reason it cannot be written (a character XML 1.0 forbids,
 * with invalid_chars: reject).
 */
export function recordXml(
  row: Row,
  columns: readonly (readonly [column: string, element: string])[],
  layout: XmlLayout,
): { xml: string } | { error: string; column: string } {
  let xml = `  <${layout.record}>`;
  for (const [column, element] of columns) {
    const value = row[column];
    if (value === null || value === undefined) {
      if (layout.nulls === 'nil') xml += `<${element} xsi:nil="true"/>`;
      continue;
    }
    let text = valueText(value);
    const bad = findInvalidXmlChar(text);
    if (bad !== undefined) {
      if (layout.invalidChars === 'reject') return { error: `value contains ${bad}, a character XML 1.0 does not allow`, column };
      text = removeInvalidXmlChars(text);
    }
    xml += `<${element}>${escapeXml(text)}</${element}>`;
  }
  return { xml: `${xml}</${layout.record}>\n` };
}
